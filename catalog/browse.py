"""Selectors for the read-only browse pages: search and grouping, few queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from catalog.models import (
    AccessLevel,
    Action,
    ActionConditionKey,
    ActionResourceType,
    Api,
    ApiAction,
    ConditionKey,
    Dependency,
    Service,
)
from catalog.selectors import apis_among
from scpstudio.engine.api_needs import ApiNeed


@dataclass(frozen=True)
class LevelGroup:
    level: str
    label: str
    actions: list[Action]


def services_with_counts() -> QuerySet[Service]:
    return Service.objects.annotate(
        n_actions=Count("actions", distinct=True), n_apis=Count("apis", distinct=True)
    ).order_by("prefix")


def actions_search(
    *, service: Service | None = None, q: str = "", level: str = ""
) -> QuerySet[Action]:
    qs = Action.objects.select_related("service").prefetch_related(
        Prefetch(
            "resource_links",
            queryset=ActionResourceType.objects.select_related("resource_type"),
        ),
        Prefetch("key_links", queryset=ActionConditionKey.objects.select_related("key")),
    )
    if service is not None:
        qs = qs.filter(service=service)
    if level:
        qs = qs.filter(access_level=level)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(description__icontains=q))
    return qs.order_by("name")


def actions_by_level(actions: QuerySet[Action]) -> list[LevelGroup]:
    """Groups in the catalog's order of access levels; empty levels are left out."""
    grouped: dict[str, list[Action]] = {level: [] for level in AccessLevel.values}
    for action in actions:
        grouped.setdefault(action.access_level, []).append(action)
    labels = dict(AccessLevel.choices)
    return [
        LevelGroup(level, labels.get(level, level), items)
        for level, items in grouped.items()
        if items
    ]


def action_detail(name: str) -> Action | None:
    if "\x00" in name:  # no name holds one, and PostgreSQL refuses to compare with it
        return None
    return (
        Action.objects.select_related("service")
        .prefetch_related(
            Prefetch(
                "resource_links",
                queryset=ActionResourceType.objects.select_related("resource_type"),
            ),
            Prefetch("key_links", queryset=ActionConditionKey.objects.select_related("key")),
            Prefetch("dependencies", queryset=Dependency.objects.select_related("target")),
            Prefetch("dependents", queryset=Dependency.objects.select_related("action")),
            Prefetch("api_links", queryset=ApiAction.objects.select_related("api")),
        )
        .filter(name__iexact=name)
        .first()
    )


def condition_keys_search(*, q: str = "", scope: str = "") -> QuerySet[ConditionKey]:
    qs = ConditionKey.objects.select_related("service").prefetch_related(
        Prefetch("action_links", queryset=ActionConditionKey.objects.select_related("action"))
    )
    if scope == "global":
        qs = qs.filter(service__isnull=True)
    elif scope == "service":
        qs = qs.filter(service__isnull=False)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(description__icontains=q))
    return qs.order_by("service__prefix", "name")


def apis_search(
    *, q: str = "", service: str = "", needs: tuple[ApiNeed, ...] | None = None
) -> QuerySet[Api]:
    """APIs by text (path, method or a piece of an action name), and, when `needs` is given
    (from `selectors.apis_needing_action`), only those it names."""
    qs = Api.objects.select_related("service").prefetch_related(
        Prefetch(
            "action_links",
            queryset=ApiAction.objects.select_related("action").prefetch_related(
                "action__dependencies"
            ),
        )
    )
    if service:
        qs = qs.filter(service__prefix=service)
    if q:
        qs = qs.filter(
            Q(path__icontains=q) | Q(method__iexact=q) | Q(action_links__action_name__icontains=q)
        ).distinct()
    if needs is not None:
        qs = apis_among(qs, needs)
    return qs.order_by("service__prefix", "path", "method")


def with_needs(
    apis: QuerySet[Api], needs: tuple[ApiNeed, ...] | None
) -> list[tuple[Api, ApiNeed | None]]:
    """Each API with how it needs the filtered action (None without a filter)."""
    by_api = {(n.method, n.path): n for n in needs or ()}
    return [(api, by_api.get((api.method.upper(), api.path))) for api in apis]
