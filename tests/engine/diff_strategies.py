"""Policies, pairs of policies, meaning-keeping rewrites and concrete requests for the exact
diff's properties: few actions (so a diff stays quick), every kind of condition value."""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import strategies as st

from scpstudio.engine.operators import FOR_ANY, OPERATORS, ParsedOperator, parse_operator

ACTIONS = [
    "ims:images:share",
    "ims:images:get",
    "ims:images:list",
    "ims:images:copyInRegion",
    "ims:images:create",
    "ims:images:s*",
    "obs:object:GetObject",
]
RESOURCES = [
    "*",
    "ims:*:*:image:*",
    "ims:cn-north-4:*:image:img-*",
    "ims:cn-north-*:*:image:*",
    "ims:*:acc1:image:*",
    "ims:*:*:image:img-a?",
    "obs:*:*:object:*",
]
# key -> (type, policy values, request values)
KEYS: dict[str, tuple[str, list[Any], list[Any]]] = {
    "g:UserAgent": (
        "string",
        ["curl/*", "curl/7*", "a?c", "abc", "ABC", "*"],
        ["curl/7.1", "curl/8", "abc", "aBc", "a c", "ABC", "", "zzz"],
    ),
    "ims:TargetOrgPaths": (
        "string",
        ["o-1/r-1/ou-a/*", "o-1/r-1/*", "o-1/r-1/ou-b/acc"],
        ["o-1/r-1/ou-a/x", "o-1/r-1/ou-b/acc", "o-1/r-1/ou-c/y", "o-2/r-1/ou-a/x"],
    ),
    "g:TagKeys": ("string", ["a", "b", "A"], ["a", "b", "A", "c"]),
    "g:MFAAge": ("number", ["300", 600, "0.5"], [0, 0.5, 1, 300, 450, 600, 601, "300"]),
    "g:CurrentTime": (
        "date",
        ["2026-01-01T00:00:00Z", "2026-06-01T00:00:00+02:00"],
        [
            "2025-12-31T23:59:59Z",
            "2026-01-01T00:00:00Z",
            "2026-03-01T00:00:00Z",
            "2026-05-31T22:00:00Z",
            "2026-07-01T00:00:00Z",
        ],
    ),
    "ims:Encrypted": ("boolean", ["true", "false"], ["true", "false"]),
    "g:SourceIp": (
        "ip",
        ["10.0.0.0/8", "10.1.0.0/16", "2001:db8::/32", "192.168.1.1"],
        ["10.0.0.1", "10.1.2.3", "11.0.0.1", "2001:db8::1", "::1", "192.168.1.1"],
    ),
}
MULTIVALUED = {"g:TagKeys", "ims:TargetOrgPaths"}
BY_FAMILY: dict[str, list[str]] = {}
for _spec in OPERATORS.values():
    BY_FAMILY.setdefault(_spec.family, []).append(_spec.name)


@st.composite
def conditions(draw: Any) -> dict[str, Any]:
    out: dict[str, dict[str, Any]] = {}
    for key in draw(st.lists(st.sampled_from(sorted(KEYS)), max_size=2, unique=True)):
        family, policy_values, _ = KEYS[key]
        if not draw(st.integers(0, 5)):
            out.setdefault("Null", {})[key] = draw(st.sampled_from(["true", "false"]))
            continue
        operator = draw(st.sampled_from(BY_FAMILY[family]))
        qualifier = draw(st.sampled_from(["", "", "ForAnyValue:", "ForAllValues:"]))
        suffix = draw(st.sampled_from(["", "", "IfExists"]))
        values = draw(st.lists(st.sampled_from(policy_values), min_size=1, max_size=3))
        out.setdefault(f"{qualifier}{operator}{suffix}", {})[key] = values
    return out


@st.composite
def statements(draw: Any, effects: tuple[str, ...] = ("Deny",)) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": draw(st.sampled_from(effects))}
    element = "NotAction" if not draw(st.integers(0, 7)) else "Action"
    statement[element] = draw(st.lists(st.sampled_from(ACTIONS), min_size=1, max_size=2))
    if draw(st.booleans()):
        element = "NotResource" if not draw(st.integers(0, 5)) else "Resource"
        statement[element] = draw(st.lists(st.sampled_from(RESOURCES), min_size=1, max_size=2))
    condition = draw(conditions())
    if condition:
        statement["Condition"] = condition
    return statement


def policies(effects: tuple[str, ...] = ("Deny",)) -> st.SearchStrategy[dict[str, Any]]:
    return st.lists(statements(effects), min_size=1, max_size=3).map(
        lambda s: {"Version": "5.0", "Statement": s}
    )


