"""The editor: one page, one form. Typing sends `op=check` and gets the findings
and preview back; buttons send their own `op`; without JavaScript every button
is a plain submit and the whole page comes back."""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import quote

from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import reswap, retarget
from django_htmx.middleware import HtmxDetails

from catalog.snapshot import catalog_snapshot
from scpstudio.database_busy import database_problem, retry_later
from scpstudio.editor import context as ctx
from scpstudio.editor import html as editor_html
from scpstudio.editor import ids
from scpstudio.editor.document_io import (
    EditorInput,
    document_for_export,
    from_form_edit,
    from_form_state,
    from_json_text,
    read_editor,
    save_message_of,
    textarea_text,
)
from scpstudio.editor.form_body import FormBodyError, posted_form
from scpstudio.editor.html import finding_id
from scpstudio.editor.importing import DRAFT_FIELDS, Imported, read_import
from scpstudio.editor.ops import apply_structure_op, parse_op, statement_origin
from scpstudio.editor.saved import (
    NO_LONGER_SHARED,
    SavedRef,
    keep_draft,
    open_from_query,
    open_posted_draft,
    saved_ref,
)
from scpstudio.editor.state import (
    PROFILES,
    EditorState,
    MultiValueMapping,
    keep_unfinished_rows,
    state_from_form,
)
from scpstudio.engine.analysis import analyze_policy
from scpstudio.engine.catalog import Catalog
from scpstudio.engine.document import parse_policy, to_minified
from scpstudio.engine.export import escape_surrogates, export_text, slug, terraform_snippet
from scpstudio.engine.text_patch import TextPatchError, patch_text
from scpstudio.policies import selectors, services
from scpstudio.policies.compare import compare as compare_versions
from scpstudio.policies.compare import text_diff
from scpstudio.policies.request_context import read_panel
from scpstudio.policies.rules import PolicyInputError
from scpstudio.policies.services import VersionConflict
from scpstudio.policies.views_compare import PanelForm, render_comparison

logger = logging.getLogger(__name__)

PAGE_IDS_JSON = json.dumps(ids.page_ids())

TEMPLATE = "editor/editor.html"

POLICY_GONE = f"Not saved. {NO_LONGER_SHARED} Your text is here."


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


@require_http_methods(["GET", "HEAD", "POST"])
@vary_on_headers("HX-Request")
def editor(request: HtmxHttpRequest) -> HttpResponse:
    catalog = catalog_snapshot()
    if request.method in ("GET", "HEAD"):
        if request.GET.get("policy") and not request.user.is_authenticated:
            # a link to a saved policy: log in first, then come back to it
            return HttpResponseRedirect(f"{reverse('login')}?next={quote(request.get_full_path())}")
        opened = open_from_query(request)
        if opened is None:
            return _render(request, catalog, from_form_state(EditorState()), full=True)
        editor_input, saved, message = opened
        return _render(request, catalog, editor_input, full=True, message=message, saved=saved)
    try:
        data = _fields(request)
    except FormBodyError as exc:
        return _refused(exc)
    op = str(data.get("op", "check"))
    editor_input, message = _apply_op(request, catalog, read_editor(data, op=op), op)
    if not request.htmx:
        return _render(request, catalog, editor_input, full=True, message=message)
    # Every editor request waits for the one before it (editor.js keeps them in one
    # queue), so each answer redraws only what its own request changed.
    if op == "json":
        return _render_json_edit(request, catalog, editor_input)
    if op == "check":
        return _render(request, catalog, editor_input, partial="check", message=message)
    name, i, _ = parse_op(op)
    if name in PER_STATEMENT_OPS:
        # The statement the button or the changed field belongs to: its values may be the
        # same as posted (a ticked box), yet what the form derives from them is not.
        touched = {i} if i is not None and name not in ("fix", "use") else set()
        touched |= _trigger_statement(_changed_field(request))
        answer = _render_changed_statements(request, catalog, editor_input, message, touched)
        if answer is not None:
            return answer
    # The whole form, whichever element asked (a keystroke's own target is #analysis).
    response = _render(request, catalog, editor_input, partial="structure", message=message)
    return _swap_into(response, f"#{ids.WORKSPACE}")


def _swap_into(response: HttpResponse, target: str) -> HttpResponse:
    """Have htmx put this answer in place of `target`, whichever element asked."""
    return reswap(retarget(response, target), "outerHTML")


