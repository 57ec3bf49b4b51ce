"""The analysis region (findings and preview), written in Python rather than in the template.

Every keystroke redraws this region. Through Django's template engine it was about a sixth
of a keystroke's time; here it is a few string joins. The template's `analysis` partial
calls `analysis_region`, so the whole page and every answer draw it the one same way.
Every value from the policy, the catalog or the request is escaped on the way in.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

from django.utils.safestring import SafeString, mark_safe

from scpstudio.editor import html as editor_html
from scpstudio.editor import ids

# The severities in the order the counts line names them, with their words.
_COUNTED = (
    ("error", "error"),
    ("security_warning", "security warning"),
    ("warning", "warning"),
    ("suggestion", "suggestion"),
)


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _plural(count: int) -> str:
    return "" if count == 1 else "s"


def _counts(counts: dict[str, int]) -> str:
    parts = [
        f'<span class="sev-{code}">{counts[code]} {words}{_plural(counts[code])}</span>'
        for code, words in _COUNTED
    ]
    joined = " ·\n            ".join(parts)
    return f'<p class="counts">\n            {joined}\n          </p>'


def _size(size: Any) -> str:
    minified = size.minified_characters
    shown = minified or size.characters
    if minified is not None:
        said = f"{minified} minified"
    else:
        said = "minified size unknown (the JSON does not parse)"
    return (
        '<div class="size" id="size-meter">\n'
        '            <label for="size-bar">Size</label>\n'
        f'            <meter id="size-bar" min="0" max="{size.limit}" high="{size.limit}" '
        f'value="{shown}"></meter>\n'
        f"            <span>{size.characters} characters as written, {said}, "
        f"of {size.limit} allowed.</span>\n"
        "          </div>"
    )


def _summary(preview: Any) -> str:
    if preview.problem:
        return f'<p class="summary status-error" id="preview-summary">{_e(preview.problem)}</p>'
    s = preview.summary
    return (
        f'<p class="summary" id="preview-summary">{s["denied"]} of {s["apis"]} APIs denied, '
        f"{s['conditional']} conditional, {s['not_allowed']} not allowed, "
        f"{s['allowed']} allowed.</p>"
    )


def _rows(context: Any) -> str:
    # Most keystrokes change no outcome: the page then keeps the table it shows.
    if context.get("preview_kept"):
        return f'<div id="{ids.PREVIEW_ROWS}" hx-preserve="true"></div>'
    table = context["preview_table"]
    return (
        f'<div id="{ids.PREVIEW_ROWS}" data-digest="{_e(table.digest)}">'
        f'<input type="hidden" name="preview_digest" value="{_e(table.digest)}">'
        f"{table.html}</div>"
    )


def _spans_script(spans: dict[int, tuple[int, int]]) -> str:
    """Where each statement's text lies in the JSON, for editor.js: what Django's
    `json_script` writes, without its encoder class and `format_html` (numbers only)."""
    data = json.dumps(spans).translate(_JSON_SCRIPT_ESCAPES)
    return f'<script id="{ids.STATEMENT_SPANS}" type="application/json">{data}</script>'


# as `django.utils.html.json_script` escapes
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def analysis_region(context: Any) -> SafeString:
    """The findings and the preview, as the page and every answer show them."""
    analysis = context["analysis"]
    oob = ' hx-swap-oob="true"' if context.get("oob") else ""
    if analysis.findings:
        findings = (
            '<ol class="findings">\n            '
            f"{editor_html.findings_list(analysis.findings, context['urls'])}\n          </ol>"
        )
    else:
        findings = '<p class="all-clear">No findings: the policy is valid for this profile.</p>'
    problems = context.get("context_problems")
    listed = (
        '<ul class="warn" id="context-problems" role="status">'
        + "".join(f"<li>{_e(p)}</li>" for p in problems)
        + "</ul>"
        if problems
        else ""
    )
    return mark_safe(
        f'      <div id="{ids.ANALYSIS}"{oob}>\n'
        f'        <input type="hidden" name="filled_slots" value="{_e(context["filled_slots"])}">\n'
        '        <section aria-labelledby="findings-title" tabindex="0">\n'
        '          <h2 id="findings-title">Findings</h2>\n'
        f"          {_counts(analysis.counts)}\n"
        f"          {_size(analysis.validation.size)}\n"
        f"          {findings}\n"
        "        </section>\n"
        '        <section aria-labelledby="preview-title" tabindex="0">\n'
        '          <h2 id="preview-title">Preview</h2>\n'
        f"          {_summary(analysis.preview)}\n"
        f"          {_rows(context)}\n"
        f"          {listed}\n"
        "        </section>\n"
        f"        {_spans_script(context['statement_spans'])}\n"
        "      </div>\n"
    )
