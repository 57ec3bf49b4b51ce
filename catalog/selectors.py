"""Reads of the catalog: the export document, the health report."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from catalog.models import (
    Action,
    ActionConditionKey,
    ActionResourceType,
    Api,
    ApiAction,
    ConditionKey,
    Dependency,
    ImportDraft,
    Operation,
    Region,
    ResourceType,
    Service,
)
from catalog.snapshot import catalog_snapshot
from scpstudio.engine.api_needs import ApiNeed, apis_needing
from scpstudio.engine.catalog import Catalog
from scpstudio.engine.catalog_json import FORMAT_NAME, FORMAT_VERSION

SHA256_RE = re.compile(r"[0-9a-f]{64}")
# How long a reviewed import waits for its Apply.
IMPORT_DRAFT_TTL = timedelta(hours=24)

Filters = dict[str, Any]


def catalog_export(
    *, services: list[str] | None = None, global_keys: bool = True, regions: bool | None = None
) -> dict[str, Any]:
    """The catalog in our JSON format, sorted so that two exports compare equal.

    The regions are part of a whole export (`services` None) unless `regions` says otherwise.
    """
    doc: dict[str, Any] = {"format": FORMAT_NAME, "version": FORMAT_VERSION}
    if regions if regions is not None else services is None:
        doc["regions"] = [{"id": r.region_id, "name": r.name} for r in region_list()]
    if global_keys:
        doc["global_condition_keys"] = [
            {
                "name": k.name,
                "type": k.value_type,
                "multivalued": k.multivalued,
                "request_wide": k.request_wide,
                "confirmed": k.confirmed,
                "description": k.description,
            }
            for k in ConditionKey.objects.filter(service__isnull=True).order_by("name")
        ]
    qs = Service.objects.order_by("prefix").prefetch_related(
        "resource_types",
        "condition_keys",
        "operations",
        Prefetch(
            "actions",
            queryset=Action.objects.order_by("name").prefetch_related(
                Prefetch(
                    "resource_links",
                    queryset=ActionResourceType.objects.select_related("resource_type").order_by(
                        "resource_type__name"
                    ),
                ),
                Prefetch("key_links", queryset=ActionConditionKey.objects.order_by("position")),
                Prefetch("dependencies", queryset=Dependency.objects.order_by("position")),
            ),
        ),
        Prefetch(
            "apis",
            queryset=Api.objects.order_by("path", "method").prefetch_related(
                Prefetch("action_links", queryset=ApiAction.objects.order_by("action_name"))
            ),
        ),
    )
    if services is not None:
        qs = qs.filter(prefix__in=services)
    doc["services"] = [service_document(s) for s in qs]
    return doc


def service_document(s: Service) -> dict[str, Any]:
    return {
        "prefix": s.prefix,
        "name": s.name,
        "source": s.source,
        "updated_on": s.updated_on.isoformat() if s.updated_on else None,
        "scp_governed": s.scp_governed,
        "schema_version": s.schema_version,
        "resource_types": [
            {"name": r.name, "urn_pattern": r.urn_pattern}
            for r in sorted(s.resource_types.all(), key=lambda r: r.name)
        ],
        "condition_keys": [
            {
                "name": k.name,
                "type": k.value_type,
                "multivalued": k.multivalued,
                "description": k.description,
            }
            for k in sorted(s.condition_keys.all(), key=lambda k: k.name)
        ],
        "actions": [
            {
                "name": a.name,
                "description": a.description,
                "access_level": a.access_level,
                "permission_only": a.permission_only,
                "aliases": list(a.aliases),
                "resource_types": [
                    {
                        "name": link.resource_type.name,
                        "required": link.required,
                        "condition_keys": list(link.condition_keys),
                    }
                    for link in a.resource_links.all()
                ],
                "condition_keys": [link.key_name for link in a.key_links.all()],
                "dependencies": [d.target_name for d in a.dependencies.all()],
            }
            for a in s.actions.all()
        ],
        "apis": [
            {
                "method": api.method,
                "path": api.path,
                "actions": [
                    {"action": link.action_name, "note": link.note, "conditional": link.conditional}
                    for link in api.action_links.all()
                ],
            }
            for api in s.apis.all()
        ],
        "operations": [
            {
                "operation_id": op.operation_id,
                "action": op.action_name,
                "dependent_actions": list(op.dependent_actions),
            }
            for op in sorted(s.operations.all(), key=lambda op: op.operation_id)
        ],
    }


@dataclass(frozen=True)
class HealthReport:
    dangling_dependencies: list[Dependency]
    unused_keys: list[ConditionKey]
    undefined_keys: list[ActionConditionKey]
    actions_without_apis: list[Action]
    apis_with_missing_action: list[ApiAction]
    # IAM's schema and the page joined by action: what each side has that the other lacks
    operations_without_api: list[Operation]
    apis_without_operation: list[Api]

    @property
    def problem_count(self) -> int:
        return (
            len(self.dangling_dependencies)
            + len(self.undefined_keys)
            + len(self.actions_without_apis)
            + len(self.apis_with_missing_action)
        )


def catalog_health() -> HealthReport:
    """What a maintainer should look at: references to nothing, things nothing uses."""
    return HealthReport(
        dangling_dependencies=list(
            Dependency.objects.filter(target__isnull=True).select_related("action")
        ),
        unused_keys=list(
            ConditionKey.objects.filter(service__isnull=False, action_links__isnull=True)
            .select_related("service")
            .distinct()
        ),
        undefined_keys=list(
            ActionConditionKey.objects.filter(key__isnull=True).select_related("action")
        ),
        actions_without_apis=list(
            Action.objects.filter(
                api_links__isnull=True, operations__isnull=True, permission_only=False
            )
            .select_related("service")
            .distinct()
        ),
        apis_with_missing_action=list(
            ApiAction.objects.filter(action__isnull=True).select_related("api")
        ),
        operations_without_api=list(
            Operation.objects.exclude(
                Exists(
                    ApiAction.objects.filter(
                        action_name__iexact=OuterRef("action_name"), conditional=False
                    )
                )
            ).select_related("service")
        ),
        apis_without_operation=list(
            Api.objects.filter(Exists(Operation.objects.filter(service=OuterRef("service"))))
            .exclude(
                Exists(
                    Operation.objects.filter(
                        action_id__isnull=False,
                        action__api_links__api=OuterRef("pk"),
                        action__api_links__conditional=False,
                    )
                )
            )
            .select_related("service")
        ),
    )


# -- the REST API's lists: each prefetches what its representation shows ----------------


def count_per_service(model: type[Any]) -> Coalesce:
    """How many rows of `model` a service has, as a subquery (joins would multiply rows)."""
    counts = (
        model.objects.filter(service=OuterRef("pk"))
        .order_by()
        .values("service")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def links_per_key() -> Coalesce:
    """How many actions list each key, as a subquery (a global key is listed by thousands)."""
    counts = (
        ActionConditionKey.objects.filter(key=OuterRef("pk"))
        .order_by()
        .values("key")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def service_list(*, filters: Filters) -> QuerySet[Service]:
    qs = Service.objects.annotate(
        action_count=count_per_service(Action),
        api_count=count_per_service(Api),
        resource_type_count=count_per_service(ResourceType),
        condition_key_count=count_per_service(ConditionKey),
    )
    if filters.get("service"):
        qs = qs.filter(prefix=filters["service"])
    return qs.order_by("prefix")


def service_detail_list() -> QuerySet[Service]:
    """Services with what their detail shows besides the counts."""
    return service_list(filters={}).prefetch_related(
        Prefetch("resource_types", queryset=ResourceType.objects.order_by("name")),
        Prefetch("condition_keys", queryset=ConditionKey.objects.order_by("name")),
    )


def action_list(*, filters: Filters) -> QuerySet[Action]:
    """Actions with every part their representation shows, prefetched as models."""
    return action_page(filters=filters).prefetch_related(
        Prefetch(
            "resource_links",
            queryset=ActionResourceType.objects.select_related("resource_type").order_by(
                "resource_type__name"
            ),
        ),
        Prefetch(
            "key_links",
            queryset=ActionConditionKey.objects.select_related("key").order_by(
                "position", "key_name"
            ),
        ),
        Prefetch("dependencies", queryset=Dependency.objects.order_by("position", "target_name")),
        Prefetch(
            "operations",
            queryset=Operation.objects.order_by("operation_id").only("operation_id", "action_id"),
            to_attr="operation_list",
        ),
    )


def action_page(*, filters: Filters) -> QuerySet[Action]:
    """Actions by name, filtered, without their parts: a page of them gets its parts from
    `with_action_parts`."""
    qs = Action.objects.select_related("service")
    if filters.get("service"):
        qs = qs.filter(service__prefix=filters["service"])
    if filters.get("access_level"):
        qs = qs.filter(access_level=filters["access_level"])
    if filters.get("resource_type"):
        qs = qs.filter(
            Exists(
                ActionResourceType.objects.filter(
                    action=OuterRef("pk"), resource_type__name=filters["resource_type"]
                )
            )
        )
    if filters.get("condition_key"):
        qs = qs.filter(
            Exists(
                ActionConditionKey.objects.filter(
                    action=OuterRef("pk"), key_name__iexact=filters["condition_key"]
                )
            )
        )
    if filters.get("q"):
        qs = qs.filter(Q(name__icontains=filters["q"]) | Q(description__icontains=filters["q"]))
    return qs.order_by("name")


@dataclass(frozen=True)
class ActionParts:
    """What a list shows of an action besides its own fields, read as rows: a page of 200
    actions read as models was half a page's time (1,800 model instances)."""

    # (name, required, urn_pattern, condition_keys) by resource type name
    resource_types: list[tuple[str, bool, str, Any]]
    # (key_name, key defined, value_type, multivalued, global key) in the action's order
    condition_keys: list[tuple[str, bool, str | None, bool | None, bool]]
    # (target_name, defined) in the action's order
    dependencies: list[tuple[str, bool]]
    operation_ids: list[str]


