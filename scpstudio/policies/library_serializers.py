"""The policy library API's shapes: the JSON each answer holds (written by the functions
below, from the models) and, for the OpenAPI schema, serializers describing requests and
answers. The requests themselves are checked by `rules` through the services, so the
API and the pages give the same sentences."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from scpstudio.engine.evaluate import Outcome
from scpstudio.engine.findings import Severity
from scpstudio.engine.profiles import PROFILES, get_profile
from scpstudio.policies.models import Policy, PolicyShare, PolicyVersion, WorstSeverity
from scpstudio.policies.selectors import ORDERINGS, SEVERITY_NONE
from scpstudio.policies.serializers import PROFILE_NAMES, PolicySizeSerializer

# Choice sets several answers share, named once in the schema (settings.SPECTACULAR_SETTINGS).
OUTCOME_CHOICES = [o.value for o in Outcome]
SEVERITY_CHOICES = [s.value for s in Severity]
SEVERITY_FILTERS = tuple(s.value for s in WorstSeverity if s.value) + (SEVERITY_NONE,)


def size_json(characters: int, minified: int | None, profile: str) -> dict[str, Any]:
    """The engine's size figure, as `validate` answers it."""
    return {
        "characters": characters,
        "minified_characters": minified,
        "limit": get_profile(profile).max_size,
    }


def policy_json(policy: Policy, *, document: str | None = None) -> dict[str, Any]:
    """A policy as the API shows it; with its latest text when `document` is given."""
    out: dict[str, Any] = {
        "id": policy.pk,
        "name": policy.name,
        "description": policy.description,
        "profile": policy.profile,
        "version": policy.latest_version,
        "owner": policy.owner.get_username(),
        "created_at": policy.created_at.isoformat(),
        "updated_at": policy.updated_at.isoformat(),
        "worst_severity": policy.worst_severity,
        "size": size_json(policy.size, policy.minified_size, policy.profile),
    }
    for flag in ("is_owner", "can_edit"):
        if hasattr(policy, flag):
            out[flag] = bool(getattr(policy, flag))
    if document is not None:
        out["document"] = document
    return out


def version_json(version: PolicyVersion, *, with_document: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "number": version.number,
        "author": version.author.get_username() if version.author is not None else None,
        "created_at": version.created_at.isoformat(),
        "message": version.message,
        "profile": version.profile,
        "worst_severity": version.worst_severity,
        "size": size_json(version.size, version.minified_size, version.profile),
    }
    if with_document:
        out["document"] = version.document
    return out


def share_json(share: PolicyShare) -> dict[str, Any]:
    return {
        "user": share.user.get_username(),
        "can_edit": share.can_edit,
        "created_at": share.created_at.isoformat(),
    }


# -- query parameters ------------------------------------------------------------------------------


class PolicyFilterSerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Words to find in the name or the description (case-blind).",
        error_messages={"max_length": "q holds at most 200 characters."},
    )
    profile = serializers.ChoiceField(
        choices=PROFILE_NAMES,
        required=False,
        error_messages={"invalid_choice": f"profile must be one of: {', '.join(PROFILES)}."},
    )
    severity = serializers.ChoiceField(
        choices=SEVERITY_FILTERS,
        required=False,
        help_text="The worst finding of the latest version; `none` for no findings.",
        error_messages={
            "invalid_choice": f"severity must be one of: {', '.join(SEVERITY_FILTERS)}."
        },
    )
    order = serializers.ChoiceField(
        choices=tuple(ORDERINGS),
        required=False,
        help_text="`-updated` (latest change first, the default), `updated`, `name`, `-name`.",
        error_messages={"invalid_choice": f"order must be one of: {', '.join(ORDERINGS)}."},
    )


class DiffQuerySerializer(serializers.Serializer):
    to = serializers.IntegerField(required=False, help_text="Default: the latest version.")

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        # `from` is a Python keyword, so it cannot be declared as a class attribute.
        fields["from"] = serializers.IntegerField(help_text="The version compared from.")
        return dict(sorted(fields.items(), key=lambda item: item[0] != "from"))


class ExportQuerySerializer(serializers.Serializer):
    format = serializers.ChoiceField(
        choices=("json", "minified", "terraform"),
        required=False,
        help_text="`json`: the saved text exactly (default); `minified`; `terraform`.",
    )
    version = serializers.IntegerField(required=False, help_text="Default: the latest version.")


# -- requests (documentation) ----------------------------------------------------------------------


class PolicyCreateSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="1-64 letters, digits, _, - and spaces.")
    description = serializers.CharField(required=False, allow_blank=True, max_length=512)
    profile = serializers.ChoiceField(choices=PROFILE_NAMES, required=False)
    document = serializers.CharField(help_text="The policy's JSON text, kept exactly.")
    message = serializers.CharField(required=False, allow_blank=True, max_length=512)


