"""The answers to keystrokes, written in Python rather than in the template.

A keystroke in the form and one in the JSON view each get an answer made of parts that are
already written in Python (the analysis region, the finding slots, a changed statement): put
together through Django's template engine, with its context processors and partial lookups,
they cost about as much again as the parts themselves. The JSON view's text box is written
here alone: the template's `json_text` partial calls `json_textarea` too. Every value from
the policy or the request is escaped on the way in.
"""

from __future__ import annotations

from html import escape
from typing import Any

from django.utils.safestring import SafeString, mark_safe

from scpstudio.editor import html as editor_html
from scpstudio.editor import ids
from scpstudio.editor.html_analysis import analysis_region
from scpstudio.editor.html_statement import statement_block


def json_textarea(context: Any) -> SafeString:
    """The JSON view's text box holding the policy's text, as typed."""
    saved = context.get("saved")
    readonly = "readonly" if saved is not None and getattr(saved, "readonly_version", None) else ""
    oob = 'hx-swap-oob="true"' if context.get("oob") else ""
    text = escape(str(context["editor"].json_text))
    return mark_safe(  # noqa: S308  # the text is escaped
        f'<textarea id="{ids.JSON}" name="json" {readonly} class="json-live" rows="18" '
        'spellcheck="false" aria-labelledby="json-title" aria-describedby="json-hint"\n'
        f"                  {oob}>\n{text}</textarea>"
    )


def _json_text(context: dict[str, Any]) -> str:
    """The template's `json_text` partial, swapped in by its id."""
    return f"\n        {json_textarea({**context, 'oob': True})}\n"


def _slots(context: dict[str, Any], slot_ids: list[str]) -> str:
    contents = context["slot_contents"]
    return "".join(editor_html.slot(sid, contents.get(sid), oob=True) for sid in slot_ids)


def check_answer(context: dict[str, Any]) -> str:
    """A keystroke in the form: the analysis, the headings of the statements whose Sid
    was typed in, the JSON the change was written into (when the form leads), the finding
    slots and the match feedback that changed."""
    parts = [analysis_region(context), context.get("headings_to_send", "")]
    if context["editor"].source == "form":
        parts.append(_json_text(context))
    parts.append(_slots(context, context["slots_to_send"]))
    parts += [
        f'<p class="match" id="{escape(mid)}" aria-live="polite" hx-swap-oob="true">'
        f"{escape(text)}</p>"
        for mid, text in context["feedback_to_send"].items()
    ]
    return "".join(parts)


def json_statements_answer(context: dict[str, Any]) -> str:
    """A keystroke in the JSON view: the analysis, the statements it changed in the form,
    the JSON when the form's changes were carried into it, and the other slots."""
    parts = [analysis_region(context)]
    swapped = {**context, "oob": True}
    parts += [statement_block(st, swapped) for st in context["changed_statements"]]
    if context["editor"].carried:
        parts.append(_json_text(context))
    parts.append(_slots(context, context["unchanged_slot_ids"]))
    return "".join(parts)
