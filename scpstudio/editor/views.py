"""The editor: one page, one form. Typing sends `op=check` and gets the findings
and preview back; buttons send their own `op`; without JavaScript every button
is a plain submit and the whole page comes back."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import reswap, retarget

from catalog.snapshot import catalog_snapshot
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
    textarea_text,
)
from scpstudio.editor.form_body import FormBodyError
from scpstudio.editor.form_state import state_from_form
from scpstudio.editor.html import finding_id
from scpstudio.editor.html_answers import check_answer, json_statements_answer
from scpstudio.editor.html_statement import statement_heading
from scpstudio.editor.importing import DRAFT_FIELDS, Imported, read_import
from scpstudio.editor.ops import apply_structure_op, parse_op, statement_origin
from scpstudio.editor.page import (
    TEMPLATE,
    HtmxHttpRequest,
    page_context,
    posted_fields,
    reads_posted_fields,
    refused,
    render_page,
    respond,
    respond_html,
)
from scpstudio.editor.saved import (
    open_from_query,
    saved_ref,
)
from scpstudio.editor.state import (
    PROFILES,
    EditorState,
    keep_unfinished_rows,
)
from scpstudio.engine.analysis import analyze_policy
from scpstudio.engine.catalog import Catalog
from scpstudio.engine.document import parse_policy, to_minified
from scpstudio.engine.export import escape_surrogates, export_text, slug, terraform_snippet
from scpstudio.engine.text_patch import TextPatchError, patch_text

logger = logging.getLogger(__name__)


@require_http_methods(["GET", "HEAD", "POST"])
@vary_on_headers("HX-Request")
@reads_posted_fields
def editor(request: HtmxHttpRequest) -> HttpResponse:
    catalog = catalog_snapshot()
    if request.method in ("GET", "HEAD"):
        if request.GET.get("policy") and not request.user.is_authenticated:
            # a link to a saved policy: log in first, then come back to it
            return HttpResponseRedirect(f"{reverse('login')}?next={quote(request.get_full_path())}")
        opened = open_from_query(request)
        if opened is None:
            return render_page(request, catalog, from_form_state(EditorState()), full=True)
        editor_input, saved, message = opened
        return render_page(request, catalog, editor_input, full=True, message=message, saved=saved)
    try:
        data = posted_fields(request)
    except FormBodyError as exc:
        return refused(exc)
    op = str(data.get("op", "check"))
    editor_input, message = _apply_op(request, catalog, read_editor(data, op=op), op)
    if not request.htmx:
        return render_page(request, catalog, editor_input, full=True, message=message)
    # Every editor request waits for the one before it (editor.js keeps them in one
    # queue), so each answer redraws only what its own request changed.
    if op == "json":
        return _render_json_edit(request, catalog, editor_input)
    if op == "check":
        named = str(data.get("typed", "")).split(maxsplit=MAX_TYPED)[:MAX_TYPED]
        typed = [_changed_field(request), *named]
        context = page_context(request, catalog, editor_input, message)
        context["headings_to_send"] = _sid_headings(editor_input, typed)
        return respond_html(check_answer(context))
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
    response = render_page(request, catalog, editor_input, partial="structure", message=message)
    return _swap_into(response, f"#{ids.WORKSPACE}")


def _swap_into(response: HttpResponse, target: str) -> HttpResponse:
    """Have htmx put this answer in place of `target`, whichever element asked."""
    return reswap(retarget(response, target), "outerHTML")


MAX_TYPED = 64  # fields named in one request's `typed` that are read


def _sid_headings(editor_input: EditorInput, typed: list[str]) -> SafeString:
    """After keystrokes in statements' Sid fields (`typed`: the fields typed in since the
    last request, as editor.js names them), those statements' headings, which name the
    Sid, redrawn alone; the fields themselves are left alone."""
    statements = editor_input.state.statements
    places = (ids.field_place(field) for field in typed)
    found = sorted({p.statement for p in places if p and p.row is None and p.part == "sid"})
    headings = [
        statement_heading(i, statements[i].sid, oob=True) for i in found if i < len(statements)
    ]
    return mark_safe("".join(headings))  # noqa: S308  # statement_heading escapes


def _changed_field(request: HtmxHttpRequest) -> str:
    """The id of the field whose change asked for this answer (editor.js sends it as
    `changed`; a request htmx sends from the field itself names it in HX-Trigger)."""
    return str(posted_fields(request).get("changed") or request.htmx.trigger or "")


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
        part: str(posted_fields(request).get(f"builder-{part}-{i}-{j}", ""))
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
    posted = editor_input.posted or state_from_form(posted_fields(request))
    context = _changed_statements_context(request, catalog, editor_input, posted, "")
    if context is None:
        return render_page(request, catalog, editor_input, partial="json")
    return respond_html(json_statements_answer(context))


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
    posted = state_from_form(posted_fields(request))
    context = _changed_statements_context(request, catalog, editor_input, posted, message, touched)
    if context is None:
        return None
    response = respond(request, f"{TEMPLATE}#response-statements", context)
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
        or posted_fields(request).get("source") == "json"
        or len(posted.statements) != len(new.statements)
    ):
        return None
    changed = {
        i
        for i, (a, b) in enumerate(zip(posted.statements, new.statements, strict=True))
        if ctx.statement_shown(a, catalog) != ctx.statement_shown(b, catalog)
    }
    changed |= {i for i in touched or () if 0 <= i < len(new.statements)}
    context = page_context(request, catalog, editor_input, message)
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


@require_POST
@reads_posted_fields
def export(request: HtmxHttpRequest) -> HttpResponse:
    """Download the policy as JSON (pretty or minified) or as a Terraform file."""
    try:
        data = posted_fields(request)
    except FormBodyError as exc:
        return refused(exc)
    editor_input = read_editor(data)
    value, problem = document_for_export(editor_input)
    if value is None:
        if request.htmx:
            return HttpResponse(escape(problem), status=400)
        catalog = catalog_snapshot()
        response = render_page(request, catalog, editor_input, full=True, message=problem)
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
@reads_posted_fields
def import_policy(request: HtmxHttpRequest) -> HttpResponse:
    """Start editing from pasted JSON or an uploaded file; anything that is no policy is
    refused with a sentence and the draft stays as it was (see `importing`)."""
    try:
        posted_fields(request)  # a form with a file; anything else gets a sentence, not a 500
    except FormBodyError as exc:
        return refused(exc)
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
    return render_page(request, catalog, editor_input, full=True, message=message)


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
    response = render_page(
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


# -- Saving --------------------------------------------------------------------------------
