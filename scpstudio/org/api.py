"""The organization's REST API: nodes, attachments, the effective preview and what-if,
one small view per resource, calling the same selectors, services and evaluation as the
pages.

Reading needs an account; changing needs staff status or the `org.change_organization`
permission (403 with a sentence otherwise). A request without any credentials answers 403
too (issue 19: anonymous requests are refused, not challenged); credentials that do not
sign in still answer 401 with the scheme to use, as everywhere in the API.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.snapshot import catalog_snapshot
from scpstudio.engine.decision import DecidedBy
from scpstudio.org import services
from scpstudio.org.api_serializers import (
    AttachmentCreateSerializer,
    AttachmentSerializer,
    NodeCreateSerializer,
    NodePreviewAnswerSerializer,
    NodePreviewSerializer,
    NodeSerializer,
    NodeUpdateSerializer,
    WhatIfAnswerSerializer,
    WhatIfRequestSerializer,
)
from scpstudio.org.asking import read_change
from scpstudio.org.evaluation import APPLY_NOTE, effective_preview, resolve
from scpstudio.org.models import FULL_ACCESS, Node
from scpstudio.org.rules import OrgInputError
from scpstudio.org.selectors import (
    attachment_of,
    attachments_by_node,
    can_change_org,
    node_for,
    node_list,
)
from scpstudio.org.what_if import what_if
from scpstudio.policies.selectors import policy_for, version_of
from scpstudio.rest.bodies import JsonApi, read_body
from scpstudio.rest.errors import SIGN_IN, error_responses
from scpstudio.rest.paging import ListPagination

READ = error_responses(400, 401, 403, 404, 429)
WRITE = error_responses(400, 401, 403, 404, 413, 415, 429)
CHANGE_REFUSED = (
    "Changing the organization needs staff status or the “Can change the organization” "
    "permission; ask an administrator."
)
_NODE_ID = OpenApiParameter(
    "node_id", {"type": "integer", "minimum": 1}, OpenApiParameter.PATH, description="A node's id."
)
_ATTACHMENT_ID = OpenApiParameter(
    "attachment_id",
    {"type": "integer", "minimum": 1},
    OpenApiParameter.PATH,
    description="An attachment's id.",
)


class ReadsOrChanges(BasePermission):
    """Signed in to read; allowed to change the organization to write."""

    message = CHANGE_REFUSED

    def has_permission(self, request: Request, view: Any) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        return request.method in ("GET", "HEAD", "OPTIONS") or can_change_org(request.user)


class SignedIn(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated)


class OrgApi(JsonApi, APIView):
    permission_classes = [ReadsOrChanges]
    pagination_class = ListPagination

    def permission_denied(self, request: Request, message: Any = None, code: Any = None) -> None:
        if not request.successful_authenticator and "HTTP_AUTHORIZATION" not in request.META:
            raise exceptions.PermissionDenied(SIGN_IN)  # no credentials at all: 403
        super().permission_denied(request, message, code)


def node_or_field(value: int | None, field: str) -> Node | None:
    if value is None:
        return None
    try:
        return node_for(value)
    except Http404 as exc:
        raise OrgInputError(str(exc), field) from exc


# -- nodes ---------------------------------------------------------------------------------


class NodeListApi(OrgApi):
    @extend_schema(
        operation_id="org_node_list",
        tags=["organization"],
        summary="Every node of the organization: the root, OUs and accounts",
        responses={200: NodeSerializer(many=True), **READ},
    )
    def get(self, request: Request) -> Response:
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(node_list(), request, view=self) or []
        return paginator.get_paginated_response(NodeSerializer(page, many=True).data)

    @extend_schema(
        operation_id="org_node_create",
        tags=["organization"],
        summary="Add an OU or an account (FullAccess is attached to it)",
        request=NodeCreateSerializer,
        responses={201: NodeSerializer, **WRITE},
    )
    def post(self, request: Request) -> Response:
        body = read_body(request, NodeCreateSerializer)
        node = services.node_create(
            user=request.user,
            kind=body["type"],
            name=body["name"],
            parent=node_or_field(body["parent"], "parent"),
            huawei_id=body.get("huawei_id", ""),
        )
        return Response(NodeSerializer(node).data, status=status.HTTP_201_CREATED)


@extend_schema(parameters=[_NODE_ID])
class NodeDetailApi(OrgApi):
    @extend_schema(
        operation_id="org_node_get",
        tags=["organization"],
        summary="One node",
        responses={200: NodeSerializer, **READ},
    )
    def get(self, request: Request, node_id: str) -> Response:
        return Response(NodeSerializer(node_for(node_id)).data)

    @extend_schema(
        operation_id="org_node_update",
        tags=["organization"],
        summary="Rename, move (`parent`), mark the management account, or set the Huawei id",
        description="A move under the node itself or one of its descendants answers 400.",
        request=NodeUpdateSerializer,
        responses={200: NodeSerializer, **WRITE},
    )
    def patch(self, request: Request, node_id: str) -> Response:
        node = node_for(node_id)
        body = read_body(request, NodeUpdateSerializer)
        if "name" in body:
            services.node_rename(user=request.user, node=node, name=body["name"])
        if "huawei_id" in body:
            services.node_set_huawei_id(user=request.user, node=node, huawei_id=body["huawei_id"])
        if "parent" in body:
            parent = node_or_field(body["parent"], "parent")
            services.node_move(user=request.user, node=node, parent=parent)
        if "management" in body:
            services.node_set_management(
                user=request.user, node=node, management=body["management"]
            )
        return Response(NodeSerializer(node_for(node.pk)).data)

    @extend_schema(
        operation_id="org_node_delete",
        tags=["organization"],
        summary="Delete an account, or an OU that holds nothing",
        responses={204: None, **READ},
    )
    def delete(self, request: Request, node_id: str) -> Response:
        services.node_delete(user=request.user, node=node_for(node_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


# -- attachments ---------------------------------------------------------------------------


@extend_schema(parameters=[_NODE_ID])
class AttachmentListApi(OrgApi):
    @extend_schema(
        operation_id="org_attachment_list",
        tags=["organization"],
        summary="The SCPs attached to a node",
        responses={200: AttachmentSerializer(many=True), **READ},
    )
    def get(self, request: Request, node_id: str) -> Response:
        node = node_for(node_id)
        attached = resolve(attachments_by_node([node.pk])).get(node.pk, [])
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(attached, request, view=self) or []
        return paginator.get_paginated_response(AttachmentSerializer(page, many=True).data)

    @extend_schema(
        operation_id="org_attachment_create",
        tags=["organization"],
        summary="Attach a saved policy (latest or one version) or FullAccess",
        description="At most 5 SCPs per node: a sixth answers 400. " + APPLY_NOTE,
        request=AttachmentCreateSerializer,
        responses={201: AttachmentSerializer, **WRITE},
    )
    def post(self, request: Request, node_id: str) -> Response:
        node = node_for(node_id)
        body = read_body(request, AttachmentCreateSerializer)
        if body["policy"] == FULL_ACCESS:
            if body.get("version") is not None:
                raise OrgInputError(f"{FULL_ACCESS} has no versions.", "version")
            created = services.attachment_create(user=request.user, node=node, builtin=FULL_ACCESS)
        else:
            try:
                policy = policy_for(request.user, body["policy"])
            except Http404 as exc:
                raise OrgInputError(str(exc), "policy") from exc
            version = None
            if body.get("version") is not None:
                try:
                    version = version_of(policy, body["version"])
                except Http404 as exc:
                    raise OrgInputError(str(exc), "version") from exc
            created = services.attachment_create(
                user=request.user, node=node, policy=policy, version=version
            )
        attached = resolve(attachments_by_node([node.pk]))[node.pk]
        found = next(a for a in attached if a.attachment.pk == created.pk)
        return Response(AttachmentSerializer(found).data, status=status.HTTP_201_CREATED)


@extend_schema(parameters=[_NODE_ID, _ATTACHMENT_ID])
class AttachmentDetailApi(OrgApi):
    @extend_schema(
        operation_id="org_attachment_delete",
        tags=["organization"],
        summary="Detach (never a node's last SCP: 400)",
        responses={204: None, **READ},
    )
    def delete(self, request: Request, node_id: str, attachment_id: str) -> Response:
        found = attachment_of(node_for(node_id), attachment_id)
        services.attachment_delete(user=request.user, attachment=found)
        return Response(status=status.HTTP_204_NO_CONTENT)


# -- preview and what-if ---------------------------------------------------------------------


def decided_json(d: DecidedBy | None, levels: dict[str, Node]) -> dict[str, Any] | None:
    if d is None:
        return None
    return {
        "level": levels.get(d.level or ""),
        "action": d.action,
        "policy": d.policy,
        "statement": d.statement,
        "sid": d.sid,
    }


def _preview_answer(request: Request, node_id: str, context: Any) -> Response:
    node = node_for(node_id)
    found = effective_preview(node, catalog_snapshot(), context)
    levels = found.by_level
    answer = {
        "node": node,
        "apis": [
            {
                "method": a.method,
                "path": a.path,
                "outcome": a.outcome.value,
                "decided_by": decided_json(a.decided_by, levels),
                "conditions": list(a.deciding.conditions) if a.deciding else [],
            }
            for a in found.preview.apis
        ],
        "note": found.note or None,
        "applies": APPLY_NOTE,
        "context_problems": list(found.preview.context_problems),
    }
    return Response(NodePreviewAnswerSerializer(answer).data)


@extend_schema(parameters=[_NODE_ID])
class NodePreviewApi(OrgApi):
    permission_classes = [SignedIn]  # a POST here asks a question and changes nothing

    @extend_schema(
        operation_id="org_node_preview",
        tags=["organization"],
        summary="What an account (or an account directly in an OU) can do: every API",
        description="Every API of the catalog under all SCPs on the path from the root, "
        "with the level, policy and statement that decided. The management account: every "
        "API allowed, and `note` says why.",
        responses={200: NodePreviewAnswerSerializer, **READ},
    )
    def get(self, request: Request, node_id: str) -> Response:
        return _preview_answer(request, node_id, None)

    @extend_schema(
        operation_id="org_node_preview_context",
        tags=["organization"],
        summary="The same preview under a request context",
        request=NodePreviewSerializer,
        responses={200: NodePreviewAnswerSerializer, **WRITE},
    )
    def post(self, request: Request, node_id: str) -> Response:
        body = read_body(request, NodePreviewSerializer)
        return _preview_answer(request, node_id, body.get("context"))


class WhatIfApi(OrgApi):
    permission_classes = [SignedIn]  # a question: nothing is saved

    @extend_schema(
        operation_id="org_what_if",
        tags=["organization"],
        summary="What changes if a policy is attached, detached, or a node moved",
        description="Nothing is saved. Lists only the accounts below `node` with an API "
        "whose outcome changes, by the exact diff of each account's path before and after.",
        request=WhatIfRequestSerializer,
        responses={200: WhatIfAnswerSerializer, **WRITE},
    )
    def post(self, request: Request) -> Response:
        body = read_body(request, WhatIfRequestSerializer)
        catalog = catalog_snapshot()
        policy = body.get("policy")
        change = read_change(
            request.user,
            catalog,
            node=body["node"],
            action=body["action"],
            draft=body.get("draft"),
            policy=policy,
            version=body.get("version"),
            parent=body.get("parent"),
            attachment=body.get("attachment"),
        )
        answer = what_if(change, catalog, body.get("context"))
        accounts = [
            {
                "id": a.account.pk,
                "name": a.account.name,
                "huawei_id": a.account.huawei_id,
                "note": a.note or None,
                "apis": [
                    {
                        "method": c.method,
                        "path": c.path,
                        "before": c.change.before.value,
                        "after": c.change.after.value,
                        "change": c.change.change,
                        "decided_by": _what_if_decided(c),
                        "witness": c.change.witness,
                    }
                    for c in a.apis
                ],
            }
            for a in answer.accounts
            if a.apis
        ]
        data = {"accounts": accounts, "checked": answer.checked, "notes": answer.notes}
        return Response(WhatIfAnswerSerializer(data).data)


def _what_if_decided(c: Any) -> dict[str, Any] | None:
    d = c.decided_by
    if d is None:
        return None
    return {
        "level": c.level,
        "action": d.action,
        "policy": d.policy,
        "statement": d.statement,
        "sid": d.sid,
    }
