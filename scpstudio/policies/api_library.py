"""The policy library's REST API: saved policies, one small view per resource.

Every view gets its policy through `selectors.policy_for` (so another user's private
policy is 404 everywhere, a read-only share 403 on writes) and writes through
`services`. Errors answer `{"error": <sentence>, "field": <field or null>}`, except a
stale save: 409 with `{"error", "base_version", "current_version"}`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.views import APIView, exception_handler

from catalog.api import CatalogPagination
from scpstudio.engine.errors import EngineInputError
from scpstudio.policies import services
from scpstudio.policies.api import AsciiJsonRenderer, JsonOnly, PolicyJsonParser, error_body
from scpstudio.policies.library_serializers import (
    ConflictSerializer,
    DuplicateSerializer,
    PolicyAnswerSerializer,
    PolicyCreateSerializer,
    PolicyFilterSerializer,
    PolicyPageSerializer,
    PolicySaveSerializer,
    ShareAnswerSerializer,
    ShareRequestSerializer,
    policy_json,
    share_json,
)
from scpstudio.policies.rules import PolicyInputError
from scpstudio.policies.selectors import (
    NOT_FOUND,
    PolicyFilters,
    latest_version,
    policy_for,
    policy_list,
    policy_shares,
)
from scpstudio.policies.serializers import ApiErrorSerializer
from scpstudio.policies.services import VersionConflict

SIGN_IN = (
    "Sign in to use the policy library: a browser session, an API token "
    "(Authorization: Token <key>), or HTTP Basic with your account."
)
CREATE_FIELDS = ("name", "description", "profile", "document", "message")
SAVE_FIELDS = ("document", "base_version", "message", "name", "description", "profile")
_MISSING = {
    "name": "The body has no name: give the policy a name of 1 to 64 characters.",
    "document": "The body has no document: send the policy's JSON text as a string.",
    "base_version": "The body has no base_version: send the number of the version you edited.",
    "from": "The body has no from: send the number of the version to compare from.",
    "user": "The body has no user: send the username to share with.",
}

ERRORS = {
    400: OpenApiResponse(ApiErrorSerializer, description="The request itself is wrong."),
    401: OpenApiResponse(
        ApiErrorSerializer,
        description="Not signed in, or a wrong token or password; WWW-Authenticate names "
        "the scheme tried (Token when none was).",
    ),
    403: OpenApiResponse(ApiErrorSerializer, description="Not allowed to do this."),
    404: OpenApiResponse(
        ApiErrorSerializer, description="No such policy, or it is not shared with you."
    ),
    429: OpenApiResponse(
        ApiErrorSerializer,
        description="Too many requests, or too many failed sign-ins for the account or the "
        "address: the sentence says until when, Retry-After in how many seconds.",
    ),
}
CONFLICT = {
    409: OpenApiResponse(
        ConflictSerializer, description="base_version is not the latest version; nothing saved."
    )
}


def library_error_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """The library's errors as sentences; DRF's own reshaped as `api.error_body` does."""
    if isinstance(exc, PolicyInputError):
        return Response({"error": exc.message, "field": exc.field}, status=400)
    if isinstance(exc, VersionConflict):
        body = {
            "error": exc.message,
            "base_version": exc.base_version,
            "current_version": exc.current_version,
        }
        return Response(body, status=409)
    if isinstance(exc, EngineInputError):
        return Response({"error": str(exc), "field": None}, status=400)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_sentence(exc, NOT_FOUND))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(_sentence(exc, "You may not do that."))
    elif isinstance(exc, exceptions.NotAuthenticated):
        exc.detail = exceptions.ErrorDetail(SIGN_IN)
    response = exception_handler(exc, context)
    if response is None:
        return None
    response.data = error_body(exc)
    return response


def _sentence(exc: Exception, default: str) -> str:
    text = str(exc)
    return text if text.endswith(".") else default


class LibraryApi(APIView):
    """What every library endpoint shares: signed-in users only (the API's sign-in ways, in
    settings: a token, HTTP Basic, or a session with its CSRF check on writes), JSON in and
    out, errors as sentences."""

    permission_classes = [IsAuthenticated]
    parser_classes = [PolicyJsonParser]
    renderer_classes = [AsciiJsonRenderer]
    content_negotiation_class = JsonOnly

    def get_exception_handler(self) -> Any:
        return library_error_handler


def body_of(
    request: Request, allowed: tuple[str, ...], required: tuple[str, ...] = ()
) -> dict[str, Any]:
    """The request's JSON object, with only `allowed` fields and every `required` one.
    An empty body is an empty object when nothing is required."""
    if not _content_length(request):
        if required:
            raise exceptions.ParseError(_MISSING.get(required[0], "The body is empty."))
        return {}
    if not request.content_type:
        raise exceptions.UnsupportedMediaType("")
    body = request.data
    if not isinstance(body, dict):
        raise exceptions.ParseError(f"The body must be a JSON object, not {_kind(body)}.")
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        raise PolicyInputError(
            f"Unknown field; the body takes only: {', '.join(allowed)}.", unknown[0][:100]
        )
    for name in required:
        if name not in body:
            raise PolicyInputError(_MISSING.get(name, f"The body has no {name}."), name)
    return body


def query_of(serializer_class: type[Serializer], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _content_length(request: Request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return "a string" if isinstance(value, str) else "an array"


def _detail(request: Request, policy_id: Any, status_code: int = 200) -> Response:
    """The policy as the user now sees it, with its latest text."""
    policy = policy_for(request.user, policy_id)
    return Response(
        policy_json(policy, document=latest_version(policy).document), status=status_code
    )


# -- policies --------------------------------------------------------------------------------------


class PolicyListApi(LibraryApi):
    @extend_schema(
        operation_id="library_policy_list",
        tags=["library"],
        summary="Your policies and those shared with you",
        description="Latest change first. Each item is a policy without its text.",
        parameters=[PolicyFilterSerializer],
        responses={200: PolicyPageSerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        query = query_of(PolicyFilterSerializer, request)
        policies = policy_list(request.user, PolicyFilters(**query))
        paginator = CatalogPagination()
        page = paginator.paginate_queryset(policies, request, view=self) or []
        return paginator.get_paginated_response([policy_json(p) for p in page])

    @extend_schema(
        operation_id="library_policy_create",
        tags=["library"],
        summary="Save a new policy",
        description="The document is kept exactly as sent; it may have errors (a draft).",
        request=PolicyCreateSerializer,
        responses={201: PolicyAnswerSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        body = body_of(request, CREATE_FIELDS, ("name", "document"))
        policy = services.create_policy(owner=request.user, **body)
        return _detail(request, policy.pk, status.HTTP_201_CREATED)


class PolicyDetailApi(LibraryApi):
    @extend_schema(
        operation_id="library_policy_get",
        tags=["library"],
        summary="One policy with its latest text",
        responses={200: PolicyAnswerSerializer, **ERRORS},
    )
    def get(self, request: Request, policy_id: str) -> Response:
        return _detail(request, policy_id)

    @extend_schema(
        operation_id="library_policy_save",
        tags=["library"],
        summary="Save a new version",
        description="Based on `base_version`; if another save came first, 409 and nothing "
        "changes. Name, description and profile may change with it.",
        request=PolicySaveSerializer,
        responses={200: PolicyAnswerSerializer, **ERRORS, **CONFLICT},
    )
    def put(self, request: Request, policy_id: str) -> Response:
        return self._save(request, policy_id, partial=False)

    @extend_schema(
        operation_id="library_policy_update",
        tags=["library"],
        summary="Save a new version, or change name, description or profile",
        description="With `document`, as PUT. Without it, no new version is saved; a "
        "`base_version` given must still be the latest.",
        request=PolicySaveSerializer,
        responses={200: PolicyAnswerSerializer, **ERRORS, **CONFLICT},
    )
    def patch(self, request: Request, policy_id: str) -> Response:
        return self._save(request, policy_id, partial=True)

    @extend_schema(
        operation_id="library_policy_delete",
        tags=["library"],
        summary="Delete a policy with its versions (its owner only)",
        responses={204: None, **ERRORS},
    )
    def delete(self, request: Request, policy_id: str) -> Response:
        policy = policy_for(request.user, policy_id, own=True)
        services.delete_policy(user=request.user, policy=policy)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _save(self, request: Request, policy_id: str, *, partial: bool) -> Response:
        policy = policy_for(request.user, policy_id, edit=True)
        body = body_of(request, SAVE_FIELDS, () if partial else ("document", "base_version"))
        details = {k: body[k] for k in ("name", "description", "profile") if k in body}
        if "document" in body:
            if "base_version" not in body:
                raise PolicyInputError(_MISSING["base_version"], "base_version")
            services.save_version(
                user=request.user,
                policy=policy,
                document=body["document"],
                base_version=body["base_version"],
                message=body.get("message", ""),
                **details,
            )
        else:
            if "base_version" in body:
                base = services.base_version_number(body["base_version"])
                if base != policy.latest_version:
                    raise VersionConflict(base, policy.latest_version)
            services.update_policy_details(user=request.user, policy=policy, **details)
        return _detail(request, policy_id)


class PolicyDuplicateApi(LibraryApi):
    @extend_schema(
        operation_id="library_policy_duplicate",
        tags=["library"],
        summary="Copy a policy you can see into a new policy of yours",
        request=DuplicateSerializer,
        responses={201: PolicyAnswerSerializer, **ERRORS},
    )
    def post(self, request: Request, policy_id: str) -> Response:
        policy = policy_for(request.user, policy_id)
        body = body_of(request, ("name",))
        copy = services.duplicate_policy(user=request.user, policy=policy, name=body.get("name"))
        return _detail(request, copy.pk, status.HTTP_201_CREATED)


# -- shares ----------------------------------------------------------------------------------------


class ShareListApi(LibraryApi):
    @extend_schema(
        operation_id="library_share_list",
        tags=["library"],
        summary="Who the policy is shared with (its owner only)",
        responses={200: ShareAnswerSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request, policy_id: str) -> Response:
        policy = policy_for(request.user, policy_id, own=True)
        shares = [share_json(s) for s in policy_shares(policy)]
        return Response({"count": len(shares), "results": shares})

    @extend_schema(
        operation_id="library_share_set",
        tags=["library"],
        summary="Share the policy with a user, to read or to edit (its owner only)",
        request=ShareRequestSerializer,
        responses={200: ShareAnswerSerializer, **ERRORS},
    )
    def post(self, request: Request, policy_id: str) -> Response:
        policy = policy_for(request.user, policy_id, own=True)
        body = body_of(request, ("user", "can_edit"), ("user",))
        can_edit = body.get("can_edit", False)
        if not isinstance(can_edit, bool):
            raise PolicyInputError("can_edit must be true or false.", "can_edit")
        if not isinstance(body["user"], str):
            raise PolicyInputError("user must be a username (text).", "user")
        share = services.share_policy(
            user=request.user, policy=policy, with_user=body["user"], can_edit=can_edit
        )
        return Response(share_json(share))


class ShareDetailApi(LibraryApi):
    @extend_schema(
        operation_id="library_share_delete",
        tags=["library"],
        summary="Stop sharing the policy with a user (its owner only)",
        responses={204: None, **ERRORS},
    )
    def delete(self, request: Request, policy_id: str, username: str) -> Response:
        policy = policy_for(request.user, policy_id, own=True)
        services.unshare_policy(user=request.user, policy=policy, with_user=username)
        return Response(status=status.HTTP_204_NO_CONTENT)
