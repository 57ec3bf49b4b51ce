"""Refuse an oversized body to the JSON API with a JSON 413, before anything reads it.

Django raises RequestDataTooBig only when the body is first read, deep inside DRF, and
answers it with an HTML 400 page; a machine client deserves the API's own error shape.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from scpstudio.rest.bodies import content_length

API_PREFIX = "/api/"


class ApiBodyLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and request.path_info.startswith(API_PREFIX):
            length = content_length(request)
            if length > limit:
                return JsonResponse(
                    {
                        "error": f"The body has {length:,} bytes; the API reads at most {limit:,}.",
                        "field": None,
                    },
                    status=413,
                )
        return self.get_response(request)
