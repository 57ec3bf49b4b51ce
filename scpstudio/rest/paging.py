"""Limit/offset paging for every list: `{count, next, previous, results}`.

A value out of range answers 400 naming it, instead of DRF's guess (it falls back to the
default on a value it cannot read, and passes a limit past the database's integers on to
the query: a 500); the schema declares the same ranges.
"""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request

MAX_LIMIT = 1000
MAX_OFFSET = 1_000_000_000


class ListPagination(LimitOffsetPagination):
    max_limit = MAX_LIMIT

    def get_limit(self, request: Request) -> int | None:
        return _whole(request, self.limit_query_param, 1, MAX_LIMIT, self.default_limit)

    def get_offset(self, request: Request) -> int:
        return _whole(request, self.offset_query_param, 0, MAX_OFFSET, 0) or 0

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        ranges = {
            self.limit_query_param: (1, MAX_LIMIT, "How many results to return"),
            self.offset_query_param: (0, MAX_OFFSET, "How many results to skip"),
        }
        return [
            {
                "name": name,
                "required": False,
                "in": "query",
                "description": f"{what} ({low} to {high:,}).",
                "schema": {"type": "integer", "minimum": low, "maximum": high},
            }
            for name, (low, high, what) in ranges.items()
        ]


def _whole(request: Request, name: str, low: int, high: int, default: int | None) -> int | None:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if raw.isascii() and raw.isdigit() and len(raw) <= len(str(high)) and low <= int(raw) <= high:
        return int(raw)
    shown = repr(raw[:40]) + ("..." if len(raw) > 40 else "")
    raise ValidationError(
        {name: [f"{name} must be a whole number from {low} to {high:,}, not {shown}."]}
    )