def _changed_field(request: HtmxHttpRequest) -> str:
    """The id of the field whose change asked for this answer (editor.js sends it as
    `changed`; a request htmx sends from the field itself names it in HX-Trigger)."""
    return str(_fields(request).get("changed") or request.htmx.trigger or "")


# Buttons whose change stays inside the statements they touch (a fix, a ticked box, a
# condition added): their answer redraws only the statements that changed, since the whole
# form of a large policy is half a megabyte of HTML. The others redraw the whole form.
PER_STATEMENT_OPS = frozenset(
    {
        "add-condition",
        "remove-condition",
        "level",
        "clear-actions",
        "add-urn",
        "refresh",
        "fix",
        "use",
        "minify",
        "up",
        "down",
    }
)


def _apply_op(
    request: HtmxHttpRequest, catalog: Catalog, editor_input: EditorInput, op: str
) -> tuple[EditorInput, str]:
    """Carry out a button's operation; typing (`check`, `json`) changes nothing here."""
    name, i, j = parse_op(op)
    if name in ("fix", "use"):
        fixed, message = _apply_fix(request, catalog, editor_input, op)
        keep_unfinished_rows(fixed.state, editor_input.state)
        return fixed, message
    if name == "minify":
        minified = from_json_text(to_minified_text(editor_input), editor_input.state)
        keep_unfinished_rows(minified.state, editor_input.state)
        return minified, ""
    if name in ("check", "json", ""):
        return editor_input, ""
    builder = {
        part: str(_fields(request).get(f"builder-{part}-{i}-{j}", ""))
        for part in ("region", "account", "id")
    }
    before = len(editor_input.state.statements)
    message = apply_structure_op(editor_input.state, op, catalog, builder) or ""
    if editor_input.source == "form":
        ctx.fit_operators(editor_input.state, catalog, _changed_field(request))
        origin = statement_origin(op, before, len(editor_input.state.statements))
        # the text the form's keystrokes were just written into, now changed by the op
        editor_input = from_form_edit(editor_input.json_text, editor_input.state, origin)
    return editor_input, message


def _render_json_edit(
    request: HtmxHttpRequest, catalog: Catalog, editor_input: EditorInput
) -> HttpResponse:
    """A keystroke in the JSON: redraw only the statements it changed in the form.

    Redrawing every statement of a large policy on each keystroke is most of the
    cost of the round trip; a statement the JSON edit did not touch is left as it is.
    """
    posted = editor_input.posted or state_from_form(_fields(request))
    context = _changed_statements_context(request, catalog, editor_input, posted, "")
    if context is None:
        return _render(request, catalog, editor_input, partial="json")
    return _respond(request, f"{TEMPLATE}#response-json-statements", context)


def _trigger_statement(trigger: str | None) -> set[int]:
    """`s3-service`, `s3-c0-key`, `picker-3` -> {3}."""
    found = ids.statement_of_field(trigger)
    return set() if found is None else {found}


def _render_changed_statements(
    request: HtmxHttpRequest,
    catalog: Catalog,
    editor_input: EditorInput,
    message: str,
    touched: set[int],
) -> HttpResponse | None:
    """A button's answer that redraws only the statements it changed (and those it
    `touched`), or None when the whole form must be redrawn. The page's #workspace
    stays; everything is swapped in by id."""
    # The form as the page shows it: the op changed the state read from these fields.
    posted = state_from_form(_fields(request))
    context = _changed_statements_context(request, catalog, editor_input, posted, message, touched)
    if context is None:
        return None
    response = _respond(request, f"{TEMPLATE}#response-statements", context)
    return _swap_into(response, f"#{ids.ANALYSIS}")


def _changed_statements_context(
    request: HtmxHttpRequest,
    catalog: Catalog,
    editor_input: EditorInput,
    posted: EditorState,
    message: str,
    touched: set[int] | None = None,
) -> dict[str, Any] | None:
    """The answer's context with the statements that differ from `posted`, or None
    when statements came or went, or the form and the JSON trade the lead."""
    new = editor_input.state
    if (
        editor_input.form_problem
        or _fields(request).get("source") == "json"
        or len(posted.statements) != len(new.statements)
    ):
        return None
    changed = {
        i
        for i, (a, b) in enumerate(zip(posted.statements, new.statements, strict=True))
        if ctx.statement_shown(a, catalog) != ctx.statement_shown(b, catalog)
    }
    changed |= {i for i in touched or () if 0 <= i < len(new.statements)}
    context = _context(request, catalog, editor_input, message)
    context["changed_statements"] = ctx.statement_views(new, catalog, only=changed)
    context["unchanged_slot_ids"] = [
        sid for sid in context["slots_to_send"] if _slot_statement(sid) not in changed
    ]
    return context


