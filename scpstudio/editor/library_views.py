"""The policy library's face in the editor: Save (a new policy or a new version), the
draft reopened after a refused save, and Compare with the version the text started from.
Whatever stops a save answers with the person's text and the reason."""

from __future__ import annotations

import logging
from urllib.parse import quote

from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from catalog.snapshot import catalog_snapshot
from scpstudio.database_busy import database_problem, retry_later
from scpstudio.editor.document_io import (
    EditorInput,
    read_editor,
    save_message_of,
)
from scpstudio.editor.form_body import FormBodyError
from scpstudio.editor.page import (
    TEMPLATE,
    HtmxHttpRequest,
    page_context,
    posted_fields,
    reads_posted_fields,
    refused,
    render_page,
    respond,
    saved_from_form,
)
from scpstudio.editor.saved import (
    NO_LONGER_SHARED,
    SavedRef,
    keep_draft,
    open_posted_draft,
)
from scpstudio.engine.catalog import Catalog
from scpstudio.policies import selectors, services
from scpstudio.policies.compare import compare as compare_versions
from scpstudio.policies.compare import text_diff
from scpstudio.policies.request_context import read_panel
from scpstudio.policies.rules import PolicyInputError
from scpstudio.policies.services import VersionConflict
from scpstudio.policies.views_compare import PanelForm, render_comparison

logger = logging.getLogger(__name__)

POLICY_GONE = f"Not saved. {NO_LONGER_SHARED} Your text is here."


@require_POST
@reads_posted_fields
def save(request: HtmxHttpRequest) -> HttpResponse:
    """Save the editor's text: a new policy, or a new version of the one it was opened from.

    The text saved is the JSON exactly as shown (with the form's changes written into it).
    Without an account the draft is kept in the session and comes back after logging in; a
    save on top of a version that is no longer the latest is refused with both sides shown.
    Whatever stops a save (a rule, a share revoked or a policy deleted meanwhile, a busy
    database) answers with the person's text and the reason: typed work is never lost.
    """
    try:
        data = posted_fields(request)
    except FormBodyError as exc:
        return refused(exc)
    editor_input = read_editor(data)
    state = editor_input.state
    fields = {
        "json": editor_input.json_text,
        "name": state.name,
        "description": state.description,
        "profile": state.profile,
        "saved_policy": str(data.get("saved_policy", "")),
        "base_version": str(data.get("base_version", "")),
        "save_message": editor_input.save_message,
    }
    try:
        catalog = catalog_snapshot()
        if not request.user.is_authenticated:
            problem = keep_draft(request, fields)
            if problem:
                return _page(request, catalog, editor_input, message=problem, status=413)
            back = reverse("editor:editor") + "?draft=1"
            return HttpResponseRedirect(f"{reverse('login')}?next={quote(back)}")
        return _save(request, catalog, editor_input, fields)
    except DatabaseError as exc:
        # nothing was written (each write is one transaction); the text goes back
        logger.error("Editor save not done: database error", exc_info=exc)
        return _not_saved(request, fields, exc)


def _save(
    request: HttpRequest, catalog: Catalog, editor_input: EditorInput, fields: dict[str, str]
) -> HttpResponse:
    data = posted_fields(request)
    state = editor_input.state
    saved = saved_from_form(request)
    if saved is None and fields["saved_policy"].strip() and data.get("op") != "save-new":
        # the text belongs to a policy unshared or deleted meanwhile: never saved as
        # something else without being asked
        return _page(request, catalog, editor_input, message=POLICY_GONE, status=409)
    as_new = str(data.get("op", "save")) == "save-new" or saved is None
    note = editor_input.save_message
    base = fields["base_version"].strip()
    if not as_new and not (base.isascii() and base.isdigit() and 0 < len(base) < 10 and int(base)):
        # the lock is the version the text started from: never guessed
        message = "Not saved: the page does not say which version your text started from."
        return _page(request, catalog, editor_input, message=message, status=400, saved=saved)
    try:
        if as_new:
            policy = services.create_policy(
                owner=request.user,
                name=state.name,
                description=state.description,
                profile=state.profile,
                document=editor_input.json_text,
                message=note,
            )
            number = policy.latest_version
        else:
            assert saved is not None
            policy = selectors.policy_for(request.user, saved.id, edit=True)
            number = services.save_version(
                user=request.user,
                policy=policy,
                document=editor_input.json_text,
                base_version=saved.base_version,
                message=note,
                name=state.name,
                description=state.description,
                profile=state.profile,
            ).number
    except PolicyInputError as exc:
        message = f"Not saved: {exc.message}"
        return _page(request, catalog, editor_input, message=message, status=400, saved=saved)
    except PermissionDenied as exc:
        message = f"Not saved: {exc}"
        return _page(request, catalog, editor_input, message=message, status=403, saved=saved)
    except Http404:
        return _page(request, catalog, editor_input, message=POLICY_GONE, status=409)
    except VersionConflict as exc:
        return _conflict(request, catalog, editor_input, exc, fields)
    url = reverse("editor:editor")
    return HttpResponseRedirect(f"{url}?policy={policy.pk}&saved={number}")