@st.composite
def mutated(draw: Any, doc: dict[str, Any], effects: tuple[str, ...]) -> dict[str, Any]:
    """The policy with one small change: the kind of edit a reviewer is asked to approve."""
    out = copy.deepcopy(doc)
    items = out["Statement"]
    i = draw(st.integers(0, len(items) - 1))
    statement = items[i]
    how = draw(st.sampled_from(["value", "operator", "resource", "drop", "add", "effect"]))
    condition = statement.get("Condition")
    if how in ("value", "operator") and condition:
        op = draw(st.sampled_from(sorted(condition)))
        key = draw(st.sampled_from(sorted(condition[op])))
        family = KEYS[key][0]
        if how == "value" and op != "Null":
            values = list(condition[op][key]) if isinstance(condition[op][key], list) else []
            values.append(draw(st.sampled_from(KEYS[key][1])))
            condition[op][key] = draw(st.permutations(values))[: draw(st.integers(1, 3))]
        else:
            body = condition.pop(op)
            new_op = draw(st.sampled_from(["ForAnyValue:", "ForAllValues:", ""])) + draw(
                st.sampled_from(BY_FAMILY[family])
            )
            condition.setdefault(new_op, {}).update(body)
    elif how == "resource":
        statement["Resource"] = draw(st.lists(st.sampled_from(RESOURCES), min_size=1, max_size=2))
        statement.pop("NotResource", None)
    elif how == "drop" and len(items) > 1:
        items.pop(i)
    elif how == "effect" and len(effects) > 1:
        statement["Effect"] = "Allow" if statement["Effect"] == "Deny" else "Deny"
    else:
        items.append(draw(statements(effects)))
    return out


@st.composite
def pairs(draw: Any) -> tuple[dict[str, Any], dict[str, Any], str]:
    """(before, after, profile): an SCP and a changed copy, or an identity policy's."""
    profile = draw(st.sampled_from(["scp", "scp", "identity"]))
    effects = ("Deny",) if profile == "scp" else ("Allow", "Allow", "Deny")
    before = draw(policies(effects))
    after = draw(st.one_of(mutated(before, effects), mutated(before, effects), policies(effects)))
    return before, after, profile


@st.composite
def requests(draw: Any) -> dict[str, Any]:
    """A concrete request context: region, account, image id and every key given or absent."""
    keys: dict[str, list[Any]] = {}
    for key, (_, _, values) in KEYS.items():
        size = 2 if key in MULTIVALUED else 1
        keys[key] = draw(st.lists(st.sampled_from(values), max_size=size, unique=True))
    return {
        "region": draw(st.sampled_from(["cn-north-4", "cn-north-1", "ap-southeast-1"])),
        "account_id": draw(st.sampled_from(["acc1", "acc2"])),
        "resource_ids": {"image": draw(st.sampled_from(["img-1", "img-a1", "img-ab", "other"]))},
        "keys": keys,
    }


def _splittable(operator: str) -> bool:
    """Whether a clause holds when one of its values does (OR), so one statement per value
    means the same: not negated, not ForAllValues, not Null."""
    parsed = parse_operator(operator)
    return (
        isinstance(parsed, ParsedOperator)
        and not parsed.spec.negated
        and parsed.spec.family != "null"
        and parsed.qualifier in (None, FOR_ANY)
    )


@st.composite
def rewritten(draw: Any, doc: dict[str, Any]) -> str:
    """The same policy written another way: statements split by action, by resource and by
    condition value, duplicated and reordered, lists reordered, other layout."""
    out: list[dict[str, Any]] = []
    for statement in doc["Statement"]:
        pieces = [statement]
        if draw(st.booleans()) and "Action" in statement:
            pieces = [{**p, "Action": [a]} for p in pieces for a in p["Action"]]
        if draw(st.booleans()) and "Resource" in statement:
            pieces = [{**p, "Resource": [r]} for p in pieces for r in p["Resource"]]
        condition = statement.get("Condition", {})
        ops = [op for op in condition if _splittable(op)]
        if draw(st.booleans()) and len(condition) == 1 and ops:
            op = ops[0]
            (key,) = condition[op] if len(condition[op]) == 1 else (None,)
            if key is not None and isinstance(condition[op][key], list):
                pieces = [
                    {**p, "Condition": {op: {key: [v]}}} for p in pieces for v in condition[op][key]
                ]
        for p in pieces:
            q = copy.deepcopy(p)
            for element in ("Action", "NotAction", "Resource", "NotResource"):
                if isinstance(q.get(element), list):
                    q[element] = draw(st.permutations(q[element]))
            out.append(q)
        if draw(st.integers(0, 4)) == 0:
            out.append(copy.deepcopy(pieces[0]))
    out = draw(st.permutations(out))
    indent = draw(st.sampled_from([None, 1, 4]))
    return json.dumps({"Statement": out, "Version": "5.0"}, indent=indent)
