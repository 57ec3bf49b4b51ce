"""Decode JSON that a person hands in (a catalog file, a command-line argument) without
letting its shape crash the reader.

Python's `json` raises RecursionError on deep nesting and a bare ValueError on an integer
of more than 4,300 digits. Both are caught where they start: a scan of the text outside its
strings refuses deep nesting and long numbers first, naming the line, and the decoder is
guarded as well.
"""

from __future__ import annotations

import json
import re
from typing import Any

# Outside strings, only brackets and digit runs matter: a string is skipped whole.
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]|\d+')
MAX_DIGITS = 100
# \ud800-\udfff written as an escape, not itself escaped, and not one of a valid pair
_LONE_SURROGATE = re.compile(
    r"(?<!\\)(?:\\\\)*\\u(?:d[89ab][0-9a-f]{2}(?!\\ud[c-f][0-9a-f]{2})"
    r"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2}\\u)d[c-f][0-9a-f]{2})",
    re.IGNORECASE,
)


class JsonTextError(ValueError):
    """JSON text that cannot be read, with a sentence and the line (1-based) it concerns."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def _line_at(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _check_shape(text: str, max_depth: int, depth_hint: str) -> None:
    depth = 0
    for m in _TOKEN.finditer(text):
        token = m.group()
        if token in "[{":
            depth += 1
            if depth > max_depth:
                raise JsonTextError(
                    f"the JSON is nested more than {max_depth} levels deep{depth_hint}",
                    _line_at(text, m.start()),
                )
        elif token in "]}":
            depth -= 1
        elif token[0].isdigit() and len(token) > MAX_DIGITS:
            raise JsonTextError(
                f"the JSON holds a number of {len(token)} digits; numbers here have a few",
                _line_at(text, m.start()),
            )


def _reject_constant(name: str) -> Any:
    raise JsonTextError(f"{name} is not JSON")


def load_json(text: str, *, max_depth: int, depth_hint: str = "") -> Any:
    """The decoded value; raises JsonTextError with a sentence for anything unreadable.

    `depth_hint` ends the sentence about depth, e.g. "; a catalog file needs about 7".
    """
    _check_shape(text, max_depth, depth_hint)
    lone = _LONE_SURROGATE.search(text)
    if lone is not None:
        # an escape of half a character: no page, database or file can hold it
        raise JsonTextError(
            f"the JSON holds {lone.group()}, half of a character (a lone surrogate escape)",
            _line_at(text, lone.start()),
        )
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except JsonTextError:
        raise
    except json.JSONDecodeError as exc:
        raise JsonTextError(f"not valid JSON: {exc.msg} (column {exc.colno})", exc.lineno) from exc
    except RecursionError as exc:  # the scan above should have refused it first
        raise JsonTextError(f"the JSON is nested too deeply{depth_hint}") from exc
    except ValueError as exc:  # e.g. an integer longer than sys.get_int_max_str_digits()
        raise JsonTextError(f"the JSON cannot be read: {exc}") from exc


def json_kind(value: Any) -> str:
    """What a decoded JSON value is, as a sentence says it ("a string", "null")."""
    if value is None:
        return "null"
    return {
        bool: "a boolean",
        int: "a number",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "an object",
    }.get(type(value), type(value).__name__)
