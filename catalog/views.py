"""Read-only browse pages. Each page works without JavaScript; with htmx, typing in
the search box swaps only the results partial of the same template."""

from __future__ import annotations

import re

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.middleware import HtmxDetails

from catalog import browse
from catalog.models import Service
from catalog.paging import page_of
from catalog.selectors import apis_needing_action
from scpstudio.engine.api_needs import HOW, ApiNeed


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


MAX_QUERY = 200
LEVEL_WORD = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


def _query(request: HtmxHttpRequest, name: str) -> str:
    # No name holds a NUL, and some databases refuse one in a query: it is dropped.
    return request.GET.get(name, "").replace("\x00", "").strip()[:MAX_QUERY]


def _page(request: HtmxHttpRequest, template: str, partial: str, context: dict) -> HttpResponse:
    if request.htmx and not request.htmx.boosted:
        return render(request, f"{template}#{partial}", context)
    return render(request, template, context)


@require_safe
def service_list(request: HtmxHttpRequest) -> HttpResponse:
    return render(
        request,
        "catalog/services.html",
        {"services": browse.services_with_counts(), "nav": "services"},
    )


@require_safe
@vary_on_headers("HX-Request")
def action_list(request: HtmxHttpRequest, prefix: str | None = None) -> HttpResponse:
    service = get_object_or_404(Service, prefix=prefix) if prefix else None
    q, level = _query(request, "q"), _query(request, "level")
    if level and not LEVEL_WORD.match(level):
        level = ""
    pager = page_of(request, browse.actions_search(service=service, q=q, level=level))
    context = {
        "nav": "actions",
        "service": service,
        "q": q,
        "level": level,
        "levels": browse.access_levels(service),
        "groups": browse.actions_by_level(pager.items),
        "total": pager.total,
        "pager": pager,
    }
    return _page(request, "catalog/actions.html", "results", context)


@require_safe
def action_detail(request: HtmxHttpRequest, name: str) -> HttpResponse:
    action = browse.action_detail(name)
    if action is None:
        raise Http404(f"No action named {name!r} in the catalog.")
    needs = apis_needing_action(action=action.name)
    return render(
        request,
        "catalog/action.html",
        {"action": action, "needs": needs, "counts": _counts(needs)},
    )


# How an API needs an action, in the words of the pages (the REST API says `how`).
WAYS = {
    "direct": "directly",
    "dependency": "through a dependency",
    "situation": "only in a situation",
}


def _counts(needs: tuple[ApiNeed, ...]) -> list[tuple[str, int]]:
    """How many APIs need the action each way, in the order of HOW, leaving out zeros."""
    return [(WAYS[how], n) for how in HOW if (n := sum(1 for x in needs if x.how == how))]


@require_safe
@vary_on_headers("HX-Request")
def condition_key_list(request: HtmxHttpRequest) -> HttpResponse:
    q, scope = _query(request, "q"), _query(request, "scope")
    pager = page_of(request, browse.condition_keys_search(q=q, scope=scope))
    uses = browse.key_uses(pager.items)
    rows = [(key, uses[key.pk]) for key in pager.items]
    return _page(
        request,
        "catalog/condition_keys.html",
        "results",
        {"keys": pager.items, "rows": rows, "pager": pager, "q": q, "scope": scope, "nav": "keys"},
    )


@require_safe
@vary_on_headers("HX-Request")
def api_list(request: HtmxHttpRequest) -> HttpResponse:
    """All APIs, or with `?action=` (an exact name) the APIs needing that action and how;
    `&via=` keeps one way (direct, dependency, situation)."""
    q, service, action = _query(request, "q"), _query(request, "service"), _query(request, "action")
    via = _query(request, "via") if action else ""
    via = via if via in HOW else ""
    needs = apis_needing_action(action=action, how=via) if action else None
    apis = browse.apis_search(q=q, service=service, needs=needs)
    rows = browse.with_needs(apis, needs)
    context = {
        "apis": apis,
        "rows": rows,
        "q": q,
        "action": action,
        "via": via,
        "via_label": WAYS.get(via, ""),
        "ways": WAYS,
        "counts": _counts(tuple(need for _, need in rows if need)),
        # A search for an action's exact name points at the filter that answers it whole.
        "q_action": q if q and not action and apis_needing_action(action=q) else "",
        "nav": "apis",
    }
    return _page(request, "catalog/apis.html", "results", context)
