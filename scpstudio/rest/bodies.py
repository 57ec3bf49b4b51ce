"""Reading a request and writing the answer: JSON only, every way it can fail a sentence.

Every API view mixes in `JsonApi`; every endpoint that takes a body reads it with
`read_body` and its request serializer, every query with `read_query`. A request without a
body (as `curl -X POST` sends it) is an empty object, so an operation whose fields are all
optional needs none.
"""

from __future__ import annotations

import json
import math
from typing import Any

from rest_framework import exceptions, serializers
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request

from scpstudio.refusals import json_kind


class JsonBodyParser(JSONParser):
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
    """Escapes everything outside ASCII, so lone surrogates from a body encode safely."""

    ensure_ascii = True


class JsonOnly(BaseContentNegotiation):
    """One representation, JSON, whatever the Accept header or a `format` parameter ask."""

    def select_parser(self, request: Request, parsers: list[Any]) -> Any:
        content_type = request.content_type.split(";")[0].strip().lower()
        return next((p for p in parsers if p.media_type == content_type), None)

    def select_renderer(
        self, request: Request, renderers: list[Any], format_suffix: str | None = None
    ) -> tuple[Any, str]:
        return renderers[0], renderers[0].media_type


class JsonApi:
    """Mixed into every API view (before DRF's view class): JSON in, JSON out."""

    parser_classes = [JsonBodyParser]
    renderer_classes = [AsciiJsonRenderer]
    content_negotiation_class = JsonOnly


def read_body(
    request: Request, serializer_class: type[serializers.Serializer], **context: Any
) -> dict[str, Any]:
    """The request's JSON object, checked by `serializer_class`; a problem raises the
    400/415 whose sentence the client reads."""
    if not _has_body(request):
        required = [name for name, f in serializer_class().fields.items() if f.required]
        if required:
            raise exceptions.ParseError(
                f"The body is empty: send a JSON object with {', '.join(required)}."
            )
        data: Any = {}
    else:
        if not request.content_type:
            raise exceptions.UnsupportedMediaType("")
        data = request.data
        if not isinstance(data, dict):
            raise exceptions.ParseError(f"The body must be a JSON object, not {json_kind(data)}.")
    serializer = serializer_class(data=data, context=context)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def read_query(
    request: Request, serializer_class: type[serializers.Serializer], **context: Any
) -> dict[str, Any]:
    """The query parameters `serializer_class` declares, checked (a bad one answers 400
    naming it); parameters it does not declare are left to others (paging) or ignored."""
    serializer = serializer_class(data=request.query_params, context=context)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def content_length(request: Any) -> int:
    """The body's length as the client states it; 0 when absent or unreadable (Django then
    reads no body at all)."""
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


def _has_body(request: Request) -> bool:
    return content_length(request) > 0
