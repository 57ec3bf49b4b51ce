"""Our catalog JSON format, read into the engine's `Catalog` without a database.

The format (`catalog/data/*.json`, `export_catalog`, `import_catalog`)::

    {"format": "scpstudio-catalog", "version": 1,
     "regions": [{"id", "name"}],
     "global_condition_keys": [{"name", "type", "multivalued", "request_wide",
                                "description"}],
     "services": [{"prefix", "name", "source", "updated_on",
                   "scp_governed": true | false | null, "schema_version",
                   "resource_types": [{"name", "urn_pattern"}],
                   "condition_keys": [{"name", "type", "multivalued", "description"}],
                   "actions": [{"name", "description", "access_level",
                                "permission_only", "aliases": [name, ...],
                                "resource_types": [{"name", "required",
                                                    "condition_keys": [name, ...]}],
                                "condition_keys": [name, ...],
                                "dependencies": [name, ...]}],
                   "apis": [{"method", "path",
                             "actions": [{"action", "note", "conditional"}]}],
                   "operations": [{"operation_id", "action",
                                   "dependent_actions": [name, ...]}]}]}

An access level is list, read, write, permission_management, tagging or another word Huawei
uses (kept as given). `scp_governed`, `schema_version`, `permission_only`, `aliases`, the
resource types' `condition_keys` and `operations` came with IAM's authorization schema.

Every part is optional in a file. The Django importer checks a file strictly;
this reader trusts it (it is used for shipped data, the CLI and benchmarks).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from scpstudio.engine.catalog import (
    Action,
    Api,
    ApiLink,
    Catalog,
    ConditionKey,
    Operation,
    Region,
    ResourceType,
    ResourceTypeRef,
    Service,
)

FORMAT_NAME = "scpstudio-catalog"
FORMAT_VERSION = 1


def catalog_from_json(documents: Iterable[Mapping[str, Any]], *, revision: int = 0) -> Catalog:
    """Merge one or more catalog documents into a `Catalog`."""
    services: list[Service] = []
    actions: list[Action] = []
    resource_types: list[ResourceType] = []
    keys: list[ConditionKey] = []
    apis: list[Api] = []
    regions: list[Region] = []
    operations: list[Operation] = []
    for doc in documents:
        for r in doc.get("regions", ()):
            regions.append(Region(id=r["id"], name=r.get("name", "")))
        for k in doc.get("global_condition_keys", ()):
            keys.append(
                ConditionKey(
                    name=k["name"],
                    value_type=k["type"],
                    multivalued=bool(k.get("multivalued", False)),
                    is_global=True,
                    request_wide=bool(k.get("request_wide", True)),
                    description=k.get("description", ""),
                )
            )
        for s in doc.get("services", ()):
            prefix = s["prefix"]
            services.append(
                Service(
                    prefix=prefix, name=s.get("name", prefix), scp_governed=s.get("scp_governed")
                )
            )
            for r in s.get("resource_types", ()):
                resource_types.append(ResourceType(prefix, r["name"], r["urn_pattern"]))
            for k in s.get("condition_keys", ()):
                keys.append(
                    ConditionKey(
                        name=k["name"],
                        value_type=k["type"],
                        multivalued=bool(k.get("multivalued", False)),
                        is_global=False,
                        request_wide=False,
                        description=k.get("description", ""),
                    )
                )
            for a in s.get("actions", ()):
                actions.append(
                    Action(
                        name=a["name"],
                        service=prefix,
                        description=a.get("description", ""),
                        access_level=a["access_level"],
                        resource_types=tuple(
                            ResourceTypeRef(
                                r["name"],
                                bool(r.get("required", False)),
                                tuple(r.get("condition_keys", ())),
                            )
                            for r in a.get("resource_types", ())
                        ),
                        condition_keys=tuple(a.get("condition_keys", ())),
                        dependencies=tuple(a.get("dependencies", ())),
                        permission_only=bool(a.get("permission_only", False)),
                        aliases=tuple(a.get("aliases", ())),
                    )
                )
            for api in s.get("apis", ()):
                apis.append(
                    Api(
                        service=prefix,
                        method=api["method"],
                        path=api["path"],
                        links=tuple(
                            ApiLink(
                                action=link["action"],
                                note=link.get("note", ""),
                                conditional=bool(link.get("conditional", False)),
                            )
                            for link in api.get("actions", ())
                        ),
                    )
                )
            for op in s.get("operations", ()):
                operations.append(
                    Operation(
                        prefix,
                        op["operation_id"],
                        op["action"],
                        tuple(op.get("dependent_actions", ())),
                    )
                )
    return Catalog.build(
        revision=revision,
        services=services,
        actions=actions,
        resource_types=resource_types,
        condition_keys=keys,
        apis=apis,
        regions=regions,
        operations=operations,
    )
