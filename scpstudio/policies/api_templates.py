"""The guardrail templates as REST: public, read-only, the data file's content."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from scpstudio.policies.api_library import LibraryApi
from scpstudio.policies.library_serializers import TemplateSerializer
from scpstudio.policies.library_templates import policy_template, policy_templates
from scpstudio.rest.errors import error_responses


class TemplateApi(LibraryApi):
    """Templates need no account, like the catalog."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]


class TemplateListApi(TemplateApi):
    @extend_schema(
        operation_id="library_template_list",
        tags=["library"],
        summary="Templates for common guardrails",
        responses={200: TemplateSerializer(many=True), **error_responses(400, 429)},
    )
    def get(self, request: Request) -> Response:
        return self.page(request, list(policy_templates()), TemplateSerializer)


class TemplateDetailApi(TemplateApi):
    @extend_schema(
        operation_id="library_template_get",
        tags=["library"],
        summary="One template by its slug",
        responses={200: TemplateSerializer, **error_responses(404, 429)},
    )
    def get(self, request: Request, slug: str) -> Response:
        template = policy_template(slug)
        if template is None:
            raise exceptions.NotFound("There is no template with that slug.")
        return Response(TemplateSerializer(template).data)