def with_action_parts(actions: list[Action]) -> list[Action]:
    """The actions, each given its `parts` (`ActionParts`): four queries for the page."""
    ids = [a.pk for a in actions]
    parts: dict[int, ActionParts] = {pk: ActionParts([], [], [], []) for pk in ids}
    resources = ActionResourceType.objects.filter(action_id__in=ids).order_by("resource_type__name")
    for pk, *row in resources.values_list(
        "action_id",
        "resource_type__name",
        "required",
        "resource_type__urn_pattern",
        "condition_keys",
    ):
        parts[pk].resource_types.append(tuple(row))  # type: ignore[arg-type]
    keys = ActionConditionKey.objects.filter(action_id__in=ids).order_by("position", "key_name")
    for pk, name, key_id, value_type, multivalued, key_service in keys.values_list(
        "action_id", "key_name", "key_id", "key__value_type", "key__multivalued", "key__service_id"
    ):
        defined = key_id is not None
        is_global = key_service is None if defined else name.startswith("g:")
        parts[pk].condition_keys.append((name, defined, value_type, multivalued, is_global))
    dependencies = Dependency.objects.filter(action_id__in=ids).order_by("position", "target_name")
    for pk, name, target in dependencies.values_list("action_id", "target_name", "target_id"):
        parts[pk].dependencies.append((name, target is not None))
    operations = Operation.objects.filter(action_id__in=ids).order_by("operation_id")
    for pk, operation_id in operations.values_list("action_id", "operation_id"):
        parts[pk].operation_ids.append(operation_id)
    for action in actions:
        action.parts = parts[action.pk]  # type: ignore[attr-defined]
    return actions


