"""The policy API's shapes: the request read into engine arguments, and the answers described
for the OpenAPI schema.

The answers themselves are the engine's own `to_json()` (the preview's rows kept between
answers, see `PreviewSerializer`), the same JSON the command line prints (one writer for
every face of the engine; passing a preview through DRF serializers would cost 10-25 ms a
request, several times the engine's work). The serializers below
describe it, and `tests/test_api_schema.py` holds the two together: every answer the live
server gives is checked against this schema, and `tests/policies/test_api_answers.py`
checks every key the engine writes is described.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from scpstudio.checks.rules import clean_profile
from scpstudio.engine.diff import CHANGES
from scpstudio.engine.evaluate import Outcome
from scpstudio.engine.findings import Code, Severity
from scpstudio.engine.limits import (
    MAX_CONTEXT_CHARS,
    MAX_CONTEXT_KEYS,
    MAX_CONTEXT_VALUES,
    MAX_RESOURCE_IDS,
)
from scpstudio.engine.preview import ApiPreview, Preview, PreviewContext
from scpstudio.engine.profiles import DEFAULT_PROFILE, PROFILES
from scpstudio.rest.fields import RuleField, StrictSerializer, TrueOrFalseField

PROFILE_NAMES = tuple(PROFILES)


@extend_schema_field(OpenApiTypes.ANY)
class PolicyDocumentField(serializers.Field):
    """JSON text (a string, which finding positions refer to) or any decoded JSON value.

    Passed on untouched: DRF's JSONField would re-encode the value only to check it.
    """

    def to_internal_value(self, data: Any) -> Any:
        return data

    def to_representation(self, value: Any) -> Any:
        return value


_CONTEXT_TEXT = {"type": "string", "nullable": True, "maxLength": MAX_CONTEXT_CHARS}


@extend_schema_field(
    {
        "type": "object",
        "nullable": True,
        "additionalProperties": False,
        "properties": {
            "region": _CONTEXT_TEXT,
            "account_id": _CONTEXT_TEXT,
            "resource_ids": {
                "type": "object",
                "nullable": True,
                "maxProperties": MAX_RESOURCE_IDS,
                "additionalProperties": {"type": "string", "maxLength": MAX_CONTEXT_CHARS},
            },
            "keys": {
                "type": "object",
                "nullable": True,
                "maxProperties": MAX_CONTEXT_KEYS,
                "description": "Each condition key's values: a list, or one value.",
                "additionalProperties": {
                    "oneOf": [
                        {"type": "array", "maxItems": MAX_CONTEXT_VALUES, "items": {}},
                        {"not": {"type": "array"}},
                    ]
                },
            },
        },
        "example": {"region": "cn-north-4", "keys": {"ims:Encrypted": ["false"]}},
    }
)
class PreviewContextField(serializers.Field):
    """What the caller knows about the request; every key left out stays unknown."""

    def to_internal_value(self, data: Any) -> PreviewContext:
        try:
            return PreviewContext.from_json(data)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from exc

    def to_representation(self, value: PreviewContext) -> dict[str, Any]:
        return value.to_json()


@extend_schema_field({"type": "string", "enum": list(PROFILE_NAMES), "default": DEFAULT_PROFILE})
class CheckProfileField(RuleField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(clean_profile, **kwargs)


class PolicyCheckSerializer(StrictSerializer):
    """The body of `validate` and `preview`."""

    document = PolicyDocumentField(
        allow_null=True,
        help_text="The policy: JSON text (positions in findings refer to it) or a JSON value.",
        error_messages={
            "required": "The body has no document: send the policy as JSON text or a JSON value."
        },
    )
    profile = CheckProfileField(
        required=False, default=DEFAULT_PROFILE, help_text="The rules to check against."
    )
    context = PreviewContextField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Region, account, resource ids and condition key values known to the preview.",
    )
    full_access = TrueOrFalseField(
        default=True,
        help_text="Preview an SCP next to FullAccess (as attached in an organization).",
    )


# -- answers (the engine writes them: the same JSON as the command line) ---------------------


class PositionSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="1-based.")
    column = serializers.IntegerField(help_text="1-based, in characters.")
    offset = serializers.IntegerField(help_text="0-based, in characters.")


class SpanSerializer(serializers.Serializer):
    start = PositionSerializer()
    end = PositionSerializer()


class FixSerializer(serializers.Serializer):
    op = serializers.ChoiceField(choices=("replace", "add", "remove", "move"))
    path = serializers.CharField(help_text="JSON pointer into the decoded policy.")
    value = serializers.JSONField(required=False)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        # `from` is a Python keyword, so it cannot be declared as a class attribute.
        fields["from"] = serializers.CharField(required=False, help_text="Source of a move.")
        return fields


class FindingSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=[c.value for c in Code])
    severity = serializers.ChoiceField(choices=[s.value for s in Severity])
    message = serializers.CharField()
    path = serializers.CharField(help_text="JSON pointer to the element at fault.")
    span = SpanSerializer(allow_null=True, help_text="Where in the text; null for JSON values.")
    fix = FixSerializer(allow_null=True, help_text="A certain repair, as a JSON Patch operation.")
    suggestions = serializers.ListField(child=serializers.CharField())
    choices = FixSerializer(
        many=True, help_text="Repairs to choose from when no one of them is certain."
    )


class PolicySizeSerializer(serializers.Serializer):
    characters = serializers.IntegerField()
    minified_characters = serializers.IntegerField(allow_null=True)
    limit = serializers.IntegerField()


class ValidationSerializer(serializers.Serializer):
    findings = FindingSerializer(many=True)
    size = PolicySizeSerializer()


_OUTCOMES = [o.value for o in Outcome]
# `conditional` is never a possibility itself: it means more than one is.
_POSSIBLE = [o.value for o in Outcome if o is not Outcome.CONDITIONAL]


class DecidedBySerializer(serializers.Serializer):
    action = serializers.CharField()
    policy = serializers.CharField(allow_null=True)
    statement = serializers.IntegerField(allow_null=True)
    sid = serializers.CharField(allow_null=True)
    level = serializers.CharField(allow_null=True)


class DecisionSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=_OUTCOMES)
    possible = serializers.ListField(child=serializers.ChoiceField(choices=_POSSIBLE))
    decided_by = DecidedBySerializer(allow_null=True)
    conditions = serializers.ListField(child=serializers.CharField())


class ActionOutcomeSerializer(DecisionSerializer):
    action = serializers.CharField()
    dependency_of = serializers.CharField(allow_null=True)


class LinkPreviewSerializer(DecisionSerializer):
    action = serializers.CharField()
    note = serializers.CharField()
    actions = ActionOutcomeSerializer(many=True)


class ApiPreviewSerializer(DecisionSerializer):
    method = serializers.CharField()
    path = serializers.CharField()
    service = serializers.CharField()
    actions = ActionOutcomeSerializer(many=True)
    conditional_links = LinkPreviewSerializer(many=True)
    operation_ids = serializers.ListField(
        child=serializers.CharField(),
        help_text="IAM's operation ids of this API (a synced service's schema); an API known "
        "only by them has an empty method and path.",
    )
    note = serializers.CharField(
        allow_null=True,
        help_text="Why the outcome does not hold in practice (SCPs do not govern the API's "
        "service, so the statement has no effect there), or null.",
    )


class PreviewSummarySerializer(serializers.Serializer):
    apis = serializers.IntegerField()
    allowed = serializers.IntegerField()
    denied = serializers.IntegerField()
    not_allowed = serializers.IntegerField()
    conditional = serializers.IntegerField()


class PreviewSerializer(serializers.Serializer):
    apis = ApiPreviewSerializer(many=True)
    summary = PreviewSummarySerializer()
    problem = serializers.CharField(
        allow_null=True,
        help_text="Why nothing was previewed (the document is not JSON), or null.",
    )
    context_problems = serializers.ListField(
        child=serializers.CharField(),
        help_text="Context values their key cannot hold: each decides nothing.",
    )

    def to_representation(self, preview: Preview) -> dict[str, Any]:
        """The engine's JSON (`Preview.to_json`), the rows as `PreviewRows` (which
        `rendering.PreviewJsonRenderer` writes from what it wrote before)."""
        return {
            "apis": PreviewRows(preview),
            "summary": preview.summary,
            "problem": preview.problem or None,
            "context_problems": list(preview.context_problems),
        }


class PreviewRows:
    """A preview's rows, for a renderer: in parts when the engine made it in parts
    (`Preview.parts`, each a tuple kept while it holds), as one part otherwise. Any JSON
    encoder reads it through `tolist` (each row's JSON as `ApiPreview.to_json`)."""

    __slots__ = ("parts", "kept")

    def __init__(self, preview: Preview) -> None:
        self.parts: tuple[Sequence[ApiPreview], ...] = preview.parts or (preview.apis,)
        self.kept = bool(preview.parts)  # whether the engine keeps the parts

    def tolist(self) -> list[dict[str, Any]]:
        return [row.to_json() for part in self.parts for row in part]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PreviewRows):
            other = other.tolist()
        return self.tolist() == other

    __hash__ = None  # type: ignore[assignment]


