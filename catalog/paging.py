"""Pages of the browse lists: a catalog synced from Huawei holds some 15,000 actions, and a
page shows fifty of them (counted once, sliced in the database)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest

PER_PAGE = 50


@dataclass(frozen=True)
class PageView:
    items: list[Any]
    total: int
    first: int  # 1-based number of the first item shown (0 when none)
    last: int
    previous: str  # the query string of the previous page, "" on the first
    next: str  # the query string of the next page, "" on the last


def page_of(request: HttpRequest, items: Any, per_page: int = PER_PAGE) -> PageView:
    """The requested page (`?page=N`; out of range or not a number: the nearest page)."""
    paginator = Paginator(items, per_page)
    page = paginator.get_page(request.GET.get("page"))
    objects = list(page.object_list)
    first = page.start_index() if objects else 0

    def link(number: int) -> str:
        query = request.GET.copy()
        query["page"] = str(number)
        return "?" + query.urlencode()

    return PageView(
        items=objects,
        total=paginator.count,
        first=first,
        last=first + len(objects) - 1 if objects else 0,
        previous=link(page.previous_page_number()) if page.has_previous() else "",
        next=link(page.next_page_number()) if page.has_next() else "",
    )
