"""The catalog REST API's one write: import a catalog source, reviewed first.

`POST /api/v1/catalog/imports/` takes the text `import_catalog` and the admin's Import page
take (Huawei's SCP page, a service's authorization schema saved from IAM's API, or our JSON),
recognised by its content, and answers its change set, anomalies and the removals saved
policies notice. `dry_run` is true unless the body says false: a client reviews, then sends
the same text with `"dry_run": false`, which applies it atomically (all or nothing) and
answers what it applied. Only a user who may change the catalog (the admin's permission)
may import; a source with errors is refused with the first of them and writes nothing.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.changes import ImportResult
from catalog.importers.reading import read_source
from catalog.services import catalog_import
from catalog.snapshot import current_revision
from catalog.sync import usage_flags
from scpstudio.refusals import Refusal
from scpstudio.rest.bodies import JsonApi, read_body
from scpstudio.rest.errors import error_responses
from scpstudio.rest.fields import StrictSerializer, TextField, TrueOrFalseField

# The body's own limit (DATA_UPLOAD_MAX_MEMORY_SIZE, 2 MB) bounds the text first; a
# character may take several bytes, so the text's own limit is the same number of characters.
MAX_SOURCE_CHARS = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
MAX_NAME_CHARS = 200
ERRORS_SHOWN = 3
DESCRIPTION = (
    "The text `import_catalog` and the admin's Import page take, recognised by its content. "
    "`dry_run` (true unless false is sent) lists the change set, the anomalies and the removals "
    "saved policies notice, and writes nothing; the same text with `dry_run: false` applies it "
    "atomically. Needs the permission to change the catalog; a source with errors is refused "
    "(400, the first errors in `error`) and writes nothing."
)
MAY_NOT_IMPORT = (
    "Importing into the catalog needs the permission to change it (catalog maintainers)."
)


class CatalogImportRequestSerializer(StrictSerializer):
    source = TextField(
        min_length=1,
        max_length=MAX_SOURCE_CHARS,
        help_text="The source's whole text: Huawei's SCP page as plain text, a service's "
        "authorization schema as IAM's API answers it, or an SCP Studio catalog JSON file.",
    )
    source_name = TextField(
        required=False,
        default="",
        max_length=MAX_NAME_CHARS,
        help_text="Where the text came from (a file name), named in the anomalies.",
    )
    dry_run = TrueOrFalseField(
        required=False,
        default=True,
        help_text="true (the default): list the changes and write nothing; false: apply them.",
    )


class ChangeSerializer(serializers.Serializer):
    operation = serializers.ChoiceField(choices=["added", "changed", "removed"])
    kind = serializers.CharField(help_text="service, action, condition key, operation, ...")
    key = serializers.CharField()
    fields_changed = serializers.DictField(
        child=serializers.DictField(child=serializers.JSONField(allow_null=True)),
        help_text="Of a change: each field's `before` and `after`.",
    )
    text = serializers.CharField(help_text="The change in words, as the command prints it.")


class AnomalySerializer(serializers.Serializer):
    severity = serializers.ChoiceField(choices=["error", "warning"])
    message = serializers.CharField()
    line = serializers.IntegerField(allow_null=True)
    field = serializers.CharField()
    text = serializers.CharField()


class UsageFlagSerializer(serializers.Serializer):
    kind = serializers.CharField()
    key = serializers.CharField()
    policies = serializers.ListField(child=serializers.CharField())
    renamed_to = serializers.CharField()
    text = serializers.CharField()


class CatalogImportAnswerSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    applied = serializers.BooleanField(help_text="Whether anything was written.")
    summary = serializers.DictField(
        child=serializers.IntegerField(), help_text="What the source holds, by kind."
    )
    counts = serializers.DictField(child=serializers.IntegerField())
    changes = ChangeSerializer(many=True)
    anomalies = AnomalySerializer(many=True)
    flags = UsageFlagSerializer(
        many=True, help_text="Removals of what a saved policy names, with those policies."
    )
    revision = serializers.IntegerField(help_text="The catalog's revision after the request.")


class SourceHasErrors(Refusal):
    """A source the importer cannot take: nothing was written."""


def import_answer(result: ImportResult, flags: list[Any], *, dry_run: bool) -> dict[str, Any]:
    return {
        "dry_run": dry_run,
        "applied": result.applied,
        "summary": result.summary,
        "counts": result.counts(),
        "changes": [
            {
                "operation": c.operation,
                "kind": c.kind,
                "key": c.key,
                "fields_changed": {n: {"before": b, "after": a} for n, (b, a) in c.fields.items()},
                "text": str(c),
            }
            for c in result.changes
        ],
        "anomalies": [
            {
                "severity": a.severity,
                "message": a.message,
                "line": a.line,
                "field": a.field,
                "text": str(a),
            }
            for a in result.anomalies
        ],
        "flags": [
            {
                "kind": f.change.kind,
                "key": f.change.key,
                "policies": list(f.policies),
                "renamed_to": f.renamed_to,
                "text": str(f),
            }
            for f in flags
        ],
        "revision": current_revision(),
    }


def _refusal(result: ImportResult) -> SourceHasErrors:
    errors = result.errors
    shown = "; ".join(str(e).removeprefix("error: ") for e in errors[:ERRORS_SHOWN])
    more = f" (and {len(errors) - ERRORS_SHOWN} more)" if len(errors) > ERRORS_SHOWN else ""
    return SourceHasErrors(f"Nothing was imported: {shown}{more}.", "source")


class CatalogImportApi(JsonApi, APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="catalog_import",
        tags=["catalog"],
        summary="Import a catalog source: review its change set, then apply it",
        description=DESCRIPTION,
        request=CatalogImportRequestSerializer,
        responses={
            200: CatalogImportAnswerSerializer,
            **error_responses(400, 401, 403, 413, 415, 429),
        },
    )
    def post(self, request: Request) -> Response:
        if not request.user.has_perm("catalog.change_action"):
            raise PermissionDenied(MAY_NOT_IMPORT)
        body = read_body(request, CatalogImportRequestSerializer)
        data = read_source(body["source"], source_name=body["source_name"])
        review = catalog_import(data, dry_run=True)
        if review.errors:
            raise _refusal(review)
        flags = usage_flags(review.changes, data)
        result = review if body["dry_run"] else catalog_import(data)
        if result.errors:  # the database refused the write
            raise _refusal(result)
        return Response(import_answer(result, flags, dry_run=body["dry_run"]))
