"""Selectors for the read-only browse pages: search and grouping, few queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

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
from catalog.selectors import apis_among, count_per_service
from catalog.snapshot import catalog_snapshot
from scpstudio.engine.api_needs import ApiNeed
from scpstudio.engine.catalog import access_level_label, access_levels_in_order


@dataclass(frozen=True)
class LevelGroup:
    level: str
    label: str
    actions: list[Action]


def services_with_counts() -> QuerySet[Service]:
    # counted by subqueries: a join of actions and APIs multiplies rows per service
    return Service.objects.annotate(
        n_actions=count_per_service(Action), n_apis=count_per_service(Api)
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


def actions_by_level(actions: Iterable[Action]) -> list[LevelGroup]:
    """Groups in the catalog's order of access levels, then any other level Huawei names;
    empty levels are left out."""
    grouped: dict[str, list[Action]] = {}
    for action in actions:
        grouped.setdefault(action.access_level, []).append(action)
    return [
        LevelGroup(level, access_level_label(level), grouped[level])
        for level in access_levels_in_order(grouped)
    ]


def access_levels(service: Service | None = None) -> list[tuple[str, str]]:
    """The levels to filter by: the known ones and any other the catalog's actions have."""
    qs = Action.objects.all() if service is None else Action.objects.filter(service=service)
    present = set(qs.order_by().values_list("access_level", flat=True).distinct())
    return [
        (level, access_level_label(level))
        for level in access_levels_in_order(present | set(AccessLevel.values))
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


# A global key is listed by thousands of actions once the catalog is synced: a page shows
# the first few of them and how many there are.
USED_BY_SHOWN = 10


def condition_keys_search(*, q: str = "", scope: str = "") -> QuerySet[ConditionKey]:
    qs = ConditionKey.objects.select_related("service")
    if scope == "global":
        qs = qs.filter(service__isnull=True)
    elif scope == "service":
        qs = qs.filter(service__isnull=False)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(description__icontains=q))
    return qs.order_by("service__prefix", "name")


@dataclass(frozen=True)
class KeyUse:
    """The actions listing a key: the first few by name, and how many in all."""

    first: tuple[str, ...]
    total: int


def key_uses(keys: Iterable[ConditionKey]) -> dict[int, KeyUse]:
    """Key id -> the actions that list it, read from the catalog snapshot (no query): the
    index is built once per snapshot revision."""
    catalog = catalog_snapshot()
    index = catalog.derived.get("actions_by_key")
    if not isinstance(index, dict):
        grouped: dict[str, list[str]] = {}
        for action in catalog.actions.values():
            for name in dict.fromkeys(k.casefold() for k in action.condition_keys):
                grouped.setdefault(name, []).append(action.name)
        index = {k: sorted(v) for k, v in grouped.items()}
        catalog.derived["actions_by_key"] = index
    out = {}
    for key in keys:
        names = index.get(key.name.casefold(), [])
        out[key.pk] = KeyUse(tuple(names[:USED_BY_SHOWN]), len(names))
    return out


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
