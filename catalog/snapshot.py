"""The engine's view of the catalog, built from the database once per revision.

Each process keeps the last snapshot and the revision it was built from; a
request costs one cheap query (the revision number) and rebuilds only when an
edit anywhere (another worker, the admin, an import) moved the number.
"""

from __future__ import annotations

import threading

from django.db import connection

from catalog.models import (
    Action,
    Api,
    CatalogRevision,
    ConditionKey,
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
        return _cached


def build_snapshot(revision: int) -> engine.Catalog:
    actions = Action.objects.select_related("service").prefetch_related(
        "resource_links__resource_type", "key_links", "dependencies"
    )
    apis = Api.objects.select_related("service").prefetch_related("action_links")
    return engine.Catalog.build(
        revision=revision,
        services=[engine.Service(s.prefix, s.name, s.scp_governed) for s in Service.objects.all()],
        actions=[
            engine.Action(
                name=a.name,
                service=a.service.prefix,
                description=a.description,
                access_level=a.access_level,
                resource_types=tuple(
                    engine.ResourceTypeRef(
                        link.resource_type.name, link.required, tuple(link.condition_keys)
                    )
                    for link in a.resource_links.all()
                ),
                condition_keys=tuple(link.key_name for link in a.key_links.all()),
                dependencies=tuple(d.target_name for d in a.dependencies.all()),
                permission_only=a.permission_only,
                aliases=tuple(a.aliases),
            )
            for a in actions
        ],
        resource_types=[
            engine.ResourceType(r.service.prefix, r.name, r.urn_pattern)
            for r in ResourceType.objects.select_related("service")
        ],
        condition_keys=[
            engine.ConditionKey(
                name=k.name,
                value_type=k.value_type,
                multivalued=k.multivalued,
                is_global=k.service_id is None,
                request_wide=k.request_wide,
                description=k.description,
            )
            for k in ConditionKey.objects.all()
        ],
        apis=[
            engine.Api(
                service=api.service.prefix,
                method=api.method,
                path=api.path,
                links=tuple(
                    engine.ApiLink(link.action_name, link.note, link.conditional)
                    for link in api.action_links.all()
                ),
            )
            for api in apis
        ],
        regions=[engine.Region(r.region_id, r.name) for r in Region.objects.all()],
        operations=[
            engine.Operation(
                op.service.prefix, op.operation_id, op.action_name, tuple(op.dependent_actions)
            )
            for op in Operation.objects.select_related("service")
        ],
    )
