"""A generated catalog of several services, in our catalog format, for engine tests that
compare a fast path with the plain one on more than IMS."""

from __future__ import annotations

import json
from typing import Any

from scpstudio.engine.catalog import Catalog
from scpstudio.engine.catalog_json import catalog_from_json
from tests.bench.catalog_generator import services
from tests.engine.conftest import DATA


def generated_catalog(count: int = 3) -> Catalog:
    """`catalog_generator`'s services (IAM's schema shape) in our catalog format, with the
    shipped global keys: aliases, permission-only actions, operations with dependent
    actions in their own service and the next."""
    docs: list[dict[str, Any]] = [json.loads((DATA / "global-keys.json").read_text())]
    for prefix, schema in services(count).items():
        docs.append(
            {
                "services": [
                    {
                        "prefix": prefix,
                        "name": prefix.upper(),
                        "scp_governed": prefix != "svc001" and None,
                        "resource_types": [
                            {"name": r["type_name"], "urn_pattern": r["urn_template"]}
                            for r in schema["resources"]
                        ],
                        "condition_keys": [
                            {
                                "name": c["key"],
                                "type": c["value_type"].removesuffix("List").lower(),
                                "multivalued": c["multi_valued"],
                            }
                            for c in schema["conditions"]
                        ],
                        "actions": [_action(a) for a in schema["actions"]],
                        "operations": [
                            {
                                "operation_id": op["operation_id"],
                                "action": op["operation_action"],
                                "dependent_actions": op["dependent_actions"],
                            }
                            for op in schema["operations"]
                        ],
                    }
                ]
            }
        )
    return catalog_from_json(docs)


def _action(a: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": a["name"],
        "access_level": a["access_level"],
        "permission_only": a["permission_only"],
        "aliases": a["aliases"],
        "resource_types": [
            {
                "name": r["urn_template"].split(":")[3],
                "required": r["required"],
                "condition_keys": r["condition_keys"],
            }
            for r in a["resources"]
        ],
        "condition_keys": a["condition_keys"],
    }
