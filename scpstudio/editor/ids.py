"""Every id and field name the editor's HTML, its views and editor.js agree on, spelled once.

Templates read them through the parts (`StatementView.prefix`, `.slot`, ...), views through
these functions, and editor.js through the `data-*` attributes the templates write.
"""

from __future__ import annotations

import re
from typing import NamedTuple

FORM = "editor"  # the form every editor request is sent from
WORKSPACE = "workspace"  # the statements: redrawn by buttons and by JSON edits
ANALYSIS = "analysis"  # findings, size and preview: redrawn by every answer
JSON = "json"  # the JSON view
MESSAGE = "editor-message"  # what a button did
STATUS = "editor-status"  # why a request failed
POLICY_SLOT = "f-policy"  # findings about the whole policy


def field_prefix(statement: int) -> str:
    """`s3-`: the start of every field name of statement 3 (`s3-sid`, `s3-c0-key`)."""
    return f"s{statement}-"


def condition_prefix(statement: int, row: int) -> str:
    return f"s{statement}-c{row}-"


def statement_block(statement: int) -> str:
    return f"statement-{statement}"


def statement_slot(statement: int, part: str = "") -> str:
    """Where findings about a statement (or one of its parts: sid, effect, ...) are shown."""
    return f"f-s{statement}-{part}" if part else f"f-s{statement}"


def condition_slot(statement: int, row: int) -> str:
    return f"f-s{statement}-c{row}"


def match_feedback(statement: int) -> str:
    return f"m-s{statement}"


def picker(statement: int) -> str:
    return f"picker-{statement}"


# How a field id names its place, read here alone: `s3-sid`, `s3-c0-key`, `picker-3`. A place
# is at most six digits, never a number past what int() reads.
_FIELD = re.compile(r"picker-(\d{1,6})|s(\d{1,6})-(?:c(\d{1,6})-)?(.*)", re.DOTALL)


class FieldPlace(NamedTuple):
    statement: int
    row: int | None  # the condition row, for a condition's field
    part: str  # `sid`, `key`, ...; empty for a picker


def field_place(field_id: str | None) -> FieldPlace | None:
    """`s3-c0-key` -> (3, 0, "key"), `s3-sid` -> (3, None, "sid"), `s3-a-ims:images:get` ->
    (3, None, "a-ims:images:get"), `picker-3` -> (3, None, ""); None for anything else."""
    m = _FIELD.fullmatch(field_id or "")
    if m is None:
        return None
    picker_at, statement, row, part = m.groups()
    if picker_at is not None:
        return FieldPlace(int(picker_at), None, "")
    return FieldPlace(int(statement), int(row) if row is not None else None, part)


def statement_of_field(field_id: str | None) -> int | None:
    """`s3-service`, `s3-c0-key`, `picker-3` -> 3; None for fields outside statements."""
    place = field_place(field_id)
    return place.statement if place else None


# -- The page's fixed parts, and the buttons ---------------------------------------------

PROFILE = "profile"  # the rule profile select: the import form takes its value
PREVIEW_ROWS = "preview-rows"  # the preview table, kept when its digest has not changed
STATEMENT_SPANS = "statement-spans"  # where each statement's text lies in the JSON
REGIONS = "known-regions"  # the catalog's regions, offered by every URN builder's region field


def page_ids() -> dict[str, str]:
    """The ids editor.js and workspace.js look up, written on the form as `data-ids`."""
    return {
        "form": FORM,
        "workspace": WORKSPACE,
        "analysis": ANALYSIS,
        "json": JSON,
        "message": MESSAGE,
        "status": STATUS,
        "profile": PROFILE,
        "previewRows": PREVIEW_ROWS,
        "statementSpans": STATEMENT_SPANS,
    }


def button(op: str) -> str:
    """`op-up-2`: the id of the button that sends `op`."""
    return f"op-{op}"


def add_condition_button(statement: int) -> str:
    return button(f"add-condition-{statement}")


def focus_after_move(statement: int, direction: str) -> str:
    """Where the focus goes once statement `statement` has moved `direction` ("up"/"down"):
    the same button of the statement where it now is, or its other one at an end."""
    to = statement - 1 if direction == "up" else statement + 1
    other = "down" if direction == "up" else "up"
    return f"{button(f'{direction}-{to}')} {button(f'{other}-{to}')}"


def focus_after_remove_condition(statement: int) -> str:
    return add_condition_button(statement)


def focus_after_add_condition(statement: int, rows: int) -> str:
    """The key field of the row "Add condition" makes (row number `rows`), else the button."""
    return f"{condition_prefix(statement, rows)}key {add_condition_button(statement)}"


# A fix, a choice and "minify" remove their own button: the message saying what was done
# takes the focus.
FOCUS_AFTER_FIX = MESSAGE