def resource_type_list(*, filters: Filters) -> QuerySet[ResourceType]:
    qs = ResourceType.objects.select_related("service").prefetch_related(
        Prefetch(
            "actionresourcetype_set",
            queryset=ActionResourceType.objects.select_related("action").order_by("action__name"),
        )
    )
    if filters.get("service"):
        qs = qs.filter(service__prefix=filters["service"])
    return qs.order_by("service__prefix", "name")


def condition_key_list(*, filters: Filters) -> QuerySet[ConditionKey]:
    qs = ConditionKey.objects.select_related("service").annotate(action_count=links_per_key())
    if filters.get("service"):
        qs = qs.filter(service__prefix=filters["service"])
    if filters.get("scope"):
        qs = qs.filter(service__isnull=filters["scope"] == "global")
    return qs.order_by("name")


def api_list(*, filters: Filters) -> QuerySet[Api]:
    qs = Api.objects.select_related("service").prefetch_related(
        Prefetch(
            "action_links",
            queryset=ApiAction.objects.select_related("action")
            .prefetch_related(
                Prefetch(
                    "action__dependencies",
                    queryset=Dependency.objects.order_by("position", "target_name"),
                )
            )
            .order_by("action_name"),
        )
    )
    if filters.get("service"):
        qs = qs.filter(service__prefix=filters["service"])
    if filters.get("action"):
        qs = apis_among(qs, apis_needing_action(action=filters["action"], how=filters.get("via")))
    return qs.order_by("service__prefix", "path", "method")


def apis_needing_action(
    *, action: str, how: str | None = None, catalog: Catalog | None = None
) -> tuple[ApiNeed, ...]:
    """The APIs that need an action (its exact name, in any case), each saying how: directly,
    through a dependency (of which action), or only in a situation the catalog names.

    The one answer of the action page, the API list's `?action=` filter and the REST API.
    The rule is the editor preview's own (engine `api_needs`), read from the catalog
    snapshot: no query per action. `how` keeps one kind; `catalog` saves a list of many
    actions the revision query per action.
    """
    return apis_needing(catalog or catalog_snapshot(), action, how or "")


def apis_among(qs: QuerySet[Api], needs: tuple[ApiNeed, ...]) -> QuerySet[Api]:
    """The APIs of `qs` that the needs name (by method and path, as the preview groups them)."""
    wanted = {(n.method, n.path) for n in needs}
    rows = Api.objects.filter(path__in={path for _, path in wanted}).values_list(
        "pk", "method", "path"
    )
    return qs.filter(pk__in=[pk for pk, method, path in rows if (method.upper(), path) in wanted])


def operation_list(*, filters: Filters) -> QuerySet[Operation]:
    qs = Operation.objects.select_related("service", "action").prefetch_related(
        Prefetch("action__api_links", queryset=ApiAction.objects.select_related("api"))
    )
    if filters.get("service"):
        qs = qs.filter(service__prefix=filters["service"])
    return qs.order_by("service__prefix", "operation_id")


def region_list() -> QuerySet[Region]:
    return Region.objects.order_by("region_id")


def import_draft_get(*, user: Any, sha256: str) -> ImportDraft | None:
    """The user's reviewed source by its SHA-256, unless it expired; None for any other value."""
    if not SHA256_RE.fullmatch(sha256):
        return None
    return ImportDraft.objects.filter(
        user=user, sha256=sha256, created_at__gte=timezone.now() - IMPORT_DRAFT_TTL
    ).first()
