"""The policy REST API: validate and preview, one small view per operation.

Both go through `analyse`, the call the editor and the command line make, and answer the
engine's own JSON. Whatever is wrong with the request itself answers 4xx with
`{"error": <sentence>, "field": <body field or null>}`; the document is never such an
error, since any JSON value is a policy the engine can report on.
"""

from __future__ import annotations

import json
import math
from typing import Any

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView, exception_handler

from catalog.snapshot import catalog_snapshot
from scpstudio.engine.document import parse_policy
from scpstudio.engine.limits import policy_limit_problem
from scpstudio.engine.lint import LintedFile, lint_json
from scpstudio.engine.preview import preview_policy
from scpstudio.engine.validate import ValidationResult, validate_policy
from scpstudio.policies.serializers import (
    ApiErrorSerializer,
    PolicyCheckSerializer,
    PreviewSerializer,
    ValidationSerializer,
)

JSON_MEDIA_TYPE = "application/json"


class PolicyJsonParser(JSONParser):
    """DRF's JSON parser, with a sentence for every way a body can fail to be JSON.

    Deep nesting (RecursionError) and numbers too large for a double are refused here
    rather than surfacing later as a 500.
    """

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        encoding = (parser_context or {}).get("encoding") or "utf-8"
        try:
            text = stream.read().decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise exceptions.ParseError(f"The body is not readable as {encoding} text.") from exc
        try:
            return json.loads(text, parse_constant=_reject_constant, parse_float=_finite_float)
        except json.JSONDecodeError as exc:
            raise exceptions.ParseError(
                f"The body is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}."
            ) from exc
        except RecursionError as exc:
            raise exceptions.ParseError("The body nests arrays or objects too deeply.") from exc
        except NotJsonNumber as exc:
            raise exceptions.ParseError(f"The body is not valid JSON: {exc}.") from exc
        except ValueError as exc:  # an integer past Python's 4,300-digit conversion limit
            raise exceptions.ParseError("The body holds a number too long to read.") from exc


class NotJsonNumber(ValueError):
    pass


def _reject_constant(name: str) -> Any:
    raise NotJsonNumber(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise NotJsonNumber(f"the number {text[:40]} is too large")
    return value


class AsciiJsonRenderer(JSONRenderer):
    """Escapes everything outside ASCII, so lone surrogates from the body encode safely."""

    ensure_ascii = True


class JsonOnly(BaseContentNegotiation):
    """One representation: JSON whatever the Accept header asks."""

    def select_parser(self, request: Request, parsers: list[Any]) -> Any:
        content_type = request.content_type.split(";")[0].strip().lower()
        return next((p for p in parsers if p.media_type == content_type), None)

    def select_renderer(
        self, request: Request, renderers: list[Any], format_suffix: str | None = None
    ) -> tuple[Any, str]:
        return renderers[0], renderers[0].media_type


def api_error_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, reshaped to `{"error", "field"}`; anything else stays a server error."""
    response = exception_handler(exc, context)
    if response is None:
        return None
    response.data = error_body(exc)
    return response


def error_body(exc: Exception) -> dict[str, str | None]:
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return {
            "error": f"Send the body as JSON, with Content-Type: {JSON_MEDIA_TYPE}.",
            "field": None,
        }
    detail: Any = getattr(exc, "detail", str(exc))
    field: str | None = None
    while isinstance(detail, dict | list) and detail:
        if isinstance(detail, dict):
            key, detail = next(iter(detail.items()))
            if field is None and key != "non_field_errors":
                field = str(key)
        else:
            detail = detail[0]
    return {"error": str(detail), "field": field}


class PolicyApi(APIView):
    """What `validate` and `preview` share: no session (the answer depends only on the
    body, so there is nothing for CSRF to protect), JSON in, JSON out, errors as sentences."""

    authentication_classes: list[Any] = []
    parser_classes = [PolicyJsonParser]
    renderer_classes = [AsciiJsonRenderer]
    content_negotiation_class = JsonOnly

    def get_exception_handler(self) -> Any:
        return api_error_handler

    def checked_body(self, request: Request) -> dict[str, Any]:
        """The request's fields, checked; a problem raises the 400/415 the client reads."""
        if not _content_length(request):
            raise exceptions.ParseError("The body is empty; send a JSON object with a document.")
        if not request.content_type:
            raise exceptions.UnsupportedMediaType("")
        body = request.data
        if not isinstance(body, dict):
            raise exceptions.ParseError(
                f"The body must be a JSON object holding a document, not {_json_kind(body)}."
            )
        serializer = PolicyCheckSerializer(data=body)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        # parsed once here, for the limits and for the engine call that follows
        data["document"] = parse_policy(data["document"])
        problem = policy_limit_problem(data["document"])
        if problem is not None:
            raise PolicyTooLarge({"document": [problem.message]})
        return data


class PolicyTooLarge(exceptions.APIException):
    status_code = 413
    default_detail = "The policy is larger than SCP Studio reads."


def _content_length(request: Request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return "a string" if isinstance(value, str) else "an array"


_ERRORS = {
    400: OpenApiResponse(ApiErrorSerializer, description="The request itself is wrong."),
    413: OpenApiResponse(
        ApiErrorSerializer,
        description="The body, or the policy in it, is larger than SCP Studio reads "
        "(the error names the limit).",
    ),
    415: OpenApiResponse(ApiErrorSerializer, description="The body is not sent as JSON."),
}
_EXAMPLES = [
    OpenApiExample(
        "Deny image sharing",
        value={
            "document": '{"Version": "5.0", "Statement": [{"Effect": "Deny", '
            '"Action": ["ims:images:share"], "Resource": ["*"]}]}',
            "profile": "scp",
        },
        request_only=True,
    )
]


class ValidateApi(PolicyApi):
    @extend_schema(
        operation_id="policy_validate",
        tags=["policies"],
        summary="Validate a policy",
        description="The findings and size, as `scp_lint --format json` prints them for one file.",
        request=PolicyCheckSerializer,
        responses={200: ValidationSerializer, **_ERRORS},
        examples=_EXAMPLES,
    )
    def post(self, request: Request) -> Response:
        data = self.checked_body(request)
        result = validate_policy(data["document"], catalog_snapshot(), data["profile"])
        return Response(lint_file_json(result))


def lint_file_json(result: ValidationResult) -> dict[str, Any]:
    """The per-file object of `scp_lint --format json`, without the file's name."""
    [entry] = lint_json([LintedFile("", result)])["files"]
    return {key: value for key, value in entry.items() if key != "file"}


class PreviewApi(PolicyApi):
    @extend_schema(
        operation_id="policy_preview",
        tags=["policies"],
        summary="Preview a policy's effect on every API",
        description="The outcome of each API of the catalog, as `scp_preview --format json`.",
        request=PolicyCheckSerializer,
        responses={200: PreviewSerializer, **_ERRORS},
        examples=_EXAMPLES,
    )
    def post(self, request: Request) -> Response:
        data = self.checked_body(request)
        preview = preview_policy(
            data["document"],
            catalog_snapshot(),
            data["profile"],
            data["context"],
            full_access=data["full_access"],
        )
        return Response(preview.to_json())
