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

from scpstudio.engine.document import parse_policy
from scpstudio.engine.errors import EngineInputError
from scpstudio.engine.export import export_text, slug, terraform_snippet
from scpstudio.policies import services
from scpstudio.policies.api_library import (
    IN_A_POLICY,
    IN_A_VERSION,
    READ,
    SAVE,
    WRITE,
    LibraryApi,
    policy_for,
)
from scpstudio.policies.compare import compare
from scpstudio.policies.library_serializers import (
    DiffDraftSerializer,
    DiffQuerySerializer,
    DiffSerializer,
    ExportQuerySerializer,
    RestoredPolicySerializer,
    RestoreSerializer,
    VersionDetailSerializer,
    VersionSerializer,
)
from scpstudio.policies.models import PolicyVersion
from scpstudio.policies.rules import PolicyInputError
from scpstudio.policies.selectors import latest_version, version_list, version_of
from scpstudio.rest.bodies import read_body, read_query


@IN_A_POLICY
class VersionListApi(LibraryApi):
    @extend_schema(
        operation_id="library_version_list",
        tags=["library"],
        summary="A policy's versions, newest first (without their text)",
        responses={200: VersionSerializer(many=True), **READ},
    )
    def get(self, request: Request, policy_id: str) -> Response:
        policy = policy_for(request.user, policy_id)
        return self.page(request, version_list(policy), VersionSerializer)


@IN_A_VERSION
class VersionDetailApi(LibraryApi):
    @extend_schema(
        operation_id="library_version_get",
        tags=["library"],
        summary="One version with its text exactly as saved",
        responses={200: VersionDetailSerializer, **READ},
    )
    def get(self, request: Request, policy_id: str, number: str) -> Response:
        policy = policy_for(request.user, policy_id)
        return Response(VersionDetailSerializer(version_of(policy, number)).data)


@IN_A_VERSION
class VersionRestoreApi(LibraryApi):
    @extend_schema(
        operation_id="library_version_restore",
        tags=["library"],
        summary="Save an old version's text as the new latest version",
        description="Based on the latest version, or on `base_version` when given (409 if "
        "another save came first). The body may be left out.",
        request=RestoreSerializer,
        responses={201: RestoredPolicySerializer, **SAVE},
    )
    def post(self, request: Request, policy_id: str, number: str) -> Response:
        policy = policy_for(request.user, policy_id, edit=True)
        old = version_of(policy, number)
        body = read_body(request, RestoreSerializer)
        services.restore_version(user=request.user, policy=policy, number=old.number, **body)
        fresh = policy_for(request.user, policy_id, text=True)
        answer = RestoredPolicySerializer(fresh, context={"restored_from": old.number})
        return Response(answer.data, status=status.HTTP_201_CREATED)


@IN_A_POLICY
class PolicyDiffApi(LibraryApi):
    @extend_schema(
        operation_id="library_diff",
        tags=["library"],
        summary="Compare two versions",
        description="The text line by line, and every API some request treats differently "
        "(the exact diff, over every request): which way, a witness request showing it, and "
        "the statement that explains the change.",
        parameters=[DiffQuerySerializer],
        responses={200: DiffSerializer, **READ},
    )
    def get(self, request: Request, policy_id: str) -> Response:
        policy = policy_for(request.user, policy_id)
        query = read_query(request, DiffQuerySerializer)
        return Response(DiffSerializer(compare(policy, query["from"], query.get("to"))).data)

    @extend_schema(
        operation_id="library_diff_draft",
        tags=["library"],
        summary="Compare a version with a draft (or another version), under a context",
        description="As GET, over the requests matching `context` only.",
        request=DiffDraftSerializer,
        responses={200: DiffSerializer, **WRITE},
    )
    def post(self, request: Request, policy_id: str) -> Response:
        policy = policy_for(request.user, policy_id)
        body = read_body(request, DiffDraftSerializer)
        comparison = compare(
            policy,
            body["from"],
            body.get("to"),
            draft_text=body.get("draft"),
            context=body["context"],
            full_access=body["full_access"],
        )
        return Response(DiffSerializer(comparison).data)


@IN_A_POLICY
class PolicyExportApi(LibraryApi):
    @extend_schema(
        operation_id="library_export",
        tags=["library"],
        summary="Download a version: the saved text, minified JSON or Terraform",
        parameters=[ExportQuerySerializer],
        responses={
            (200, "application/json"): OpenApiResponse(
                OpenApiTypes.ANY,
                description="`json`: the text as saved, when it is JSON; `minified`.",
            ),
            (200, "text/plain"): OpenApiResponse(
                OpenApiTypes.STR,
                description="`terraform`; or `json` of a saved text that is not JSON (a draft).",
            ),
            **READ,
        },
    )
    def get(self, request: Request, policy_id: str) -> HttpResponse:
        policy = policy_for(request.user, policy_id)
        query = read_query(request, ExportQuerySerializer)
        number = query.get("version")
        version = version_of(policy, number) if number else latest_version(policy)
        name = slug(policy.name)
        kind, content_type = query["format"], "application/json"
        if kind == "json":  # the user's text is the document
            body, filename = version.document, f"{name}.json"
            if not parse_policy(body).ok:
                content_type = "text/plain"  # not JSON, so not served as JSON
        else:
            value = _decoded(version)
            try:
                if kind == "minified":
                    body, filename = export_text(value, minified=True), f"{name}.json"
                else:
                    body = terraform_snippet(
                        value, name=policy.name, description=policy.description
                    )
                    filename, content_type = f"{name}.tf", "text/plain"
            except EngineInputError as exc:
                raise PolicyInputError(str(exc), "format") from exc
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