# -- what a change of policy does: the diff of two documents -----------------------------------

OUTCOME_CHOICES = [o.value for o in Outcome]


class DiffDecidedBySerializer(serializers.Serializer):
    """The statement that explains a change, and which side's statement it is; null when
    no statement decides either side."""

    action = serializers.CharField(source="decided_by.action")
    policy = serializers.CharField(source="decided_by.policy", allow_null=True)
    statement = serializers.IntegerField(source="decided_by.statement", allow_null=True)
    sid = serializers.CharField(source="decided_by.sid", allow_null=True)
    level = serializers.CharField(source="decided_by.level", allow_null=True)
    side = serializers.ChoiceField(
        source="decided_by_side",
        choices=("before", "after"),
        help_text="Which version's statement explains the change.",
    )

    def to_representation(self, change: Any) -> Any:
        return None if change.decided_by is None else super().to_representation(change)


_WITNESS_TEXT = {"type": "string", "nullable": True}


@extend_schema_field(
    {
        "type": "object",
        "nullable": True,
        "description": "A request under which the two versions answer differently, in the "
        "shape the preview's `context` (and `scp_preview --context`) reads: the region, "
        "account, resource ids and condition key values chosen, a key given `[]` being "
        "absent from the request; a part left null or out does not matter. Evaluated by "
        "the preview on both versions before it is given. Null when the change was not "
        "decided.",
        "additionalProperties": False,
        "required": ["region", "account_id", "resource_ids", "keys"],
        "properties": {
            "region": _WITNESS_TEXT,
            "account_id": _WITNESS_TEXT,
            "resource_ids": {"type": "object", "additionalProperties": {"type": "string"}},
            "keys": {
                "type": "object",
                "additionalProperties": {
                    "oneOf": [{"type": "array", "items": {}}, {"not": {"type": "array"}}]
                },
            },
        },
        "example": {
            "region": None,
            "account_id": None,
            "resource_ids": {},
            "keys": {"ims:TargetOrgPaths": ["o-abc123/r-xyz/ou-dev/example"]},
        },
    }
)
class WitnessField(serializers.Field):
    """The first witness of a change, as a request context."""

    def to_representation(self, witness: Any) -> dict[str, Any]:
        return dict(witness.context.to_json())


class ApiChangeSerializer(serializers.Serializer):
    """An API some request sees differently: its outcomes under the context asked (the
    preview's labels), and the exact answer over every request matching that context."""

    method = serializers.CharField()
    path = serializers.CharField()
    before = serializers.ChoiceField(
        choices=OUTCOME_CHOICES, help_text="The old version's outcome under the context asked."
    )
    after = serializers.ChoiceField(
        choices=OUTCOME_CHOICES, help_text="The new version's outcome under the context asked."
    )
    change = serializers.ChoiceField(
        choices=CHANGES,
        help_text="`newly_allowed`: some request the old version refused is allowed now; "
        "`newly_denied`: the reverse; `both`; `refusal_changed`: refused alike, but by a Deny "
        "on one side and by nothing allowing it on the other (only without FullAccess); "
        "`undecided`: not decided within the diff's time budget (never a false no-change).",
    )
    witness = WitnessField(allow_null=True)
    decided_by = DiffDecidedBySerializer(source="*", allow_null=True)


class LinkChangeSerializer(ApiChangeSerializer):
    """An API's "required only in a situation" link that some request sees differently."""

    action = serializers.CharField()
    note = serializers.CharField()
