"""The policy library's REST API: saved policies and their shares, one small view per
resource.

Every view gets its policy through `selectors.policy_for` with the access the operation
needs (so another user's private policy is 404 everywhere, a read-only share 403 on
writes), reads its body or query with the serializer the schema names, writes through
`services`, and answers with the serializer the schema names. Errors are the API's one
shape (`scpstudio.rest.errors`).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from scpstudio.policies import services
from scpstudio.policies.library_serializers import (
    DuplicateSerializer,
    PolicyCreateSerializer,
    PolicyDetailSerializer,
    PolicyFilterSerializer,
    PolicySaveSerializer,
    PolicySerializer,
    PolicyUpdateSerializer,
    ShareRequestSerializer,
    ShareSerializer,
)
from scpstudio.policies.selectors import (
    PolicyFilters,
    policy_for,
    policy_list,
    policy_shares,
)
from scpstudio.rest.bodies import JsonApi, read_body, read_query
from scpstudio.rest.errors import error_responses
from scpstudio.rest.paging import ListPagination

# The error answers each kind of operation can give.
READ = error_responses(400, 401, 403, 404, 429)
WRITE = error_responses(400, 401, 403, 404, 413, 415, 429)
SAVE = error_responses(400, 401, 403, 404, 409, 413, 415, 429)
# Path parameters as the views read them (the URL converters take any text, so that a
# wrong one answers the API's JSON 404 rather than the site's page).
_POLICY_ID = OpenApiParameter(
    "policy_id",
    {"type": "integer", "minimum": 1},
    OpenApiParameter.PATH,
    description="The policy's id.",
)
_NUMBER = OpenApiParameter(
    "number",
    {"type": "integer", "minimum": 1},
    OpenApiParameter.PATH,
    description="A version number.",
)
_USERNAME = OpenApiParameter(
    "username",
    {"type": "string", "minLength": 1, "pattern": "^[^/\\u0000]+$"},
    OpenApiParameter.PATH,
)
IN_A_POLICY = extend_schema(parameters=[_POLICY_ID])
IN_A_VERSION = extend_schema(parameters=[_POLICY_ID, _NUMBER])


class LibraryApi(JsonApi, APIView):
    """What every library endpoint shares: signed-in users only (the API's sign-in ways, in
    settings: a token, HTTP Basic, or a session with its CSRF check on writes), JSON in and
    out, lists paged."""

    permission_classes = [IsAuthenticated]
    pagination_class = ListPagination

    def page(self, request: Request, items: Any, serializer_class: type) -> Response:
        """One page of `items`, as `{count, next, previous, results}`."""
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(items, request, view=self) or []
        return paginator.get_paginated_response(serializer_class(page, many=True).data)


def policy_answer(request: Request, policy_id: Any, status_code: int = 200) -> Response:
    """The policy as the user now sees it, with its latest text."""
    policy = policy_for(request.user, policy_id, text=True)
    return Response(PolicyDetailSerializer(policy).data, status=status_code)


# -- policies --------------------------------------------------------------------------------------


class PolicyListApi(LibraryApi):
    @extend_schema(
        operation_id="library_policy_list",
        tags=["library"],
        summary="Your policies and those shared with you",
        description="Latest change first. Each item is a policy without its text.",
        parameters=[PolicyFilterSerializer],
        responses={200: PolicySerializer(many=True), **READ},
    )
    def get(self, request: Request) -> Response:
        query = read_query(request, PolicyFilterSerializer)
        return self.page(
            request, policy_list(request.user, PolicyFilters(**query)), PolicySerializer
        )

    @extend_schema(
        operation_id="library_policy_create",
        tags=["library"],
        summary="Save a new policy",
        description="The document is kept exactly as sent; it may have errors (a draft).",
        request=PolicyCreateSerializer,
        responses={201: PolicyDetailSerializer, **WRITE},
    )
    def post(self, request: Request) -> Response:
        body = read_body(request, PolicyCreateSerializer)
        policy = services.create_policy(owner=request.user, **body)
        return policy_answer(request, policy.pk, status.HTTP_201_CREATED)


@IN_A_POLICY
class PolicyDetailApi(LibraryApi):
    @extend_schema(
        operation_id="library_policy_get",
        tags=["library"],
        summary="One policy with its latest text",
        responses={200: PolicyDetailSerializer, **READ},
    )
    def get(self, request: Request, policy_id: str) -> Response:
        return policy_answer(request, policy_id)

    @extend_schema(
        operation_id="library_policy_save",
        tags=["library"],
        summary="Save a new version",
        description="Based on `base_version`; if another save came first, 409 and nothing "
        "changes. Name, description and profile may change with it.",
        request=PolicySaveSerializer,
        responses={200: PolicyDetailSerializer, **SAVE},
    )
    def put(self, request: Request, policy_id: str) -> Response:
        policy = policy_for(request.user, policy_id, edit=True)
        body = read_body(request, PolicySaveSerializer)
        services.save_version(user=request.user, policy=policy, **body)
        return policy_answer(request, policy_id)

    @extend_schema(
        operation_id="library_policy_update",
        tags=["library"],
        summary="Save a new version, or change name, description or profile",
        description="With `document` (and `base_version`), as PUT. Without it, name and "
        "description change without a new version; a new profile saves a new version of "
        "the latest text, checked under it. A `base_version` given must still be the latest.",
        request=PolicyUpdateSerializer,
        responses={200: PolicyDetailSerializer, **SAVE},
    )
    def patch(self, request: Request, policy_id: str) -> Response:
        policy = policy_for(request.user, policy_id, edit=True)
        body = read_body(request, PolicyUpdateSerializer)
        if "document" in body:
            services.save_version(user=request.user, policy=policy, **body)
        else:
            services.update_policy_details(user=request.user, policy=policy, **body)
        return policy_answer(request, policy_id)

    @extend_schema(
        operation_id="library_policy_delete",
        tags=["library"],
        summary="Delete a policy with its versions (its owner only)",
        responses={204: None, **READ},
    )
    def delete(self, request: Request, policy_id: str) -> Response:
        policy = policy_for(request.user, policy_id, own=True)
        services.delete_policy(user=request.user, policy=policy)
        return Response(status=status.HTTP_204_NO_CONTENT)


@IN_A_POLICY
class PolicyDuplicateApi(LibraryApi):
    @extend_schema(
        operation_id="library_policy_duplicate",
        tags=["library"],
        summary="Copy a policy you can see into a new policy of yours",
        request=DuplicateSerializer,
        responses={201: PolicyDetailSerializer, **WRITE},
    )
    def post(self, request: Request, policy_id: str) -> Response:
        policy = policy_for(request.user, policy_id)
        body = read_body(request, DuplicateSerializer)
        copy = services.duplicate_policy(user=request.user, policy=policy, **body)
        return policy_answer(request, copy.pk, status.HTTP_201_CREATED)


# -- shares ----------------------------------------------------------------------------------------


@IN_A_POLICY
class ShareListApi(LibraryApi):
    @extend_schema(
        operation_id="library_share_list",
        tags=["library"],
        summary="Who the policy is shared with (its owner only)",
        responses={200: ShareSerializer(many=True), **READ},
    )
    def get(self, request: Request, policy_id: str) -> Response:
        policy = policy_for(request.user, policy_id, own=True)
        return self.page(request, policy_shares(policy), ShareSerializer)

    @extend_schema(
        operation_id="library_share_set",
        tags=["library"],
        summary="Share the policy with a user, to read or to edit (its owner only)",
        request=ShareRequestSerializer,
        responses={200: ShareSerializer, **WRITE},
    )
    def post(self, request: Request, policy_id: str) -> Response:
        policy = policy_for(request.user, policy_id, own=True)
        body = read_body(request, ShareRequestSerializer)
        share = services.share_policy(
            user=request.user, policy=policy, with_user=body["user"], can_edit=body["can_edit"]
        )
        return Response(ShareSerializer(share).data)


@extend_schema(parameters=[_POLICY_ID, _USERNAME])
class ShareDetailApi(LibraryApi):
    @extend_schema(
        operation_id="library_share_delete",
        tags=["library"],
        summary="Stop sharing the policy with a user (its owner only)",
        responses={204: None, **READ},
    )
    def delete(self, request: Request, policy_id: str, username: str) -> Response:
        policy = policy_for(request.user, policy_id, own=True)
        services.unshare_policy(user=request.user, policy=policy, with_user=username)
        return Response(status=status.HTTP_204_NO_CONTENT)