class PolicySaveSerializer(serializers.Serializer):
    document = serializers.CharField(help_text="The new text; a PATCH without it saves no version.")
    base_version = serializers.IntegerField(help_text="The version this text was based on.")
    message = serializers.CharField(required=False, allow_blank=True, max_length=512)
    name = serializers.CharField(required=False)
    description = serializers.CharField(required=False, allow_blank=True, max_length=512)
    profile = serializers.ChoiceField(choices=PROFILE_NAMES, required=False)


class RestoreSerializer(serializers.Serializer):
    message = serializers.CharField(required=False, allow_blank=True, max_length=512)
    base_version = serializers.IntegerField(required=False)


class DiffDraftSerializer(serializers.Serializer):
    draft = serializers.CharField(required=False, help_text="Unsaved text to compare with.")
    to = serializers.IntegerField(required=False, help_text="Or a version (default: latest).")
    context = serializers.JSONField(required=False, help_text="As the preview API takes it.")
    full_access = serializers.BooleanField(required=False, default=True)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["from"] = serializers.IntegerField(help_text="The version compared from.")
        return dict(sorted(fields.items(), key=lambda item: item[0] != "from"))


class DuplicateSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, help_text='Default: "Copy of <name>".')


class ShareRequestSerializer(serializers.Serializer):
    user = serializers.CharField(help_text="The username to share with.")
    can_edit = serializers.BooleanField(required=False, default=False)


# -- answers (documentation) -----------------------------------------------------------------------


class PolicyAnswerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField()
    profile = serializers.ChoiceField(choices=PROFILE_NAMES)
    document = serializers.CharField(help_text="The latest version's text (not in lists).")
    version = serializers.IntegerField(help_text="The latest version's number.")
    owner = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    worst_severity = serializers.ChoiceField(choices=[s.value for s in WorstSeverity])
    size = PolicySizeSerializer()
    is_owner = serializers.BooleanField()
    can_edit = serializers.BooleanField()


class PolicyPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = PolicyAnswerSerializer(many=True)


class VersionAnswerSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    author = serializers.CharField(
        allow_null=True,
        help_text="The author's username; null when their account was deleted (pages show "
        "“(deleted user)”).",
    )
    created_at = serializers.DateTimeField()
    message = serializers.CharField()
    profile = serializers.ChoiceField(choices=PROFILE_NAMES)
    worst_severity = serializers.ChoiceField(choices=[s.value for s in WorstSeverity])
    size = PolicySizeSerializer()
    document = serializers.CharField(help_text="Only in the answer for one version.")


class VersionPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = VersionAnswerSerializer(many=True)


class ConflictSerializer(serializers.Serializer):
    error = serializers.CharField()
    base_version = serializers.IntegerField()
    current_version = serializers.IntegerField()


class DiffDecidedBySerializer(serializers.Serializer):
    action = serializers.CharField()
    policy = serializers.CharField(allow_null=True)
    statement = serializers.IntegerField(allow_null=True)
    sid = serializers.CharField(allow_null=True)
    level = serializers.CharField(allow_null=True)
    side = serializers.ChoiceField(
        choices=("before", "after"), help_text="Which version's statement explains the change."
    )


class ApiChangeSerializer(serializers.Serializer):
    method = serializers.CharField()
    path = serializers.CharField()
    before = serializers.ChoiceField(choices=OUTCOME_CHOICES)
    after = serializers.ChoiceField(choices=OUTCOME_CHOICES)
    decided_by = DiffDecidedBySerializer(allow_null=True)


class TextRowSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=("same", "changed", "removed", "added"))
    before_line = serializers.IntegerField(allow_null=True)
    before = serializers.CharField(allow_null=True)
    after_line = serializers.IntegerField(allow_null=True)
    after = serializers.CharField(allow_null=True)


class DiffAnswerSerializer(serializers.Serializer):
    to = serializers.CharField(help_text="A version number, or `draft`.")
    text_diff = serializers.CharField(help_text="A unified diff of the two texts.")
    apis = ApiChangeSerializer(many=True, help_text="Only the APIs whose outcome changes.")
    conditional_links = ApiChangeSerializer(many=True)
    rows = TextRowSerializer(many=True, help_text="The two texts side by side.")
    problem = serializers.CharField(allow_null=True)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["from"] = serializers.IntegerField()
        return dict(sorted(fields.items(), key=lambda item: item[0] != "from"))


class ShareAnswerSerializer(serializers.Serializer):
    user = serializers.CharField()
    can_edit = serializers.BooleanField()
    created_at = serializers.DateTimeField()


class TemplateAnswerSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()
    explanation = serializers.CharField()
    profile = serializers.ChoiceField(choices=PROFILE_NAMES)
    document = serializers.CharField()
    example_context = serializers.JSONField()
    denies = serializers.ListField(child=serializers.CharField())


class TemplatePageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    results = TemplateAnswerSerializer(many=True)
