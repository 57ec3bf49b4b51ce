"""Our catalog JSON format, read into the engine's `Catalog` without a database.

The format (`catalog/data/*.json`, `export_catalog`, `import_catalog`)::

    {"format": "scpstudio-catalog", "version": 1,
     "regions": [{"id", "name"}],
     "global_condition_keys": [{"name", "type", "multivalued", "request_wide",
                                "description"}],
     "services": [{"prefix", "name", "source", "updated_on",
                   "resource_types": [{"name", "urn_pattern"}],
                   "condition_keys": [{"name", "type", "multivalued", "description"}],
                   "actions": [{"name", "description", "access_level",
                                "resource_types": [{"name", "required"}],
                                "condition_keys": [name, ...],
                                "dependencies": [name, ...]}],
                   "apis": [{"method", "path",
                             "actions": [{"action", "note", "conditional"}]}]}]}

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
            services.append(Service(prefix=prefix, name=s.get("name", prefix)))
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
                            ResourceTypeRef(r["name"], bool(r.get("required", False)))
                            for r in a.get("resource_types", ())
                        ),
                        condition_keys=tuple(a.get("condition_keys", ())),
                        dependencies=tuple(a.get("dependencies", ())),
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
    return Catalog.build(
        revision=revision,
        services=services,
        actions=actions,
        resource_types=resource_types,
        condition_keys=keys,
        apis=apis,
        regions=regions,
    )
