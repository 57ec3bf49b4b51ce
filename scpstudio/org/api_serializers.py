"""The organization API's shapes (issue 19, item 8: these names are what scripts use).
Each request body is read by a serializer checking what the schema declares, with the
organization's rules (`rules`), so the API and the pages give the same sentences; each
answer is written by the serializer the schema names."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from scpstudio.checks.serializers import OUTCOME_CHOICES, PreviewContextField, WitnessField
from scpstudio.engine.diff import CHANGES
from scpstudio.engine.limits import MAX_POLICY_CHARS
from scpstudio.org.models import FULL_ACCESS
from scpstudio.org.rules import HUAWEI_ID_MAX, NAME_MAX, NAME_PATTERN, clean_node_name
from scpstudio.org.what_if import ACTIONS
from scpstudio.refusals import json_kind
from scpstudio.rest.fields import (
    ChoiceOf,
    RuleField,
    StrictSerializer,
    TextField,
    TrueOrFalseField,
    WholeNumberField,
)

NODE_TYPES = ("root", "ou", "account")
NEW_NODE_TYPES = ("ou", "account")
NODE_ID = "a node's id"


@extend_schema_field(
    {"type": "string", "minLength": 1, "maxLength": NAME_MAX, "pattern": NAME_PATTERN}
)
class NodeNameField(RuleField):
    """1 to 64 characters, no control character, no space at either end."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(clean_node_name, **kwargs)


@extend_schema_field(
    {
        "oneOf": [{"type": "integer", "minimum": 1}, {"type": "string", "enum": [FULL_ACCESS]}],
        "description": f"A saved policy's id, or `{FULL_ACCESS}` (the system policy).",
    }
)
class PolicyRefField(serializers.Field):
    def to_internal_value(self, data: Any) -> int | str:
        if data == FULL_ACCESS:
            return FULL_ACCESS
        if isinstance(data, bool) or not isinstance(data, int) or not 1 <= data <= 2**31 - 1:
            raise serializers.ValidationError(
                f"policy must be a saved policy's id or “{FULL_ACCESS}”, not {json_kind(data)}."
            )
        return data

    def to_representation(self, value: Any) -> Any:
        return value


def _huawei_id(**kwargs: Any) -> TextField:
    return TextField(
        max_length=HUAWEI_ID_MAX,
        help_text="The id Huawei gives the node: `ou-…` for an OU, the account id for an "
        "account (a root's is `r-…`).",
        **kwargs,
    )


# -- request bodies ------------------------------------------------------------------------


class NodeCreateSerializer(StrictSerializer):
    type = ChoiceOf(
        NEW_NODE_TYPES,
        "a node type one can add",
        error_messages={"required": "The body has no type: send “ou” or “account”."},
    )
    name = NodeNameField(error_messages={"required": "The body has no name."})
    parent = WholeNumberField(
        what=NODE_ID,
        help_text="The root's or an OU's id.",
        error_messages={"required": "The body has no parent: send the root's or an OU's id."},
    )
    huawei_id = _huawei_id(required=False)


class NodeUpdateSerializer(StrictSerializer):
    name = NodeNameField(required=False)
    parent = WholeNumberField(what=NODE_ID, required=False, help_text="Move under this node.")
    management = TrueOrFalseField(required=False, help_text="Mark as the management account.")
    huawei_id = _huawei_id(required=False)


class AttachmentCreateSerializer(StrictSerializer):
    policy = PolicyRefField(error_messages={"required": "The body has no policy."})
    version = WholeNumberField(
        what="a version number",
        required=False,
        allow_null=True,
        help_text="Pin to this version; left out or null, the attachment follows the latest.",
    )


class NodePreviewSerializer(StrictSerializer):
    context = PreviewContextField(
        required=False, allow_null=True, default=None, help_text="As the preview API takes it."
    )


