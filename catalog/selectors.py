"""Reads of the catalog: the export document, the health report."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch

from catalog.models import (
    Action,
    ActionConditionKey,
    ActionResourceType,
    Api,
    ApiAction,
    ConditionKey,
    Dependency,
    Service,
)
from scpstudio.engine.catalog_json import FORMAT_NAME, FORMAT_VERSION


def catalog_export(
    *, services: list[str] | None = None, global_keys: bool = True
) -> dict[str, Any]:
    """The catalog in our JSON format, sorted so that two exports compare equal."""
    doc: dict[str, Any] = {"format": FORMAT_NAME, "version": FORMAT_VERSION}
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
                "resource_types": [
                    {"name": link.resource_type.name, "required": link.required}
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
    }


@dataclass(frozen=True)
class HealthReport:
    dangling_dependencies: list[Dependency]
    unused_keys: list[ConditionKey]
    undefined_keys: list[ActionConditionKey]
    actions_without_apis: list[Action]
    apis_with_missing_action: list[ApiAction]

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
            Action.objects.filter(api_links__isnull=True).select_related("service").distinct()
        ),
        apis_with_missing_action=list(
            ApiAction.objects.filter(action__isnull=True).select_related("api")
        ),
    )
