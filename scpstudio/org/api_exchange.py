"""The organization's packing, export and import over REST (issue 19, item 8), calling
what the pages, the admin and the commands call: `policies.packing` with the node's free
slots, `exporting.export_text`, and `services.organization_import`.

* `POST /api/v1/org/pack`: a proposal for packing saved policies for a node, the verdict on
  its free slots (5 minus what is attached, FullAccess included); with `apply`, the
  documents are saved as new policies of the caller. Signed in (it changes no node).
* `GET /api/v1/org/export?format=terraform|json`: the file's text. It holds every attached
  policy's text, so it needs the permission to change the organization.
* `POST /api/v1/org/import`: the dry run, unless `{"apply": true}`; our JSON in `content`
  or Huawei Organizations live. Needs the permission to change the organization.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from scpstudio.org.api import WRITE, OrgApi, SignedIn, node_or_field
from scpstudio.org.api_exchange_serializers import (
    ExportAnswerSerializer,
    ExportQuerySerializer,
    OrgImportAnswerSerializer,
    OrgImportRequestSerializer,
    PackAnswerSerializer,
    PackRequestSerializer,
)
from scpstudio.org.exporting import FILENAMES, export_text
from scpstudio.org.import_source import read_export, read_huawei_live
from scpstudio.org.rules import OrgInputError, max_attachments
from scpstudio.org.selectors import can_change_org
from scpstudio.org.services import organization_import
from scpstudio.policies.packing import apply_pack, pack_policies
from scpstudio.rest.bodies import read_body, read_query
from scpstudio.rest.errors import ApiErrorSerializer, error_responses

CHANGERS_ONLY = (
    "Exporting or importing the organization needs staff status or the “Can change the "
    "organization” permission: the files hold every attached policy's text."
)
_MOVED = OpenApiResponse(
    ApiErrorSerializer, description="Something changed since the proposal or the dry run shown."
)
_HUAWEI = OpenApiResponse(
    ApiErrorSerializer, description="Huawei Organizations could not be read: `error` says why."
)


class ChangesTheOrganization(SignedIn):
    message = CHANGERS_ONLY

    def has_permission(self, request: Request, view: Any) -> bool:
        return super().has_permission(request, view) and can_change_org(request.user)


class PackApi(OrgApi):
    permission_classes = [SignedIn]  # saving policies needs an account, not the organization

    @extend_schema(
        operation_id="org_pack",
        tags=["organization"],
        summary="Pack saved policies into the fewest SCPs for a node, and say if they fit",
        description="Statements are kept whole, Sids unique, statements alike but for their "
        "actions merged; every document fits 5,120 characters minified and the packed "
        "documents decide every request as the policies did. `apply` saves them as new "
        "policies.",
        request=PackRequestSerializer,
        responses={200: PackAnswerSerializer, 409: _MOVED, **WRITE},
    )
    def post(self, request: Request) -> Response:
        body = read_body(request, PackRequestSerializer)
        node = node_or_field(body["node"], "node")
        if node is None:  # the serializer requires it: never here
            raise OrgInputError("The body has no node: send a node's id.", "node")
        attached = node.attachments.count()
        proposal = pack_policies(
            user=request.user,
            sources=body["policies"],
            free_slots=max(0, max_attachments() - attached),
        )
        created = []
        if body["apply"]:
            if "name" not in body:
                raise OrgInputError("Name the new policies (name) to apply the proposal.", "name")
            created = apply_pack(user=request.user, proposal=proposal, name=body["name"])
        answer = {
            "node": node,
            "attached": attached,
            **proposal.to_json(),
            "created": [{"id": p.pk, "name": p.name} for p in created],
        }
        return Response(PackAnswerSerializer(answer).data)


class ExportApi(OrgApi):
    permission_classes = [ChangesTheOrganization]

    @extend_schema(
        operation_id="org_export",
        tags=["organization"],
        summary="The organization as Terraform or as SCP Studio's JSON",
        parameters=[ExportQuerySerializer],
        responses={200: ExportAnswerSerializer, **error_responses(400, 401, 403, 429)},
    )
    def get(self, request: Request) -> Response:
        format = read_query(request, ExportQuerySerializer)["format"]
        answer = {"format": format, "filename": FILENAMES[format], "content": export_text(format)}
        return Response(ExportAnswerSerializer(answer).data)


class ImportApi(OrgApi):
    permission_classes = [ChangesTheOrganization]

    @extend_schema(
        operation_id="org_import",
        tags=["organization"],
        summary="Import the organization: a dry run, unless apply",
        description="From our JSON (`content`) or Huawei Organizations live (the server's "
        "SDK credentials). Shows what is added, changed and removed; with `apply` it is "
        "applied in one transaction, and a second import of the same source changes nothing.",
        request=OrgImportRequestSerializer,
        responses={200: OrgImportAnswerSerializer, 409: _MOVED, 502: _HUAWEI, **WRITE},
    )
    def post(self, request: Request) -> Response:
        body = read_body(request, OrgImportRequestSerializer)
        if body["format"] == "json":
            if "content" not in body:
                raise OrgInputError("Send the export's text in content.", "content")
            wanted = read_export(body["content"], "the content sent")
        else:
            if "content" in body:
                raise OrgInputError("format huawei reads Huawei live: send no content.", "content")
            wanted = read_huawei_live()
        plan = organization_import(
            user=request.user, wanted=wanted, apply=body["apply"], digest=body.get("digest", "")
        )
        return Response(
            OrgImportAnswerSerializer({"applied": body["apply"], **plan.to_json()}).data
        )
