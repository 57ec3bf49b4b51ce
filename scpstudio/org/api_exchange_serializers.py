"""Shapes of the organization's packing, export and import endpoints (issue 19, item 8:
`POST /api/v1/org/pack`, `GET /api/v1/org/export`, `POST /api/v1/org/import`)."""

from __future__ import annotations

import json
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from scpstudio.engine.packing import MAX_SOURCES
from scpstudio.org.api_serializers import NODE_ID, NodeSerializer
from scpstudio.org.exporting import FORMATS
from scpstudio.policies.rules import NAME_MAX
from scpstudio.refusals import json_kind
from scpstudio.rest.fields import (
    ChoiceOf,
    StrictSerializer,
    TextField,
    TrueOrFalseField,
    WholeNumberField,
)

IMPORT_FORMATS = ("json", "huawei")
_SOURCE = {
    "oneOf": [
        {"type": "integer", "minimum": 1},
        {"type": "string", "pattern": r"^[0-9]{1,18}@[0-9]{1,9}$"},
    ],
    "description": "A saved policy's id, or `<id>@<version>`: the version the proposal showed "
    "(a newer one is then refused with 409).",
}


@extend_schema_field({"type": "array", "items": _SOURCE, "minItems": 1, "maxItems": MAX_SOURCES})
class PackSourcesField(serializers.Field):
    def to_internal_value(self, data: Any) -> list[str]:
        if not isinstance(data, list) or not data:
            raise serializers.ValidationError("policies must be a non-empty list of policy ids.")
        if len(data) > MAX_SOURCES:
            raise serializers.ValidationError(
                f"policies lists {len(data)}; at most {MAX_SOURCES} are packed together."
            )
        out = []
        for item in data:
            if isinstance(item, bool) or not isinstance(item, int | str):
                raise serializers.ValidationError(
                    f"policies holds {json_kind(item)}; each is a policy id or “id@version”."
                )
            out.append(str(item)[:40])
        return out


@extend_schema_field(
    {
        "oneOf": [{"type": "string"}, {"type": "object"}],
        "description": "format json: the export's text, or the same as a JSON object.",
    }
)
class OrgContentField(serializers.Field):
    def to_internal_value(self, data: Any) -> str:
        if isinstance(data, dict):
            return json.dumps(data, ensure_ascii=False)
        if isinstance(data, str):
            if "\x00" in data:
                raise serializers.ValidationError("content holds a NUL character.")
            return data
        raise serializers.ValidationError(
            f"content must be text or an object, not {json_kind(data)}."
        )


class PackRequestSerializer(StrictSerializer):
    node = WholeNumberField(
        what=NODE_ID,
        help_text="The node the documents are for: its free slots decide whether they fit.",
        error_messages={"required": "The body has no node: send a node's id."},
    )
    policies = PackSourcesField(
        help_text="The saved policies whose statements are packed.",
        error_messages={"required": "The body has no policies: send the ids to pack."},
    )
    apply = TrueOrFalseField(
        required=False, default=False, help_text="Save the proposal as new policies."
    )
    name = TextField(
        required=False,
        max_length=NAME_MAX,
        help_text="apply: the new policies' name (“name 1 of N”, … for several).",
    )


class ExportQuerySerializer(serializers.Serializer):
    format = ChoiceOf(FORMATS, "an export format", required=False, default="terraform")


class OrgImportRequestSerializer(StrictSerializer):
    format = ChoiceOf(
        IMPORT_FORMATS,
        "an import source",
        help_text="json: our export, in `content`; huawei: Huawei Organizations, live.",
        error_messages={"required": "The body has no format: send “json” or “huawei”."},
    )
    content = OrgContentField(required=False)
    apply = TrueOrFalseField(
        required=False, default=False, help_text="Apply; without it, only the dry run."
    )
    digest = TextField(
        required=False,
        max_length=64,
        help_text="The dry run's digest: an apply whose plan differs is refused with 409.",
    )


# -- answers ---------------------------------------------------------------------------------


class PackOriginSerializer(serializers.Serializer):
    source = serializers.CharField(help_text="The policy's name.")
    index = serializers.IntegerField(help_text="0-based, in its Statement list.")
    sid = serializers.CharField(allow_null=True)


class PackedStatementSerializer(serializers.Serializer):
    statement = serializers.DictField()
    size = serializers.IntegerField(help_text="Characters, minified.")
    origins = PackOriginSerializer(many=True)


class PackedDocumentSerializer(serializers.Serializer):
    text = serializers.CharField()
    size = serializers.IntegerField(help_text="Characters, minified: what the quota counts.")
    statements = PackedStatementSerializer(many=True)


class PackedFromSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    version = serializers.IntegerField()


class SavedPolicySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class PackAnswerSerializer(serializers.Serializer):
    node = NodeSerializer()
    attached = serializers.IntegerField(help_text="SCPs attached there now, FullAccess included.")
    sources = PackedFromSerializer(many=True)
    documents = PackedDocumentSerializer(many=True)
    quota = serializers.IntegerField()
    free_slots = serializers.IntegerField(help_text="5 minus what the node has attached.")
    fits = serializers.BooleanField()
    lower_bound = serializers.IntegerField()
    proved_fewest = serializers.BooleanField()
    statements_in = serializers.IntegerField()
    statements_out = serializers.IntegerField()
    characters_in = serializers.IntegerField()
    characters_out = serializers.IntegerField()
    verdict = serializers.CharField()
    notes = serializers.ListField(child=serializers.CharField())
    created = SavedPolicySerializer(many=True, help_text="apply: the policies saved.")


class ExportAnswerSerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=FORMATS)
    filename = serializers.CharField()
    content = serializers.CharField(help_text="The file's text.")


class OrgImportAnswerSerializer(serializers.Serializer):
    applied = serializers.BooleanField()
    summary = serializers.CharField()
    added = serializers.ListField(child=serializers.CharField())
    changed = serializers.ListField(child=serializers.CharField())
    removed = serializers.ListField(child=serializers.CharField())
    notes = serializers.ListField(
        child=serializers.CharField(), help_text="What was left out (tag policies, counted)."
    )
    digest = serializers.CharField(help_text="Send it back with apply to apply this dry run.")
