"""Every id and field name the editor's HTML, its views and editor.js agree on, spelled once.

Templates read them through the parts (`StatementView.prefix`, `.slot`, ...), views through
these functions, and editor.js through the `data-*` attributes the templates write.
"""

from __future__ import annotations

import re

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


_FIELD_STATEMENT = re.compile(r"^(?:picker-|s)(\d{1,4})(?:-|$)")


def statement_of_field(field_id: str | None) -> int | None:
    """`s3-service`, `s3-c0-key`, `picker-3` -> 3; None for fields outside statements."""
    m = _FIELD_STATEMENT.match(field_id or "")
    return int(m.group(1)) if m else None