def _slot_statement(slot_id: str) -> int | None:
    """`f-s3-c1` -> 3; `f-policy` -> None."""
    head = slot_id.split("-")[1] if slot_id.count("-") else ""
    return int(head[1:]) if head.startswith("s") and head[1:].isdigit() else None


def to_minified_text(editor_input: EditorInput) -> str:
    parsed = parse_policy(editor_input.json_text)
    return to_minified(parsed.value()) if parsed.ok else editor_input.json_text


def _apply_fix(
    request: HttpRequest, catalog: Catalog, editor_input: EditorInput, op: str
) -> tuple[EditorInput, str]:
    """Apply a finding's certain fix (`fix-K-ID`) or one of its suggestions (`use-K-N_ID`).

    The finding is the one whose id (its code, place and repair) the button names, not
    the one at place K of a list that may have changed since the page was drawn.
    """
    name, _, rest = parse_op(op)
    result = analyze_policy(editor_input.json_text, catalog, editor_input.state.profile)
    stale = "That fix no longer applies: the policy changed. Look at the findings again."
    choice_part, _, wanted = (rest or "").rpartition("_") if name == "use" else ("", "", rest)
    finding = next((f for f in result.findings if finding_id(f) == wanted), None)
    if finding is None:
        return editor_input, stale
    if name == "use":
        index = int(choice_part) if choice_part.isdigit() else -1
        if not 0 <= index < len(finding.choices):
            return editor_input, stale
        repair = finding.choices[index]
    elif finding.fix is not None:
        repair = finding.fix
    else:
        return editor_input, stale
    patch = (repair.op, repair.path, repair.value, repair.from_path)
    parsed = parse_policy(editor_input.json_text)
    done = f"{editor_html.describe_change(repair, parsed.value() if parsed.ok else None)}."
    op_name, path, value, from_path = patch
    try:
        # where the value stands in the text: the rest stays as the person wrote it
        fixed = patch_text(
            editor_input.json_text,
            op_name,
            path,
            value,
            from_path,
            first=path in ("/Version", "/Statement") or path.endswith("/Sid"),
        )
    except TextPatchError as exc:
        return editor_input, f"The fix could not be applied: {exc}."
    return from_json_text(fixed, editor_input.state), done


def _fields(request: HttpRequest) -> MultiValueMapping:
    """The form's fields, read once per request: urlencoded, or JSON from editor.js."""
    fields: MultiValueMapping | None = getattr(request, "_editor_fields", None)
    if fields is None:
        fields = posted_form(request) if request.method == "POST" else request.GET
        request._editor_fields = fields  # type: ignore[attr-defined]
    return fields


def _refused(exc: FormBodyError) -> HttpResponse:
    return HttpResponse(exc.message, status=exc.status, content_type="text/plain; charset=utf-8")


