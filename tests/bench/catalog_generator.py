"""A generated catalog in the shape of IAM's authorization-schema API: `services(300)` gives
300 services of 50 actions each (15,000 actions), with resource types, service keys and
global keys, aliases, permission-only actions and one operation per other action, some
with dependent actions in their own and in another service. Deterministic."""

from __future__ import annotations

from typing import Any

ACTIONS_PER_SERVICE = 50
LEVELS = ("list", "read", "write", "permission_management", "tagging")
VERBS = ("list", "get", "create", "update", "delete", "attach", "detach", "tag", "resize", "copy")


def code(i: int) -> str:
    return f"svc{i:03d}"


def schema(i: int, services: int) -> dict[str, Any]:
    """Service number i of `services`, as `get_authorization_schema_v5` answers."""
    prefix = code(i)
    types = [f"res{t}" for t in range(3)]
    resources = [
        {"type_name": t, "urn_template": f"{prefix}:<region>:<account-id>:{t}:<{t}-id>"}
        for t in types
    ]
    conditions = [
        {
            "key": f"{prefix}:Key{k}",
            "value_type": ("String", "Boolean", "Number", "StringList")[k],
            "multi_valued": k == 3,
            "description": {"en_US": f"Key {k} of {prefix}.", "zh_CN": ""},
        }
        for k in range(4)
    ]
    actions = []
    operations = []
    for j in range(ACTIONS_PER_SERVICE):
        verb = VERBS[j % len(VERBS)]
        kind = types[j % len(types)]
        name = f"{prefix}:{kind}s:{verb}{j}"
        permission_only = j % 17 == 16
        actions.append(
            {
                "name": name,
                "access_level": LEVELS[j % len(LEVELS)],
                "permission_only": permission_only,
                "description": {"en_US": f"Grants permission to {verb} {kind} {j}.", "zh_CN": ""},
                "aliases": [f"{prefix}:old{kind}s:{verb}{j}"] if j % 10 == 3 else [],
                "resources": [
                    {
                        "urn_template": resources[j % len(types)]["urn_template"],
                        "required": j % 2 == 0,
                        "condition_keys": [f"{prefix}:Key{j % 4}"],
                    }
                ],
                "condition_keys": ["g:EnterpriseProjectId", "g:ResourceTag/<tag-key>"],
            }
        )
        if permission_only:
            continue
        dependent = []
        if j % 5 == 2:
            dependent.append(f"{prefix}:{types[0]}s:{VERBS[0]}0")
        if j % 7 == 3:
            other = code((i + 1) % services)
            dependent.append(f"{other}:{types[1]}s:{VERBS[1]}1")
        operations.append(
            {
                "operation_id": f"{verb.title()}{kind.title()}{j}",
                "operation_action": name,
                "dependent_actions": dependent,
            }
        )
    return {
        "version": "1.0",
        "actions": actions,
        "resources": resources,
        "conditions": conditions,
        "operations": operations,
    }


def services(count: int) -> dict[str, dict[str, Any]]:
    return {code(i): schema(i, count) for i in range(count)}