class WhatIfRequestSerializer(StrictSerializer):
    node = WholeNumberField(
        what=NODE_ID, error_messages={"required": "The body has no node: send a node's id."}
    )
    action = ChoiceOf(
        ACTIONS, "a what-if action", error_messages={"required": "The body has no action."}
    )
    draft = TextField(
        required=False,
        max_length=MAX_POLICY_CHARS,
        help_text="attach: an unsaved policy's JSON text (or give `policy`).",
    )
    policy = PolicyRefField(
        required=False,
        help_text="attach: a saved policy (or FullAccess); detach: the one to detach.",
    )
    version = WholeNumberField(what="a version number", required=False, allow_null=True)
    parent = WholeNumberField(what=NODE_ID, required=False, help_text="move: the new parent.")
    attachment = WholeNumberField(
        what="an attachment's id", required=False, help_text="detach: the attachment."
    )
    context = PreviewContextField(required=False, allow_null=True, default=None)


# -- answers -------------------------------------------------------------------------------


class NodeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    type = serializers.ChoiceField(source="kind", choices=NODE_TYPES)
    name = serializers.CharField()
    parent = serializers.IntegerField(source="parent_id", allow_null=True)
    huawei_id = serializers.CharField(help_text="Empty when the node has none.")
    management = serializers.BooleanField()
    label = serializers.CharField(help_text="How sentences name the node.")


@extend_schema_field(
    {
        "oneOf": [{"type": "integer"}, {"type": "string", "enum": [FULL_ACCESS]}],
        "description": f"The saved policy's id, or `{FULL_ACCESS}`.",
    }
)
class AttachedPolicyField(serializers.Field):
    def to_representation(self, attached: Any) -> Any:
        return attached.attachment.policy_id or attached.attachment.builtin


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="attachment.pk")
    policy = AttachedPolicyField(source="*")
    name = serializers.CharField(source="attachment.policy_name")
    version = serializers.IntegerField(
        source="pinned_number", allow_null=True, help_text="Null when it follows the latest."
    )
    current_version = serializers.IntegerField(
        source="number", allow_null=True, help_text="The version it stands for now."
    )
    builtin = serializers.BooleanField(help_text=f"True for {FULL_ACCESS}.")


class LevelSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    type = serializers.ChoiceField(source="kind", choices=NODE_TYPES)
    label = serializers.CharField()


class LevelDecidedBySerializer(serializers.Serializer):
    """The level (node), policy and statement that decided; null when nothing did (every
    level allowed through FullAccess or the management account)."""

    level = LevelSerializer(allow_null=True)
    action = serializers.CharField()
    policy = serializers.CharField(allow_null=True)
    statement = serializers.IntegerField(allow_null=True, help_text="0-based index.")
    sid = serializers.CharField(allow_null=True)


class PreviewApiSerializer(serializers.Serializer):
    method = serializers.CharField()
    path = serializers.CharField()
    outcome = serializers.ChoiceField(choices=OUTCOME_CHOICES)
    decided_by = LevelDecidedBySerializer(allow_null=True)
    conditions = serializers.ListField(
        child=serializers.CharField(), help_text="What decides a conditional outcome."
    )


class NodePreviewAnswerSerializer(serializers.Serializer):
    node = NodeSerializer()
    apis = PreviewApiSerializer(many=True)
    note = serializers.CharField(
        allow_null=True, help_text="For the management account: why every API is allowed."
    )
    applies = serializers.CharField(help_text="When Huawei applies a change of attachments.")
    context_problems = serializers.ListField(child=serializers.CharField())


class WhatIfApiSerializer(serializers.Serializer):
    method = serializers.CharField()
    path = serializers.CharField()
    before = serializers.ChoiceField(choices=OUTCOME_CHOICES)
    after = serializers.ChoiceField(choices=OUTCOME_CHOICES)
    change = serializers.ChoiceField(choices=CHANGES)
    decided_by = LevelDecidedBySerializer(allow_null=True)
    witness = WitnessField(allow_null=True)


class WhatIfAccountSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    huawei_id = serializers.CharField()
    apis = WhatIfApiSerializer(many=True)
    note = serializers.CharField(allow_null=True)


class WhatIfAnswerSerializer(serializers.Serializer):
    accounts = WhatIfAccountSerializer(
        many=True, help_text="Only the accounts with an API whose outcome changes."
    )
    checked = serializers.IntegerField(help_text="Accounts below the node.")
    notes = serializers.ListField(
        child=serializers.CharField(), help_text="What Huawei would refuse of this change."
    )
