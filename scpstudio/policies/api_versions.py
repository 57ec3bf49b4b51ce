"""The policy library's REST API, continued: a policy's history, comparing two versions
(or a version and a draft), and exporting a version."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from catalog.api import CatalogPagination
from scpstudio.engine.document import parse_policy
from scpstudio.engine.errors import EngineInputError
from scpstudio.engine.export import export_text, slug, terraform_snippet
from scpstudio.policies import services
from scpstudio.policies.api_library import (
    CONFLICT,
    ERRORS,
    LibraryApi,
    body_of,
    policy_for,
)
from scpstudio.policies.compare import compare
from scpstudio.policies.library_serializers import (
    DiffAnswerSerializer,
    DiffDraftSerializer,
    DiffQuerySerializer,
    ExportQuerySerializer,
    PolicyAnswerSerializer,
    RestoreSerializer,
    VersionAnswerSerializer,
    VersionPageSerializer,
    policy_json,
    version_json,
)
from scpstudio.policies.models import PolicyVersion
from scpstudio.policies.rules import PolicyInputError
from scpstudio.policies.selectors import latest_version, version_list, version_of

DIFF_FIELDS = ("from", "to", "draft", "context", "full_access")
EXPORT_FORMATS = ("json", "minified", "terraform")


class VersionListApi(LibraryApi):
    @extend_schema(
        operation_id="library_version_list",
        tags=["library"],
        summary="A policy's versions, newest first (without their text)",
        responses={200: VersionPageSerializer, **ERRORS},
    )
    def get(self, request: Request, policy_id: str) -> Response:
        policy = policy_for(request.user, policy_id)
        paginator = CatalogPagination()
        page = paginator.paginate_queryset(version_list(policy), request, view=self) or []
        return paginator.get_paginated_response([version_json(v) for v in page])


class VersionDetailApi(LibraryApi):
    @extend_schema(
        operation_id="library_version_get",
        tags=["library"],
        summary="One version with its text exactly as saved",
        responses={200: VersionAnswerSerializer, **ERRORS},
    )
    def get(self, request: Request, policy_id: str, number: str) -> Response:
        policy = policy_for(request.user, policy_id)
        return Response(version_json(version_of(policy, number), with_document=True))


class VersionRestoreApi(LibraryApi):
    @extend_schema(
        operation_id="library_version_restore",
        tags=["library"],
        summary="Save an old version's text as the new latest version",
        description="Based on the latest version, or on `base_version` when given (409 if "
        "another save came first).",
        request=RestoreSerializer,
        responses={201: PolicyAnswerSerializer, **ERRORS, **CONFLICT},
    )
    def post(self, request: Request, policy_id: str, number: str) -> Response:
        policy = policy_for(request.user, policy_id, edit=True)
        old = version_of(policy, number)
        body = body_of(request, ("message", "base_version"))
        services.restore_version(
            user=request.user,
            policy=policy,
            number=old.number,
            base_version=body.get("base_version"),
            message=body.get("message"),
        )
        fresh = policy_for(request.user, policy_id)
        answer = policy_json(fresh, document=latest_version(fresh).document)
        return Response({**answer, "restored_from": old.number}, status=status.HTTP_201_CREATED)


class PolicyDiffApi(LibraryApi):
    @extend_schema(
        operation_id="library_diff",
        tags=["library"],
        summary="Compare two versions",
        description="The text line by line and every API whose outcome changes, with the "
        "statement that explains the change.",
        parameters=[DiffQuerySerializer],
        responses={200: DiffAnswerSerializer, **ERRORS},
    )
    def get(self, request: Request, policy_id: str) -> Response:
        policy = policy_for(request.user, policy_id)
        params = request.query_params
        if "from" not in params:
            raise PolicyInputError("Say which version to compare from: ?from=N.", "from")
        comparison = compare(policy, params["from"], params.get("to") or None)
        return Response(comparison.to_json())

    @extend_schema(
        operation_id="library_diff_draft",
        tags=["library"],
        summary="Compare a version with a draft (or another version), under a context",
        request=DiffDraftSerializer,
        responses={200: DiffAnswerSerializer, **ERRORS},
    )
    def post(self, request: Request, policy_id: str) -> Response:
        policy = policy_for(request.user, policy_id)
        body = body_of(request, DIFF_FIELDS, ("from",))
        full_access = body.get("full_access", True)
        if not isinstance(full_access, bool):
            raise PolicyInputError("full_access must be true or false.", "full_access")
        if "draft" in body and body.get("to") is not None:
            raise PolicyInputError("Compare with a draft or with a version, not both.", "to")
        comparison = compare(
            policy,
            _number(body["from"], "from"),
            _number(body["to"], "to") if body.get("to") is not None else None,
            draft_text=body.get("draft"),
            context=body.get("context"),
            full_access=full_access,
        )
        return Response(comparison.to_json())


def _number(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise PolicyInputError(f"{field} must be a version number (1 or more).", field)
    return value


class PolicyExportApi(LibraryApi):
    @extend_schema(
        operation_id="library_export",
        tags=["library"],
        summary="Download a version: the saved text, minified JSON or Terraform",
        parameters=[ExportQuerySerializer],
        responses={
            (200, "application/json"): OpenApiResponse(
                OpenApiTypes.STR, description="`json` (as saved) or `minified`."
            ),
            (200, "text/plain"): OpenApiResponse(OpenApiTypes.STR, description="`terraform`."),
            **ERRORS,
        },
    )
    def get(self, request: Request, policy_id: str) -> HttpResponse:
        policy = policy_for(request.user, policy_id)
        kind = request.query_params.get("format") or "json"
        if kind not in EXPORT_FORMATS:
            raise PolicyInputError(f"format must be one of: {', '.join(EXPORT_FORMATS)}.", "format")
        number = request.query_params.get("version")
        version = version_of(policy, number) if number else latest_version(policy)
        name = slug(policy.name)
        if kind == "json":  # the user's text is the document
            body, filename = version.document, f"{name}.json"
        else:
            value = _decoded(version)
            try:
                if kind == "minified":
                    body, filename = export_text(value, minified=True), f"{name}.json"
                else:
                    body = terraform_snippet(
                        value, name=policy.name, description=policy.description
                    )
                    filename = f"{name}.tf"
            except EngineInputError as exc:
                raise PolicyInputError(str(exc), "format") from exc
        content_type = "text/plain" if kind == "terraform" else "application/json"
        response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


def _decoded(version: PolicyVersion) -> Any:
    parsed = parse_policy(version.document)
    if not parsed.ok:
        raise PolicyInputError(
            f"Version {version.number} is not valid JSON, so it can only be exported as "
            "saved: ask for format=json.",
            "format",
        )
    return parsed.value()
