"""The policy library API's shapes. Each answer is written by the serializer the schema
names for it, from the models as the selectors read them; each request body and query
is read by a serializer that checks what the schema declares, with the library's rules
(`rules`), so the API and the pages give the same sentences."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from scpstudio.checks.serializers import (
    PROFILE_NAMES,
    ApiChangeSerializer,
    LinkChangeSerializer,
    PreviewContextField,
)
from scpstudio.engine.findings import Severity
from scpstudio.engine.limits import MAX_POLICY_CHARS
from scpstudio.engine.profiles import get_profile
from scpstudio.policies.compare import DRAFT
from scpstudio.policies.models import WorstSeverity
from scpstudio.policies.rules import (
    DESCRIPTION_MAX,
    MESSAGE_MAX,
    NAME_MAX,
    NAME_PATTERN,
    clean_description,
    clean_document,
    clean_message,
    clean_name,
    clean_profile,
)
from scpstudio.policies.selectors import ORDERINGS, SEVERITY_NONE
from scpstudio.rest.fields import (
    NO_NUL_PATTERN,
    ChoiceOf,
    QueryNumberField,
    RuleField,
    SearchTextField,
    StrictSerializer,
    TextField,
    TrueOrFalseField,
    WholeNumberField,
)

# Choice sets several answers share, named once in the schema (settings.SPECTACULAR_SETTINGS).
SEVERITY_CHOICES = [s.value for s in Severity]
WORST_SEVERITY_CHOICES = [s.value for s in WorstSeverity]
SEVERITY_FILTERS = tuple(s.value for s in WorstSeverity if s.value) + (SEVERITY_NONE,)
EXPORT_FORMATS = ("json", "minified", "terraform")
VERSION = "the number of a version"
_MISSING = {
    "name": "The body has no name: give the policy a name of 1 to 64 characters.",
    "document": "The body has no document: send the policy's JSON text as a string.",
    "base_version": "The body has no base_version: send the number of the version you edited.",
    "from": "The body has no from: send the number of the version to compare from.",
    "user": "The body has no user: send the username to share with.",
}


# -- fields checked by the library's rules ---------------------------------------------------


@extend_schema_field(
    {"type": "string", "minLength": 1, "maxLength": NAME_MAX, "pattern": NAME_PATTERN}
)
class NameField(RuleField):
    """1-64 letters, digits, `_`, `-` and spaces, no space at either end (Huawei's rule)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(clean_name, **kwargs)


@extend_schema_field(
    {"type": "string", "maxLength": DESCRIPTION_MAX, "pattern": NO_NUL_PATTERN, "nullable": True}
)
class DescriptionField(RuleField):
    """Up to 512 characters; null is empty."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(clean_description, allow_null=True, **kwargs)


@extend_schema_field(
    {"type": "string", "maxLength": MESSAGE_MAX, "pattern": NO_NUL_PATTERN, "nullable": True}
)
class MessageField(RuleField):
    """What changed, up to 512 characters; null is empty."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(clean_message, allow_null=True, **kwargs)


@extend_schema_field({"type": "string", "enum": list(PROFILE_NAMES)})
class ProfileField(RuleField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(clean_profile, **kwargs)


@extend_schema_field({"type": "string", "maxLength": MAX_POLICY_CHARS, "pattern": NO_NUL_PATTERN})
class DocumentField(RuleField):
    """The policy's JSON text, kept exactly as sent (errors and all)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(clean_document, **kwargs)


def _base_version(**kwargs: Any) -> WholeNumberField:
    return WholeNumberField(
        what="the number of the version you started from",
        help_text="The version this text was based on: the save is refused (409) when it "
        "is no longer the latest.",
        error_messages={"required": _MISSING["base_version"]},
        **kwargs,
    )


# -- query parameters ------------------------------------------------------------------------


class PolicyFilterSerializer(serializers.Serializer):
    q = SearchTextField(
        max_length=200, help_text="Words to find in the name or the description (case-blind)."
    )
    profile = ChoiceOf(PROFILE_NAMES, "a profile", required=False)
    severity = ChoiceOf(
        SEVERITY_FILTERS,
        "a severity",
        required=False,
        help_text="The worst finding of the latest version; `none` for no findings.",
    )
    order = ChoiceOf(
        tuple(ORDERINGS),
        "a sort order",
        required=False,
        help_text="`-updated` (latest change first, the default), `updated`, `name`, `-name`.",
    )


class DiffQuerySerializer(serializers.Serializer):
    to = QueryNumberField(what=VERSION, required=False, help_text="Default: the latest version.")

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        # `from` is a Python keyword, so it cannot be declared as a class attribute.
        fields["from"] = QueryNumberField(
            what=VERSION,
            help_text="The version compared from.",
            error_messages={"required": "Say which version to compare from: ?from=N."},
        )
        return dict(sorted(fields.items(), key=lambda item: item[0] != "from"))


class ExportQuerySerializer(serializers.Serializer):
    format = ChoiceOf(
        EXPORT_FORMATS,
        "an export format",
        required=False,
        default="json",
        help_text="`json`: the saved text exactly (default); `minified`; `terraform`.",
    )
    version = QueryNumberField(
        what=VERSION, required=False, help_text="Default: the latest version."
    )


# -- request bodies --------------------------------------------------------------------------


class PolicyCreateSerializer(StrictSerializer):
    name = NameField(error_messages={"required": _MISSING["name"]})
    description = DescriptionField(required=False)
    profile = ProfileField(required=False)
    document = DocumentField(
        help_text="The policy's JSON text, kept exactly.",
        error_messages={"required": _MISSING["document"]},
    )
    message = MessageField(required=False)


class PolicySaveSerializer(StrictSerializer):
    """PUT: a new version, on the version it was based on."""

    document = DocumentField(
        help_text="The new text.", error_messages={"required": _MISSING["document"]}
    )
    base_version = _base_version()
    message = MessageField(required=False)
    name = NameField(required=False)
    description = DescriptionField(required=False)
    profile = ProfileField(required=False)


class PolicyUpdateSerializer(StrictSerializer):
    """PATCH: as PUT with a document; without one, only name, description or profile."""

    document = DocumentField(required=False, help_text="The new text, with base_version.")
    base_version = _base_version(required=False)
    message = MessageField(required=False)
    name = NameField(required=False)
    description = DescriptionField(required=False)
    profile = ProfileField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "document" in attrs and "base_version" not in attrs:
            raise serializers.ValidationError({"base_version": [_MISSING["base_version"]]})
        return attrs


class RestoreSerializer(StrictSerializer):
    message = MessageField(required=False, help_text='Default: "Restored version N".')
    base_version = _base_version(required=False)


class DiffDraftSerializer(StrictSerializer):
    draft = DocumentField(required=False, help_text="Unsaved text to compare with.")
    to = WholeNumberField(
        what=VERSION, required=False, allow_null=True, help_text="Or a version (default: latest)."
    )
    context = PreviewContextField(
        required=False, allow_null=True, default=None, help_text="As the preview API takes it."
    )
    full_access = TrueOrFalseField(required=False, default=True)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["from"] = WholeNumberField(
            what=VERSION,
            help_text="The version compared from.",
            error_messages={"required": _MISSING["from"]},
        )
        return dict(sorted(fields.items(), key=lambda item: item[0] != "from"))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "draft" in attrs and attrs.get("to") is not None:
            raise serializers.ValidationError(
                {"to": ["Compare with a draft or with a version, not both."]}
            )
        return attrs


class DuplicateSerializer(StrictSerializer):
    name = NameField(required=False, help_text='Default: "Copy of <name>".')


class ShareRequestSerializer(StrictSerializer):
    user = TextField(
        min_length=1,
        max_length=150,
        help_text="The username to share with.",
        error_messages={"required": _MISSING["user"]},
    )
    can_edit = TrueOrFalseField(required=False, default=False)


# -- answers ---------------------------------------------------------------------------------


class StoredSizeSerializer(serializers.Serializer):
    """A saved text's size, as `validate` answers it for the same text and profile."""

    characters = serializers.IntegerField(source="size")
    minified_characters = serializers.IntegerField(source="minified_size", allow_null=True)
    limit = serializers.SerializerMethodField(help_text="The profile's size quota.")

    def get_limit(self, saved: Any) -> int:
        return get_profile(saved.profile).max_size


class PolicySerializer(serializers.Serializer):
    """A policy in a list: without its text. Figures are those of its latest version."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField()
    profile = serializers.ChoiceField(choices=PROFILE_NAMES)
    version = serializers.IntegerField(
        source="latest_version", help_text="The latest version's number."
    )
    owner = serializers.CharField(source="owner.get_username")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    worst_severity = serializers.ChoiceField(
        choices=WORST_SEVERITY_CHOICES, help_text="The latest version's; empty for no findings."
    )
    size = StoredSizeSerializer(source="*")
    is_owner = serializers.BooleanField()
    can_edit = serializers.BooleanField()


class PolicyDetailSerializer(PolicySerializer):
    """One policy with its latest text."""

    document = serializers.CharField(help_text="The latest version's text, exactly as saved.")


class RestoredPolicySerializer(PolicyDetailSerializer):
    restored_from = serializers.SerializerMethodField(help_text="The version restored.")

    def get_restored_from(self, policy: Any) -> int:
        return int(self.context["restored_from"])


class VersionSerializer(serializers.Serializer):
    """A version in a list: without its text."""

    number = serializers.IntegerField()
    author = serializers.CharField(
        source="author.get_username",
        allow_null=True,
        help_text="The author's username; null when their account was deleted (pages show "
        "“(deleted user)”).",
    )
    created_at = serializers.DateTimeField()
    message = serializers.CharField()
    profile = serializers.ChoiceField(choices=PROFILE_NAMES)
    worst_severity = serializers.ChoiceField(choices=WORST_SEVERITY_CHOICES)
    size = StoredSizeSerializer(source="*")


class VersionDetailSerializer(VersionSerializer):
    document = serializers.CharField(help_text="The text exactly as saved.")


class ShareSerializer(serializers.Serializer):
    user = serializers.CharField(source="user.get_username")
    can_edit = serializers.BooleanField()
    created_at = serializers.DateTimeField()


class TemplateSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()
    explanation = serializers.CharField()
    profile = serializers.ChoiceField(choices=PROFILE_NAMES)
    document = serializers.CharField()
    example_context = serializers.JSONField()
    denies = serializers.ListField(child=serializers.CharField())


# -- comparing two versions ------------------------------------------------------------------


class TextRowSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=("same", "changed", "removed", "added"))
    before_line = serializers.IntegerField(allow_null=True)
    before = serializers.CharField(allow_null=True)
    after_line = serializers.IntegerField(allow_null=True)
    after = serializers.CharField(allow_null=True)


@extend_schema_field(
    {
        "oneOf": [{"type": "integer", "minimum": 1}, {"type": "string", "enum": [DRAFT]}],
        "description": f"A version number, or `{DRAFT}`.",
    }
)
class VersionOrDraftField(serializers.Field):
    def to_representation(self, value: int | str) -> int | str:
        return value


class DiffSerializer(serializers.Serializer):
    to = VersionOrDraftField(source="to_label", read_only=True)
    text_diff = serializers.CharField(help_text="A unified diff of the two texts.")
    apis = ApiChangeSerializer(
        many=True, help_text="Only the APIs some request (matching the context) treats differently."
    )
    conditional_links = LinkChangeSerializer(many=True)
    rows = TextRowSerializer(many=True, help_text="The two texts side by side.")
    problem = serializers.SerializerMethodField(
        help_text="Why the outcomes were not compared (a side is not JSON, or is past a "
        "limit); null when they were."
    )

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["from"] = serializers.IntegerField(source="from_number")
        return dict(sorted(fields.items(), key=lambda item: item[0] != "from"))

    def get_problem(self, comparison: Any) -> str | None:
        return comparison.problem or None