def _page(
    request: HttpRequest,
    catalog: Catalog,
    editor_input: EditorInput,
    *,
    message: str,
    status: int,
    saved: SavedRef | None = None,
) -> HttpResponse:
    """The editor with the person's text and why it was not saved; `saved` is the policy
    the text still belongs to (None: a new one), given rather than looked up again."""
    context = page_context(request, catalog, editor_input, message)
    context["saved"] = saved
    response = respond(request, TEMPLATE, context)
    response.status_code = status
    return response


def _not_saved(request: HttpRequest, fields: dict[str, str], exc: DatabaseError) -> HttpResponse:
    """The database did not answer: the text and why, in a page that needs no query (the
    policy the text belongs to is kept in its form, for the editor to reopen it with)."""
    message = f"Not saved: {database_problem(exc)} Your text is below, as you left it."
    response = respond(request, "editor/not_saved.html", {"message": message, "draft": fields})
    return retry_later(response, exc)


def _conflict(
    request: HttpRequest,
    catalog: Catalog,
    editor_input: EditorInput,
    exc: VersionConflict,
    fields: dict[str, str],
) -> HttpResponse:
    try:
        policy = selectors.policy_for(request.user, fields["saved_policy"])
    except Http404:  # deleted or unshared just after the other save
        return _page(request, catalog, editor_input, message=POLICY_GONE, status=409)
    latest = selectors.latest_version(policy)
    rows, _ = text_diff(latest.document, fields["json"], f"version {latest.number}", "your text")
    context = {
        "policy": policy,
        "base_version": exc.base_version,
        "current_version": exc.current_version,
        "latest_author": latest.author_name,
        "latest_message": latest.message,
        "text_rows": rows,
        "draft_text": fields["json"],
        "draft_name": fields["name"],
        "draft_description": fields["description"],
        "draft_profile": fields["profile"],
        "draft_save_message": fields["save_message"],
    }
    response = respond(request, "policies/conflict.html", context)
    response.status_code = 409
    return response


@require_POST
@reads_posted_fields
def draft(request: HtmxHttpRequest) -> HttpResponse:
    """Reopen a posted text (the conflict page's "reopen my text") in the editor, exactly
    as it was typed, on top of the version it names."""
    try:
        data = posted_fields(request)
    except FormBodyError as exc:
        return refused(exc)
    fields = {
        "json": str(data.get("json", "")),
        "name": str(data.get("name", "")),
        "description": str(data.get("description", "")),
        "profile": str(data.get("profile", "")),
        "saved_policy": str(data.get("policy", "")),
        "base_version": str(data.get("base_version", "")),
        "save_message": save_message_of(data),
    }
    editor_input, saved, message = open_posted_draft(request, fields)
    return render_page(
        request, catalog_snapshot(), editor_input, full=True, message=message, saved=saved
    )


@require_POST
@reads_posted_fields
def compare_draft(request: HtmxHttpRequest) -> HttpResponse:
    """The editor's text against the version it was opened from, under the preview's
    context and FullAccess setting: what it newly allows and denies, with a witness
    request for each API, and the lines that changed. The page's context panel posts the
    draft here again."""
    try:
        data = posted_fields(request)
    except FormBodyError as exc:
        return refused(exc)
    catalog = catalog_snapshot()
    editor_input = read_editor(data)
    saved = saved_from_form(request)
    if saved is None:
        message = "This text is not a saved policy yet: save it first, then compare its versions."
        response = render_page(request, catalog, editor_input, full=True, message=message)
        response.status_code = 400
        return response
    policy = selectors.policy_for(request.user, saved.id)
    asked = read_panel(data, catalog)
    try:
        found = compare_versions(
            policy,
            saved.base_version,
            draft_text=editor_input.json_text,
            context=asked.context,
            full_access=asked.full_access,
        )
    except PolicyInputError as exc:
        response = render_page(request, catalog, editor_input, full=True, message=exc.message)
        response.status_code = 400
        return response
    draft = {
        "json": editor_input.json_text,
        "source": "json",
        "saved_policy": saved.id,
        "base_version": saved.base_version,
    }
    form = PanelForm(reverse("editor:compare"), "post", draft)
    return render_comparison(request, policy, found, asked, form)
