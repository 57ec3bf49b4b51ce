"""One error shape for the whole REST API, written by one handler.

Every refusal answers `{"error": <a sentence>, "field": <the body field or query parameter
at fault, or null>}`; a save on a version that is no longer the latest answers 409 with
`{"error", "base_version", "current_version"}` (a `Refusal` says its own body). The handler
is REST_FRAMEWORK["EXCEPTION_HANDLER"], so no view chooses its own, and the serializers
below are what the OpenAPI schema says of every error answer.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.defaults import page_not_found
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from scpstudio.engine.errors import EngineInputError
from scpstudio.refusals import Refusal

JSON_MEDIA_TYPE = "application/json"
API_PREFIX = "/api/"
SIGN_IN = (
    "Sign in to use the policy library: a browser session, an API token "
    "(Authorization: Token <key>), or HTTP Basic with your account."
)
NOT_FOUND = "There is nothing at this address."
NOT_ALLOWED = "You may not do that."
FIELD_NAME_MAX = 100  # an unknown field is named back, but not at any length


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Every API error as `{"error", "field"}`; anything unforeseen stays a server error."""
    if isinstance(exc, Refusal):
        return Response(exc.body(), status=exc.status_code)
    if isinstance(exc, EngineInputError):
        return Response({"error": str(exc), "field": None}, status=400)
    exc = _as_api_exception(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    response.data = error_body(exc)
    return response


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: an address under /api/ that no route matches answers the API's shape,
    like any other API error; every other address, the site's page."""
    if request.path_info.startswith(API_PREFIX):
        return JsonResponse({"error": NOT_FOUND, "field": None}, status=404)
    return page_not_found(request, exception)


def _as_api_exception(exc: Exception) -> Exception:
    """Django's own refusals, and DRF's where its words are not ours."""
    if isinstance(exc, Http404):
        return exceptions.NotFound(_sentence(exc, NOT_FOUND))
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(_sentence(exc, NOT_ALLOWED))
    if isinstance(exc, exceptions.NotAuthenticated):
        # kept, not replaced: the view has set its status (401 with a challenge, or 403)
        exc.detail = exceptions.ErrorDetail(SIGN_IN)
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return exceptions.UnsupportedMediaType(
            "", f"Send the body as JSON, with Content-Type: {JSON_MEDIA_TYPE}."
        )
    return exc


def error_body(exc: Exception) -> dict[str, str | None]:
    """The first message of a DRF error, and the field it is about (None for the body)."""
    detail: Any = getattr(exc, "detail", str(exc))
    field: str | None = None
    while isinstance(detail, dict | list) and detail:
        if isinstance(detail, dict):
            key, detail = next(iter(detail.items()))
            if field is None and key != "non_field_errors":
                field = str(key)[:FIELD_NAME_MAX]
        else:
            detail = detail[0]
    return {"error": str(detail), "field": field}


def _sentence(exc: Exception, default: str) -> str:
    text = str(exc)
    return text if text.endswith(".") else default


# -- what the schema says of errors ----------------------------------------------------------


class ApiErrorSerializer(serializers.Serializer):
    error = serializers.CharField(help_text="What is wrong with the request, as a sentence.")
    field = serializers.CharField(
        allow_null=True,
        help_text="The body field or query parameter at fault; null when it is the request "
        "as a whole.",
    )


class ConflictSerializer(serializers.Serializer):
    error = serializers.CharField()
    base_version = serializers.IntegerField()
    current_version = serializers.IntegerField()


_MEANINGS = {
    400: "The request itself is wrong: `error` says what, `field` where.",
    401: "Not signed in, or a wrong token or password; WWW-Authenticate names the scheme "
    "tried (Token when none was).",
    403: "Not allowed to do this.",
    404: "There is no such thing here, or it is not shared with you.",
    409: "base_version is not the latest version; nothing was saved.",
    413: "The body, or the policy in it, is larger than SCP Studio reads (`error` says which "
    "limit).",
    415: "The body is not sent as JSON.",
    429: "Too many requests, or too many failed sign-ins for the account or the address: "
    "`error` says until when, Retry-After in how many seconds.",
}


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    """The documented error answers of an operation, by status."""
    return {
        status: OpenApiResponse(
            ConflictSerializer if status == 409 else ApiErrorSerializer,
            description=_MEANINGS[status],
        )
        for status in statuses
    }
