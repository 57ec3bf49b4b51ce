"""The policy REST API: validate and preview, one small view per operation.

Both go through `analyse`, the call the editor and the command line make, and answer the
engine's own JSON. Whatever is wrong with the request itself answers 4xx in the API's one
error shape (`scpstudio.rest.errors`); the document is never such an error, since any JSON
value is a policy the engine can report on, unless it is past a limit (413).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.snapshot import catalog_snapshot
from scpstudio.checks.rendering import PreviewJsonRenderer
from scpstudio.checks.serializers import (
    PolicyCheckSerializer,
    PreviewSerializer,
    ValidationSerializer,
)
from scpstudio.engine.document import parse_policy
from scpstudio.engine.limits import policy_limit_problem
from scpstudio.engine.lint import LintedFile, lint_json
from scpstudio.engine.preview import preview_policy
from scpstudio.engine.validate import ValidationResult, validate_policy
from scpstudio.refusals import Refusal
from scpstudio.rest.bodies import JsonApi, read_body
from scpstudio.rest.errors import error_responses


class PolicyApi(JsonApi, APIView):
    """What `validate` and `preview` share: no session (the answer depends only on the
    body, so there is nothing for CSRF to protect), JSON in, JSON out."""

    authentication_classes: list[Any] = []

    def checked_body(self, request: Request) -> dict[str, Any]:
        """The request's fields, checked; a problem raises the 4xx the client reads."""
        data = read_body(request, PolicyCheckSerializer)
        # parsed once here, for the limits and for the engine call that follows
        data["document"] = parse_policy(data["document"])
        problem = policy_limit_problem(data["document"])
        if problem is not None:
            raise PolicyTooLarge(problem.message, "document")
        return data


class PolicyTooLarge(Refusal):
    """A policy past one of the engine's limits: the sentence names the limit."""

    status_code = 413


_ERRORS = error_responses(400, 413, 415, 429)
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
    renderer_classes = [PreviewJsonRenderer]

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
        return Response(PreviewSerializer(preview).data)
