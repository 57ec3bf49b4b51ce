"""The preview table, written in Python rather than in the template, a row at a time.

A policy naming ten services previews some 460 APIs, and a keystroke that changes what
decides a few of them changed the table: through Django's template engine the whole table
took some 40 ms to draw again. Each row's markup is kept with its view (the views are kept
with the engine's rows, `preview_view._kept_row_view`), so a keystroke draws only the rows it
changed and joins the others. Every value from the policy, the catalog or the context is
escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from hashlib import blake2b
from html import escape
from typing import Any

_HEAD = (
    '<table class="data preview">\n'
    '<thead><tr><th scope="col">API</th><th scope="col">Outcome</th>'
    '<th scope="col">Decided by</th></tr></thead>\n'
    "<tbody>\n"
)
_TAIL = "</tbody>\n</table>"


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def preview_table_html(views: Sequence[Any]) -> str:
    """The table of these rows (`preview_view.PreviewRowView`), in their order."""
    return _HEAD + "".join([view.markup[0] for view in views]) + _TAIL


def preview_table_digest(views: Sequence[Any]) -> str:
    """A fingerprint of `preview_table_html(views)`, made of the rows' own: the same rows
    in the same order give the same one, any other markup another."""
    rows = b"".join([view.markup[1] for view in views])
    return blake2b(rows, digest_size=8, person=b"preview").hexdigest()


def row_markup(view: Any) -> tuple[str, bytes]:
    """A row's markup and its fingerprint, kept with the row's view (`view.markup`)."""
    html = row_html(view)
    return html, blake2b(html.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def row_html(row: Any) -> str:
    """One row of the preview table."""
    outcome = _e(row.outcome)
    api = f"{row.method} {row.path}" if row.path else row.operation_ids
    if row.path:
        where = f'<code><span class="method">{_e(row.method)}</span> {_e(row.path)}</code>'
        if row.operation_ids:
            where += f' <span class="muted operation-id">{_e(row.operation_ids)}</span>'
    else:
        where = (
            f'<code class="operation-id">{_e(row.operation_ids)}</code> '
            '<span class="muted">(operation id; method and path not known)</span>'
        )
    if row.scope_note:
        where += f'\n<div class="note not-governed">{_e(row.scope_note)}</div>'
    for situation, action, link_outcome, label in row.notes:
        where += (
            f'\n<div class="note">Only {_e(situation)}: {_e(action)} is '
            f'<span class="badge outcome-{_e(link_outcome)}">{_e(label)}</span></div>'
        )
    said = f'<span class="badge row-outcome outcome-{outcome}">{_e(row.label)}</span>'
    if row.why:
        said += f'<div class="why">{_e(row.why)}</div>'
    return (
        f'<tr class="outcome-{outcome}" data-api="{_e(api)}">\n'
        f"<td>{where}</td>\n"
        f"<td>{said}</td>\n"
        f"<td>{_decided(row)}</td>\n"
        "</tr>\n"
    )


def _decided(row: Any) -> str:
    if not row.decided_action:
        return '<span class="muted">no statement applies</span>'
    out = f"<code>{_e(row.decided_action)}</code>"
    if row.dependency_of:
        out += f' <span class="muted">(dependency of {_e(row.dependency_of)})</span>'
    if row.statement is not None:
        block = _e(row.block_id)
        out += (
            f'\n<br><a href="#{block}" class="statement-link" data-statement="{row.statement}" '
            f'data-block="{block}">statement {_e(row.statement_label)}</a>'
        )
    elif row.other_policy:
        out += f'\n<br><span class="muted">{_e(row.other_policy)}</span>'
    return out
