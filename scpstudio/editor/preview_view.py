"""The preview table as the editor shows it: a view of each of the engine's rows, worked
out once per row, the table of them in its order, and the table's fingerprint.

The engine hands back the same row objects while the decisions they show hold, so a
keystroke works out again only the rows it changed (`_kept_row_view`), and each row's
markup is written once, with its view (`PreviewRowView.markup`, `html_preview`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from operator import itemgetter
from typing import Any

from django.utils.html import escape

from scpstudio.editor import html as editor_html
from scpstudio.editor import ids
from scpstudio.editor.context import FILTERS
from scpstudio.editor.html_preview import preview_table_digest, preview_table_html, row_markup
from scpstudio.engine.analysis import Analysis
from scpstudio.engine.kept_by_id import keep_with, kept_with

_OUTCOME_RANK = {"denied": 0, "conditional": 1, "not_allowed": 2, "allowed": 3}
OUTCOME_LABELS = {
    "allowed": "Allowed",
    "denied": "Denied",
    "not_allowed": "Not allowed",
    "conditional": "Conditional",
}


@dataclass(frozen=True)
class PreviewRowView:
    """One preview row as the table prints it, worked out once in Python."""

    method: str
    path: str
    outcome: str
    why: str
    decided_action: str
    dependency_of: str
    statement: int | None
    statement_label: str
    other_policy: str
    notes: tuple[tuple[str, str, str, str], ...]  # (situation, action, outcome, label)
    # IAM's operation ids of the API ("ListServers"); the only name of an API without a path
    operation_ids: str = ""
    # Set when SCPs do not govern the API's service: the sentence saying the SCP has no effect
    scope_note: str = ""

    @property
    def label(self) -> str:
        return OUTCOME_LABELS.get(self.outcome, self.outcome)

    @property
    def block_id(self) -> str:
        return ids.statement_block(self.statement) if self.statement is not None else ""

    @cached_property
    def markup(self) -> tuple[str, bytes]:
        """The row's markup and its fingerprint (`html_preview`), written once per view."""
        return row_markup(self)


def _row_view(row: Any) -> PreviewRowView:
    d = row.decided_by
    dependency_of = ""
    statement: int | None = None
    label = other = ""
    if d is not None:
        for a in row.actions:
            if a.action == d.action and a.dependency_of:
                dependency_of = a.dependency_of
                break
        if d.statement is not None and d.policy != "FullAccess":
            statement = d.statement
            label = f"“{d.sid}”" if d.sid else f"#{d.statement + 1}"
        else:
            other = d.policy or ""
    why = ""
    if row.outcome.value == "conditional" and row.deciding is not None:
        why = "; ".join(row.deciding.conditions)
    notes = tuple(
        (
            link.note.removeprefix("required only ").strip(),
            link.action,
            link.outcome.value,
            OUTCOME_LABELS.get(link.outcome.value, link.outcome.value),
        )
        for link in row.conditional_links
    )
    return PreviewRowView(
        method=row.method,
        path=row.path,
        outcome=row.outcome.value,
        why=why,
        decided_action=d.action if d is not None else "",
        dependency_of=dependency_of,
        statement=statement,
        statement_label=label,
        other_policy=other,
        notes=notes,
        operation_ids=", ".join(row.operation_ids),
        scope_note=row.note,
    )


@dataclass(frozen=True)
class PreviewTable:
    """The preview table: its rows, and the fingerprint of its markup, which the page sends
    back so that an answer leaves out a table it already shows. The markup itself is
    written only for an answer that sends it."""

    rows: tuple[PreviewRowView, ...]
    empty: str  # what the table says when it has no row
    digest: str

    @cached_property
    def html(self) -> str:
        """The table's markup (`html_preview`: each row's markup kept with its view)."""
        if not self.rows:
            return _empty_html(self.empty)
        return preview_table_html(self.rows)


def _empty_html(empty: str) -> str:
    return f'<p class="empty">{escape(empty)}</p>'


def preview_table(rows: Sequence[PreviewRowView], empty: str) -> PreviewTable:
    """The table of these rows; its fingerprint is made of its rows' (each kept with the
    row's markup), so that a keystroke hashes a few bytes a row, not the whole table."""
    digest = preview_table_digest(rows) if rows else editor_html.digest(_empty_html(empty))
    return PreviewTable(tuple(rows), empty, digest)


def preview_shown(analysis: Analysis, wanted: str, empty: str) -> PreviewTable:
    """The table the page shows of the analysis' preview (`preview_rows`, `preview_table`).

    The engine hands back the same row objects while the decisions they show hold, and
    most keystrokes change none: the table made of the very same rows is made once."""
    apis = tuple(analysis.preview.apis)
    key = (tuple(map(id, apis)), wanted, empty)
    found = _TABLES.get(key)
    # the rows are kept with their table, so that their ids name no other rows meanwhile
    if found is not None and found[0] == apis:
        table: PreviewTable = found[1]
        return table
    table = preview_table(preview_rows(analysis, wanted), empty)
    if len(_TABLES) >= 64:
        _TABLES.clear()
    _TABLES[key] = (apis, table)
    return table


_TABLES: dict[tuple[Any, ...], tuple[tuple[Any, ...], PreviewTable]] = {}


def preview_rows(analysis: Analysis, wanted: str) -> list[PreviewRowView]:
    """Rows to show, what the policy blocks first, then by path."""
    apis = analysis.preview.apis
    keep = len(apis) <= MAX_KEPT_VIEWS
    shown = sorted((_kept_row_view(r, keep) for r in apis), key=itemgetter(0))
    if wanted in FILTERS and wanted != "all":
        return [view for _, view in shown if view.outcome == wanted]
    return [view for _, view in shown]


# Each row's view (and its place in the table) is kept with the engine's row it shows. The
# engine hands back the same row object while the decisions it was made of hold
# (engine.preview's row memo), so after an edit only the rows it changed are worked out
# again: a policy naming ten services of a large catalog has ~470 rows. Only for a preview
# of at most MAX_KEPT_VIEWS rows (the engine keeps the rows of many previews: the views of
# a whole catalog's rows would be kept with each of them).
_FACE = "editor.row_view"
MAX_KEPT_VIEWS = 4_096


def _kept_row_view(row: Any, keep: bool) -> tuple[tuple[Any, ...], PreviewRowView]:
    kept: tuple[tuple[Any, ...], PreviewRowView] | None = kept_with(row, _FACE)
    if kept is not None:
        return kept
    order = (_OUTCOME_RANK.get(row.outcome.value, 4), row.path, row.method, row.operation_ids)
    found = (order, _row_view(row))
    if keep:
        keep_with(row, _FACE, found)
    return found
