"""The engine's view of the catalog, built from the database once per revision.

Each process keeps the last snapshot and the revision it was built from; a
request costs one cheap query (the revision number) and rebuilds only when an
edit anywhere (another worker, the admin, an import) moved the number.
"""

from __future__ import annotations

import gc
import json
import threading
from typing import Any

from django.db import connection
from django.db.models import TextField
from django.db.models.functions import Cast

from catalog.models import (
    Action,
    ActionConditionKey,
    ActionResourceType,
    Api,
    ApiAction,
    CatalogRevision,
    ConditionKey,
    Dependency,
    Operation,
    Region,
    ResourceType,
    Service,
)
from scpstudio.engine import catalog as engine

_lock = threading.Lock()
_cached: engine.Catalog | None = None


def current_revision() -> int:
    # Asked on every request: a plain query costs a fraction of building it with the ORM.
    table = connection.ops.quote_name(CatalogRevision._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT number FROM {table} WHERE id = %s", [1])
        row = cursor.fetchone()
    return int(row[0]) if row and row[0] else 0


def catalog_snapshot() -> engine.Catalog:
    """The current catalog as an immutable engine `Catalog`."""
    global _cached
    revision = current_revision()
    cached = _cached
    if cached is not None and cached.revision == revision:
        return cached
    with _lock:
        if _cached is None or _cached.revision != revision:
            _cached = build_snapshot(revision)
            _settle(_cached)
        return _cached


# From this many actions on, a new snapshot is moved out of the garbage collector's sight.
FREEZE_FROM_ACTIONS = 2000


def _settle(catalog: engine.Catalog) -> None:
    """A synced catalog is some half a million long-lived objects; every full collection
    would walk them all, a pause of a few hundred ms in whichever request it falls on.
    Collected once, then frozen (`gc.freeze`), they are skipped; a later snapshot's objects
    free by reference count as before."""
    if len(catalog.actions) >= FREEZE_FROM_ACTIONS:
        gc.collect()
        gc.freeze()


def build_snapshot(revision: int) -> engine.Catalog:
    """One query per table, read as plain rows: a synced catalog holds some 15,000 actions,
    and building model instances for them would take seconds."""
    prefixes = dict(Service.objects.values_list("pk", "prefix"))
    type_names = dict(ResourceType.objects.values_list("pk", "name"))
    links: dict[int, list[engine.ResourceTypeRef]] = {}
    for action_id, type_id, required, keys in ActionResourceType.objects.order_by(
        "action_id", "resource_type__name"
    ).values_list("action_id", "resource_type_id", "required", _text("condition_keys")):
        ref = engine.ResourceTypeRef(type_names[type_id], required, _names(keys))
        links.setdefault(action_id, []).append(ref)
    keys_of = _names_by(ActionConditionKey, "key_name")
    deps_of = _names_by(Dependency, "target_name")
    api_links: dict[int, list[engine.ApiLink]] = {}
    for api_id, name, note, conditional in ApiAction.objects.order_by(
        "api_id", "action_name"
    ).values_list("api_id", "action_name", "note", "conditional"):
        api_links.setdefault(api_id, []).append(engine.ApiLink(name, note, conditional))
    actions = Action.objects.order_by("name").values_list(
        "pk",
        "name",
        "service_id",
        "description",
        "access_level",
        "permission_only",
        _text("aliases"),
    )
    return engine.Catalog.build(
        revision=revision,
        services=[
            engine.Service(prefix, name, governed)
            for prefix, name, governed in Service.objects.values_list(
                "prefix", "name", "scp_governed"
            )
        ],
        actions=[
            engine.Action(
                name=name,
                service=prefixes[service_id],
                description=description,
                access_level=level,
                resource_types=tuple(links.get(pk, ())),
                condition_keys=keys_of.get(pk, ()),
                dependencies=deps_of.get(pk, ()),
                permission_only=permission_only,
                aliases=_names(aliases),
            )
            for pk, name, service_id, description, level, permission_only, aliases in actions
        ],
        resource_types=[
            engine.ResourceType(prefixes[service_id], name, urn)
            for service_id, name, urn in ResourceType.objects.order_by(
                "service_id", "name"
            ).values_list("service_id", "name", "urn_pattern")
        ],
        condition_keys=[
            engine.ConditionKey(
                name=name,
                value_type=value_type,
                multivalued=multivalued,
                is_global=service_id is None,
                request_wide=request_wide,
                description=description,
            )
            for name, value_type, multivalued, service_id, request_wide, description in (
                ConditionKey.objects.order_by("name").values_list(
                    "name", "value_type", "multivalued", "service_id", "request_wide", "description"
                )
            )
        ],
        apis=[
            engine.Api(prefixes[service_id], method, path, tuple(api_links.get(pk, ())))
            for pk, service_id, method, path in Api.objects.order_by(
                "service__prefix", "path", "method"
            ).values_list("pk", "service_id", "method", "path")
        ],
        regions=[engine.Region(r, n) for r, n in Region.objects.values_list("region_id", "name")],
        operations=[
            engine.Operation(prefixes[service_id], operation_id, action, _names(dependent))
            for service_id, operation_id, action, dependent in Operation.objects.values_list(
                "service_id", "operation_id", "action_name", _text("dependent_actions")
            )
        ],
    )


def _text(field: str) -> Cast:
    """A JSON list column as its text: most are `[]`, and decoding each through the ORM's
    JSON field costs a third of the build on a synced catalog."""
    return Cast(field, output_field=TextField())


def _names(text: str | None) -> tuple[str, ...]:
    if not text or text == "[]":
        return ()
    value = json.loads(text)
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def _names_by(model: type[Any], field: str) -> dict[int, tuple[str, ...]]:
    """Action id -> the names its rows hold, in their position order."""
    grouped: dict[int, list[str]] = {}
    for action_id, name in model.objects.order_by("action_id", "position", field).values_list(
        "action_id", field
    ):
        grouped.setdefault(action_id, []).append(name)
    return {k: tuple(v) for k, v in grouped.items()}
