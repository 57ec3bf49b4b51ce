"""The editor page as every editor view answers it: the posted fields read, the page (or
one of its parts) rendered with the person's text, a refusal said in a sentence."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import lru_cache, wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse
from django_htmx.middleware import HtmxDetails

from scpstudio.editor import context as ctx
from scpstudio.editor import html as editor_html
from scpstudio.editor import ids
from scpstudio.editor.document_io import (
    EditorInput,
)
from scpstudio.editor.form_body import FormBodyError, posted_form
from scpstudio.editor.importing import DRAFT_FIELDS
from scpstudio.editor.preview_view import preview_shown
from scpstudio.editor.saved import (
    SavedRef,
    saved_ref,
)
from scpstudio.editor.state import (
    MultiValueMapping,
)
from scpstudio.engine.analysis import analyze_policy
from scpstudio.engine.catalog import Catalog
from scpstudio.policies.request_context import read_panel

PAGE_IDS_JSON = json.dumps(ids.page_ids())

TEMPLATE = "editor/editor.html"


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def posted_fields(request: HttpRequest) -> MultiValueMapping:
    """The form's fields, read once per request: urlencoded, or JSON from editor.js.
    (Kept on the request until the view that reads them answers: `reads_posted_fields`.)"""
    fields: MultiValueMapping | None = getattr(request, _FIELDS, None)
    if fields is None:
        fields = posted_form(request) if request.method == "POST" else request.GET
        setattr(request, _FIELDS, fields)
    return fields


_FIELDS = "_editor_fields"


def reads_posted_fields(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A view that reads `posted_fields`: they are dropped from the request when it has
    answered. A Django request is in a reference cycle (its message storage refers back to
    it), so what hangs on it is freed only by the garbage collector's passes, and the
    300-odd lists of a large form's fields, left there after every keystroke, were most of
    what those passes had to walk."""

    @wraps(view)
    def reading(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        finally:
            request.__dict__.pop(_FIELDS, None)

    return reading


def refused(exc: FormBodyError) -> HttpResponse:
    return HttpResponse(exc.message, status=exc.status, content_type="text/plain; charset=utf-8")


def render_page(
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
    context = page_context(request, catalog, editor_input, message)
    context.update(extra or {})
    if full:
        # the saved policy the text belongs to: given when opened, else named by the form
        context["saved"] = saved or saved_from_form(request)
    return respond(request, TEMPLATE if full else f"{TEMPLATE}#response-{partial}", context)


def respond(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """Render as UTF-8; a lone surrogate from a JSON escape is shown as its escape."""
    return respond_html(render_to_string(template, context, request))


def respond_html(text: str) -> HttpResponse:
    """An answer written in Python (`html_answers`), sent as `respond` sends a template's."""
    return HttpResponse(text.encode("utf-8", "backslashreplace"))


def page_context(
    request: HttpRequest, catalog: Catalog, editor_input: EditorInput, message: str
) -> dict[str, Any]:
    state = editor_input.state
    data = posted_fields(request)
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
    places = ctx.slot_places(state) if form_shown else {ids.POLICY_SLOT: 0}
    wanted = str(data.get("preview_filter", "all"))
    feedback = ctx.match_feedback(state, catalog)
    urls = _urls(get_script_prefix(), get_urlconf(settings.ROOT_URLCONF))
    contents = editor_html.slot_contents(slots, urls)
    # What the page already shows (sent by htmx requests only): what is the same is not sent.
    htmx = bool(getattr(request, "htmx", False))
    shown = editor_html.read_shown(str(data.get("filled_slots", ""))) if htmx else {}
    filter_shown = wanted if wanted in ctx.FILTERS else "all"
    empty = f"No API is {filter_shown.replace('_', ' ')}." if filter_shown != "all" else ""
    table = preview_shown(analysis, wanted, empty or "No API to show.")
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
        "slots_to_send": editor_html.slots_to_send(places, contents, shown),
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


@lru_cache(maxsize=16)
def _urls(prefix: str, urlconf: Any) -> editor_html.Urls:
    """Where the page's buttons post and its checks link to: reversed once per script
    prefix and URLconf (reversing is a good part of an answer's work otherwise)."""
    return editor_html.Urls(
        editor=reverse("editor:editor", urlconf=urlconf), checks=reverse("checks", urlconf=urlconf)
    )


def _statement_spans(analysis: Any) -> dict[int, tuple[int, int]]:
    spans = {}
    for s in analysis.validation.policy.statements:
        if s.node is not None:
            spans[s.index] = (s.node.start, s.node.end)
    return spans


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


def saved_from_form(request: HttpRequest) -> SavedRef | None:
    """The saved policy the posted form names, if the person may still see it."""
    if request.method != "POST":
        return None
    data = posted_fields(request)
    try:
        return saved_ref(request, data.get("saved_policy"), data.get("base_version"))
    except (Http404, PermissionDenied):
        return None
