"""What the editor opens besides a blank policy: a saved policy (its latest version, or an
older one read-only), a template, or a draft kept across a login or a refused save.

Who may see which policy is decided by `scpstudio.policies.selectors.policy_for` alone; a
policy the person may not see raises Http404 here as everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.urls import reverse

from scpstudio.editor.document_io import (
    EditorInput,
    from_json_text,
    save_message_of,
    textarea_text,
)
from scpstudio.editor.state import EditorState
from scpstudio.engine.profiles import PROFILES
from scpstudio.policies import selectors
from scpstudio.policies.library_templates import policy_template

# A draft waiting in the session: written when saving needs a login first, read once by
# the editor it comes back to.
SESSION_DRAFT = "editor_draft"
# The policy a text was opened from may be unshared or deleted while the person types;
# the text is then theirs to keep as a new policy, which they are told.
NO_LONGER_SHARED = (
    "The policy it belonged to was deleted or is no longer shared with you: save it as a new one."
)
# A draft lives in the session's database row of someone not logged in, so it is bounded:
# the largest policy any profile accepts, as typed. A quota counts a policy minified;
# written out with indentation the same policy takes up to about 2.5 times as many
# characters, so four times the largest quota keeps every policy the console would take.
DRAFT_MAX_CHARS = 4 * max(profile.max_size for profile in PROFILES.values())
DRAFT_FIELD_MAX_CHARS = 1_000  # name, description, ids: far above what their rules allow
_DRAFT_FIELDS = (
    "json",
    "name",
    "description",
    "profile",
    "saved_policy",
    "base_version",
    "save_message",
)


@dataclass(frozen=True)
class SavedRef:
    """The saved policy the editor's text belongs to, as the page shows it."""

    id: int
    name: str
    base_version: int  # the version the text started from: the next save's lock
    latest: int
    can_edit: bool
    readonly_version: int | None = None  # an older (or any) version shown read only

    @property
    def detail_url(self) -> str:
        return reverse("policies:detail", args=[self.id])

    @property
    def compare_url(self) -> str:
        return reverse("policies:compare", args=[self.id])

    @property
    def next_version(self) -> int:
        return self.latest + 1

    @property
    def behind(self) -> bool:
        """The text started from a version that is no longer the latest."""
        return self.base_version != self.latest


def saved_ref(request: HttpRequest, policy_id: Any, base_version: Any = None) -> SavedRef | None:
    """The saved policy named by the form's hidden fields, or None when there is none."""
    if not str(policy_id or "").strip():
        return None
    policy = selectors.policy_for(request.user, policy_id)
    base = _number(base_version) or policy.latest_version
    return SavedRef(
        id=policy.pk,
        name=policy.name,
        base_version=base,
        latest=policy.latest_version,
        can_edit=bool(getattr(policy, "can_edit", False)),
    )


def open_from_query(request: HttpRequest) -> tuple[EditorInput, SavedRef | None, str] | None:
    """`?policy=ID[&version=N]`, `?template=SLUG` or `?draft=1`: what to open, or None for a
    blank policy. Raises Http404 for a policy or version the person may not see."""
    query = request.GET
    if query.get("policy"):
        policy = selectors.policy_for(request.user, query.get("policy"))
        can_edit = bool(getattr(policy, "can_edit", False))
        meta = EditorState(name=policy.name, description=policy.description, profile=policy.profile)
        if query.get("version"):
            version = selectors.version_of(policy, query.get("version"))
            ref = SavedRef(
                policy.pk,
                policy.name,
                version.number,
                policy.latest_version,
                can_edit,
                readonly_version=version.number,
            )
            meta.profile = version.profile or meta.profile
            return from_json_text(version.document, meta), ref, ""
        latest = selectors.latest_version(policy)
        ref = SavedRef(policy.pk, policy.name, latest.number, policy.latest_version, can_edit)
        message = ""
        saved_now = _number(query.get("saved"))
        if saved_now == latest.number:
            message = f"Saved as version {latest.number}."
        return from_json_text(latest.document, meta), ref, message
    if query.get("template"):
        template = policy_template(str(query.get("template")))
        if template is None:
            raise Http404("There is no such template.")
        meta = EditorState(name=template.slug[:64], profile=template.profile)
        message = f"Opened the template “{template.title}” as a new draft; save it to keep it."
        return from_json_text(template.document, meta), None, message
    if query.get("draft"):
        session = getattr(request, "session", None)
        draft = session.pop(SESSION_DRAFT, None) if session is not None else None
        if not isinstance(draft, dict):
            return None
        return _from_draft(request, draft)
    return None


def keep_draft(request: HttpRequest, fields: dict[str, str]) -> str:
    """Keep the editor's text (and what it belongs to) for the editor to reopen: one draft
    per session, replacing the last. Returns why it was not kept ("" when it was)."""
    text = str(fields.get("json", ""))
    if len(text) > DRAFT_MAX_CHARS:
        return (
            f"Your text has {len(text):,} characters; a draft kept while you log in holds at "
            f"most {DRAFT_MAX_CHARS:,} (four times the largest policy any profile accepts). "
            "Nothing was kept: copy your text, log in, then paste it and save."
        )
    kept = {k: str(fields.get(k, "")) for k in _DRAFT_FIELDS}
    if any(len(v) > DRAFT_FIELD_MAX_CHARS for k, v in kept.items() if k != "json"):
        return (
            f"The name or description is longer than {DRAFT_FIELD_MAX_CHARS:,} characters, "
            "more than a policy keeps. Nothing was kept: shorten it, then log in to save."
        )
    request.session[SESSION_DRAFT] = kept
    # Written now rather than after the view, so that a database error reaches the
    # caller, who shows the text again, instead of failing after the answer was made.
    request.session.save()
    return ""


def open_posted_draft(
    request: HttpRequest, fields: dict[str, str]
) -> tuple[EditorInput, SavedRef | None, str]:
    """A draft posted back (from the conflict page): the text exactly as it was typed."""
    return _from_draft(request, fields)


def _from_draft(
    request: HttpRequest, draft: dict[str, Any]
) -> tuple[EditorInput, SavedRef | None, str]:
    profile = str(draft.get("profile") or "scp")
    meta = EditorState(
        name=str(draft.get("name", ""))[:200],
        description=str(draft.get("description", ""))[:1000],
        profile=profile if profile in PROFILES else "scp",
    )
    ref = None
    message = "Your draft is back: nothing you typed was lost. It is not saved yet."
    if draft.get("saved_policy"):
        try:
            ref = saved_ref(request, draft.get("saved_policy"), draft.get("base_version"))
        except (Http404, PermissionDenied):
            message += " " + NO_LONGER_SHARED
    editor_input = from_json_text(textarea_text(draft.get("json", "")), meta)
    editor_input.save_message = save_message_of(draft)
    return editor_input, ref, message


def _number(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None