def _render(
    request: HttpRequest,
    catalog: Catalog,
    editor_input: EditorInput,
    *,
    full: bool = False,
    partial: str = "",
    message: str = "",
    saved: SavedRef | None = None,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    context = _context(request, catalog, editor_input, message)
    context.update(extra or {})
    if full:
        # the saved policy the text belongs to: given when opened, else named by the form
        context["saved"] = saved or _saved_from_form(request)
    return _respond(request, TEMPLATE if full else f"{TEMPLATE}#response-{partial}", context)


def _respond(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """Render as UTF-8; a lone surrogate from a JSON escape is shown as its escape."""
    text = render_to_string(template, context, request)
    return HttpResponse(text.encode("utf-8", "backslashreplace"))


def _context(
    request: HttpRequest, catalog: Catalog, editor_input: EditorInput, message: str
) -> dict[str, Any]:
    state = editor_input.state
    data = _fields(request)
    asked = read_panel(data, catalog)
    analysis = analyze_policy(
        editor_input.engine_source,
        catalog,
        state.profile,
        asked.context,
        full_access=asked.full_access,
    )
    form_shown = not editor_input.form_problem
    slots = ctx.findings_by_slot(analysis, state if form_shown else None)
    slot_ids = ctx.slot_ids(state) if form_shown else ["f-policy"]
    wanted = str(data.get("preview_filter", "all"))
    rows = ctx.preview_rows(analysis, wanted)
    feedback = ctx.match_feedback(state, catalog)
    urls = editor_html.Urls(editor=reverse("editor:editor"), checks=reverse("checks"))
    contents = editor_html.slot_contents(slots, urls)
    # What the page already shows (sent by htmx requests only): what is the same is not sent.
    htmx = bool(getattr(request, "htmx", False))
    shown = editor_html.read_shown(str(data.get("filled_slots", ""))) if htmx else {}
    filter_shown = wanted if wanted in ctx.FILTERS else "all"
    empty = f"No API is {filter_shown.replace('_', ' ')}." if filter_shown != "all" else ""
    table = ctx.preview_table(tuple(rows), empty or "No API to show.")
    # Only the answers that redraw the form need its statements worked out.
    statements = _Lazy(lambda: ctx.statement_views(state, catalog) if form_shown else [])
    return {
        "nav": "editor",
        # Reversed once here: the template names them on every finding and button.
        "editor_url": urls.editor,
        "checks_url": urls.checks,
        "urls": urls,
        "state": state,
        "editor": editor_input,
        "statements": statements,
        "analysis": analysis,
        "slots": slots,
        "slot_contents": contents,
        "filled_slots": " ".join(
            [editor_html.shown_marks(contents), *sorted(k for k, v in feedback.items() if v)]
        ).strip(),
        "slots_to_send": editor_html.slots_to_send(slot_ids, contents, shown),
        "match_feedback": feedback,
        "feedback_to_send": {k: v for k, v in feedback.items() if v or shown is None or k in shown},
        "rules": ctx.profile_rules(state.profile),
        "profiles": [
            ("scp", "SCP (current console rules)"),
            ("scp-2024", "SCP (rules of 2024-05)"),
            ("identity", "IAM identity policy"),
        ],
        "filters": ctx.FILTERS,
        "draft_fields": DRAFT_FIELDS,
        "preview_filter": filter_shown,
        "preview_table": table,
        "preview_kept": htmx and str(data.get("preview_digest", "")) == table.digest,
        "context_values": asked.values,
        "context_problems": asked.problems,
        "full_access": asked.full_access,
        "regions": catalog.regions,
        "message": message,
        "statement_spans": _statement_spans(analysis),
        "ids": ids,
        "page_ids_json": PAGE_IDS_JSON,
    }


def _statement_spans(analysis: Any) -> dict[int, tuple[int, int]]:
    spans = {}
    for s in analysis.validation.policy.statements:
        if s.node is not None:
            spans[s.index] = (s.node.start, s.node.end)
    return spans


@require_POST
def export(request: HtmxHttpRequest) -> HttpResponse:
    """Download the policy as JSON (pretty or minified) or as a Terraform file."""
    try:
        data = _fields(request)
    except FormBodyError as exc:
        return _refused(exc)
    editor_input = read_editor(data)
    value, problem = document_for_export(editor_input)
    if value is None:
        if request.htmx:
            return HttpResponse(escape(problem), status=400)
        catalog = catalog_snapshot()
        response = _render(request, catalog, editor_input, full=True, message=problem)
        response.status_code = 400
        return response
    kind = str(data.get("op", "download-pretty"))
    name = slug(editor_input.state.name)
    if kind == "show-terraform":
        snippet = terraform_snippet(
            value, name=editor_input.state.name, description=editor_input.state.description
        )
        return HttpResponse(escape(snippet).encode("utf-8", "backslashreplace"))
    if kind == "download-terraform":
        body = terraform_snippet(
            value, name=editor_input.state.name, description=editor_input.state.description
        )
        filename, content_type = f"{name}.tf", "text/plain; charset=utf-8"
    elif kind == "download-minified":
        body = export_text(value, minified=True)
        filename, content_type = f"{name}.json", "application/json"
    else:
        # the JSON text is the document: downloaded exactly as shown and copied
        body = escape_surrogates(editor_input.json_text)
        filename, content_type = f"{name}.json", "application/json"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_POST
def import_policy(request: HtmxHttpRequest) -> HttpResponse:
    """Start editing from pasted JSON or an uploaded file; anything that is no policy is
    refused with a sentence and the draft stays as it was (see `importing`)."""
    try:
        _fields(request)  # a form with a file; anything else gets a sentence, not a 500
    except FormBodyError as exc:
        return _refused(exc)
    catalog = catalog_snapshot()
    imported = read_import(request.POST.get("import_text", ""), request.FILES.get("import_file"))
    profile = str(request.POST.get("profile", "scp"))
    if imported.text is None:
        return _kept_draft(request, catalog, imported, profile)
    name = imported.name or str(request.POST.get("name", ""))[:200]
    editor_input = from_json_text(
        imported.text, EditorState(name=name, profile=profile if profile in PROFILES else "scp")
    )
    message = "Imported." if not editor_input.form_problem else ""
    return _render(request, catalog, editor_input, full=True, message=message)


def _kept_draft(
    request: HtmxHttpRequest, catalog: Catalog, imported: Imported, profile: str
) -> HttpResponse:
    """The page as it was before the refused import: the draft, its name and its saved
    policy as the import form carried them, the refusal said, the pasted text kept."""
    kept = {f: str(request.POST.get(f"draft_{f}", "")) for f in DRAFT_FIELDS}
    meta = EditorState(
        name=kept["name"][:200],
        description=kept["description"][:600],
        profile=profile if profile in PROFILES else "scp",
    )
    text = textarea_text(kept["json"])
    editor_input = from_json_text(text, meta) if text.strip() else from_form_state(meta)
    try:
        saved = saved_ref(request, kept["saved_policy"], kept["base_version"])
    except (Http404, PermissionDenied):
        saved = None
    shown_again = {"import_text": imported.pasted, "import_open": True}
    response = _render(
        request,
        catalog,
        editor_input,
        full=True,
        message=imported.refused,
        saved=saved,
        extra=shown_again,
    )
    response.status_code = 400
    return response


class _Lazy:
    """A value worked out on first use; templates call it like any callable."""

    def __init__(self, make: Any) -> None:
        self._make = make
        self._done = False
        self._value: Any = None

    def __call__(self) -> Any:
        if not self._done:
            self._value = self._make()
            self._done = True
        return self._value


# -- Saving --------------------------------------------------------------------------------


def _saved_from_form(request: HttpRequest) -> SavedRef | None:
    """The saved policy the posted form names, if the person may still see it."""
    if request.method != "POST":
        return None
    data = _fields(request)
    try:
        return saved_ref(request, data.get("saved_policy"), data.get("base_version"))
    except (Http404, PermissionDenied):
        return None


@require_POST
def save(request: HtmxHttpRequest) -> HttpResponse:
    """Save the editor's text: a new policy, or a new version of the one it was opened from.

    The text saved is the JSON exactly as shown (with the form's changes written into it).
    Without an account the draft is kept in the session and comes back after logging in; a
    save on top of a version that is no longer the latest is refused with both sides shown.
    Whatever stops a save (a rule, a share revoked or a policy deleted meanwhile, a busy
    database) answers with the person's text and the reason: typed work is never lost.
    """
    try:
        data = _fields(request)
    except FormBodyError as exc:
        return _refused(exc)
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
    data = _fields(request)
    state = editor_input.state
    saved = _saved_from_form(request)
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
    context = _context(request, catalog, editor_input, message)
    context["saved"] = saved
    response = _respond(request, TEMPLATE, context)
    response.status_code = status
    return response


def _not_saved(request: HttpRequest, fields: dict[str, str], exc: DatabaseError) -> HttpResponse:
    """The database did not answer: the text and why, in a page that needs no query (the
    policy the text belongs to is kept in its form, for the editor to reopen it with)."""
    message = f"Not saved: {database_problem(exc)} Your text is below, as you left it."
    response = _respond(request, "editor/not_saved.html", {"message": message, "draft": fields})
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
    response = _respond(request, "policies/conflict.html", context)
    response.status_code = 409
    return response


@require_POST
def draft(request: HtmxHttpRequest) -> HttpResponse:
    """Reopen a posted text (the conflict page's "reopen my text") in the editor, exactly
    as it was typed, on top of the version it names."""
    try:
        data = _fields(request)
    except FormBodyError as exc:
        return _refused(exc)
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
    return _render(
        request, catalog_snapshot(), editor_input, full=True, message=message, saved=saved
    )


@require_POST
def compare_draft(request: HtmxHttpRequest) -> HttpResponse:
    """The editor's text against the version it was opened from, under the preview's
    context and FullAccess setting: what it newly allows and denies, with a witness
    request for each API, and the lines that changed. The page's context panel posts the
    draft here again."""
    try:
        data = _fields(request)
    except FormBodyError as exc:
        return _refused(exc)
    catalog = catalog_snapshot()
    editor_input = read_editor(data)
    saved = _saved_from_form(request)
    if saved is None:
        message = "This text is not a saved policy yet: save it first, then compare its versions."
        response = _render(request, catalog, editor_input, full=True, message=message)
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
        response = _render(request, catalog, editor_input, full=True, message=exc.message)
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
