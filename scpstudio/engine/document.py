"""JSON text to a tree that remembers where every element was written, and back.

Python's `json` module forgets positions and silently keeps the last of two
duplicate keys; the editor needs both. The C decoder still does the first pass
(it is fast and its error messages are good); a small recursive-descent pass
then builds the positioned tree, decoding strings with the same C scanner.
"""

from __future__ import annotations

import json
import math
import re
from bisect import bisect_right
from functools import partial
from itertools import accumulate
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import Any

from scpstudio.engine.findings import Code, Finding, Position, Span
from scpstudio.engine.json_tree import JsonArray, JsonNode, JsonObject, JsonScalar, Member
from scpstudio.engine.serialize import canonical, to_minified, to_pretty
from scpstudio.engine.statement_memory import (
    StatementPiece,
    known_piece,
    note_layout,
    statement_piece,
)

__all__ = [
    "MAX_DEPTH",
    "JsonArray",
    "JsonNode",
    "JsonObject",
    "JsonScalar",
    "Member",
    "ParseResult",
    "canonical",
    "parse_policy",
    "to_minified",
    "to_pretty",
]

MAX_DEPTH = 64
MAX_NUMBER_LENGTH = 400  # far beyond any policy value; keeps int() and json.dumps within limits

_WHITESPACE = re.compile(r"[ \t\n\r]*")
# one regex call per delimiter: whitespace, the delimiter, whitespace after a comma
_COLON = re.compile(r"[ \t\n\r]*:[ \t\n\r]*")
_OBJECT_NEXT = re.compile(r"[ \t\n\r]*(?:(,)[ \t\n\r]*|(\}))")
_ARRAY_NEXT = re.compile(r"[ \t\n\r]*(?:(,)[ \t\n\r]*|(\]))")
_NONZERO = re.compile(r"[1-9]")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_SCAN_ONCE = json.scanner.make_scanner(json.JSONDecoder())  # type: ignore[attr-defined]


class _NumberOutOfRange(Exception):
    """A number JSON allows but no reader keeps: 1e999 (infinite) or 1e-999 (read as 0)."""

    def __init__(self, raw: str, start: int, end: int) -> None:
        super().__init__(raw)
        self.raw = raw
        self.start = start
        self.end = end

    @property
    def message(self) -> str:
        shown = self.raw if len(self.raw) <= 40 else self.raw[:37] + "..."
        if "e" in self.raw.lower() and self.raw.lower().split("e")[1].startswith("-"):
            return (
                f"The number {shown} is too small to be kept: it would be read as 0. Write 0, "
                "or a number within about 1e-308 to 1.8e308."
            )
        return (
            f"The number {shown} is out of range: it would be read as infinity, which JSON "
            "cannot write back. Numbers in a policy must be within about 1.8e308."
        )


class _SyntaxError(Exception):
    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


class _Parser:
    __slots__ = ("text", "duplicates", "values", "longest", "remember", "statements")

    def __init__(self, text: str, *, remember: bool = False) -> None:
        self.text = text
        self.duplicates = False
        # what the policy's limits count, counted while reading (engine.limits)
        self.values = 0  # nodes made
        self.longest = 0  # characters of the longest string or key
        # Statements are looked up in (and added to) the statement memory; only for text
        # the C decoder read whole, so that where each statement ends is known at once.
        self.remember = remember
        self.statements: tuple[JsonArray, list[StatementPiece | None]] | None = None

    def document(self) -> JsonNode:
        node, pos = self.value(_WHITESPACE.match(self.text, 0).end(), 0)  # type: ignore[union-attr]
        pos = _WHITESPACE.match(self.text, pos).end()  # type: ignore[union-attr]
        if pos != len(self.text):
            raise _SyntaxError("Extra data after the JSON value", pos)
        return node

    def value(self, pos: int, depth: int) -> tuple[JsonNode, int]:
        text = self.text
        if pos >= len(text):
            raise _SyntaxError("Expecting a value", pos)
        self.values += 1
        c = text[pos]
        if c == '"':
            s, end = scanstring(text, pos + 1, True)
            if len(s) > self.longest:
                self.longest = len(s)
            return JsonScalar(s, pos, end), end
        if c == "{":
            return self.object(pos, depth + 1)
        if c == "[":
            return self.array(pos, depth + 1)
        if c == "t" and text.startswith("true", pos):
            return JsonScalar(True, pos, pos + 4), pos + 4
        if c == "f" and text.startswith("false", pos):
            return JsonScalar(False, pos, pos + 5), pos + 5
        if c == "n" and text.startswith("null", pos):
            return JsonScalar(None, pos, pos + 4), pos + 4
        m = _NUMBER.match(text, pos)
        if m is not None and m.end() > pos:
            raw = m.group()
            if len(raw) > MAX_NUMBER_LENGTH:
                raise _SyntaxError(f"A number longer than {MAX_NUMBER_LENGTH} characters", pos)
            number: int | float = float(raw) if m.group(1) or m.group(2) else int(raw)
            if isinstance(number, float) and (
                not math.isfinite(number) or (number == 0 and _NONZERO.search(_mantissa(raw)))
            ):
                raise _NumberOutOfRange(raw, pos, m.end())
            return JsonScalar(number, pos, m.end()), m.end()
        raise _SyntaxError("Expecting a value", pos)

    def object(self, start: int, depth: int) -> tuple[JsonNode, int]:
        if depth > MAX_DEPTH:
            raise _SyntaxError(f"Nested deeper than {MAX_DEPTH} levels", start)
        text = self.text
        members: list[Member] = []
        pos = _skip(text, start + 1)
        if text.startswith("}", pos):
            return JsonObject(members, start, pos + 1), pos + 1
        while True:
            if not text.startswith('"', pos):
                raise _SyntaxError("Expecting a property name in double quotes", pos)
            key, key_end = scanstring(text, pos + 1, True)
            if len(key) > self.longest:
                self.longest = len(key)
            colon = _COLON.match(text, key_end)
            if colon is None:
                raise _SyntaxError("Expecting ':' delimiter", _skip(text, key_end))
            if depth == 1 and key == "Statement" and self.remember:
                node, end = self.statement_array(colon.end(), depth)
            else:
                node, end = self.value(colon.end(), depth)
            members.append(Member(key, node, pos, key_end))
            delimiter = _OBJECT_NEXT.match(text, end)
            if delimiter is None:
                raise _SyntaxError("Expecting ',' delimiter", _skip(text, end))
            if delimiter.group(1) == ",":
                pos = delimiter.end()
                continue
            close = delimiter.end()
            obj = JsonObject(members, start, close)
            if len(obj._index) != len(members):
                self.duplicates = True
            return obj, close

    def array(self, start: int, depth: int) -> tuple[JsonNode, int]:
        if depth > MAX_DEPTH:
            raise _SyntaxError(f"Nested deeper than {MAX_DEPTH} levels", start)
        text = self.text
        items: list[JsonNode] = []
        pos = _skip(text, start + 1)
        if text.startswith("]", pos):
            return JsonArray(items, start, pos + 1), pos + 1
        while True:
            node, end = self.value(pos, depth)
            items.append(node)
            delimiter = _ARRAY_NEXT.match(text, end)
            if delimiter is None:
                raise _SyntaxError("Expecting ',' delimiter", _skip(text, end))
            if delimiter.group(1) == ",":
                pos = delimiter.end()
                continue
            close = delimiter.end()
            return JsonArray(items, start, close), close

    def statement_array(self, pos: int, depth: int) -> tuple[JsonNode, int]:
        """The root's Statement: each object in it is taken from the statement memory
        when its text is kept there, else read and kept."""
        text = self.text
        if not text.startswith("[", pos) or depth + 1 > MAX_DEPTH:
            return self.value(pos, depth)
        self.values += 1
        items: list[JsonNode] = []
        pieces: list[StatementPiece | None] = []
        starts: dict[int, StatementPiece] = {}
        at = _skip(text, pos + 1)
        if not text.startswith("]", at):
            while True:
                if text.startswith("{", at):
                    piece = known_piece(text, at)  # where an earlier text had it
                    if piece is not None:
                        end = at + len(piece.text)
                    else:
                        end = _SCAN_ONCE(text, at)[1]  # the C decoder: where it ends
                        piece = statement_piece(
                            text[at:end], partial(self.piece, at, end, depth + 1)
                        )
                    starts[at] = piece
                    self.values += piece.values
                    self.longest = max(self.longest, piece.longest)
                    self.duplicates = self.duplicates or piece.duplicates
                    items.append(piece.placed(at))
                    pieces.append(piece)
                else:
                    node, end = self.value(at, depth + 1)
                    items.append(node)
                    pieces.append(None)
                delimiter = _ARRAY_NEXT.match(text, end)
                if delimiter is None:
                    raise _SyntaxError("Expecting ',' delimiter", _skip(text, end))
                at = delimiter.end()
                if delimiter.group(1) != ",":
                    break
        else:
            at += 1
        array = JsonArray(items, pos, at)
        self.statements = (array, pieces)
        note_layout(len(text), starts)
        return array, at

    def piece(self, start: int, end: int, depth: int) -> StatementPiece:
        """One statement read for the memory, with what the limits count of it."""
        reader = _Parser(self.text)
        node, stop = reader.value(start, depth)
        if stop != end:
            raise _SyntaxError("Expecting ',' delimiter", stop)  # the C decoder disagrees
        return StatementPiece(
            self.text[start:end], start, node, reader.values, reader.longest, reader.duplicates
        )


def _mantissa(raw: str) -> str:
    return raw.split("e")[0].split("E")[0]


def _skip(text: str, pos: int) -> int:
    return _WHITESPACE.match(text, pos).end()  # type: ignore[union-attr]


class ParseResult:
    """A parsed policy document: the tree (or the syntax error) and the source text."""

    __slots__ = (
        "root",
        "text",
        "error",
        "has_duplicates",
        "_line_starts",
        "_cursor",
        "_python",
        "limit_check",
        "minified_size",
        "values",
        "longest",
        "statements",
    )

    def __init__(
        self,
        root: JsonNode | None,
        text: str | None,
        error: Finding | None = None,
        has_duplicates: bool = False,
    ) -> None:
        self.root = root
        self.text = text
        self.error = error
        self.has_duplicates = has_duplicates
        self._line_starts: list[int] | None = None
        self._cursor = (0, 1, 0)  # the last place asked, its line, and how many were asked
        self._python: Any = _UNSET
        self.limit_check: Any = None  # engine.limits keeps its verdict here, once worked out
        self.minified_size: int | None = None  # and the minified length (limits.minified_size)
        # Counted while reading text (None for a decoded value): the nodes, and the longest
        # string or key, which are what the limits walk the tree for otherwise.
        self.values: int | None = None
        self.longest: int | None = None
        # The root's Statement array and, for each of its items, the statement kept in
        # engine.statement_memory (None for an item that is not an object).
        self.statements: tuple[JsonArray, list[StatementPiece | None]] | None = None

    @property
    def ok(self) -> bool:
        return self.root is not None

    def value(self) -> Any:
        """The decoded value (the last duplicate wins, as with `json.loads`)."""
        if self._python is _UNSET:
            self._python = self._decoded()
        return self._python

    def _decoded(self) -> Any:
        if self.root is None:
            return None
        if self.text is not None:
            try:  # the C decoder reads the text the positioned pass read whole
                return json.loads(self.text, parse_constant=_reject_constant)
            except (ValueError, RecursionError):
                pass
        return self.root.to_python()

    def to_json(self) -> dict[str, Any]:
        """`{"ok", "error" (a finding or null), "value" (the decoded policy or null)}`."""
        return {
            "ok": self.ok,
            "error": self.error.to_json() if self.error else None,
            "value": self.value() if self.ok else None,
        }

    def position(self, offset: int) -> Position:
        starts = self._line_starts
        if starts is None:
            # The first few places asked (a keystroke asks a dozen: where each statement
            # starts, where a new finding is) are counted from the last one asked, most
            # often just before: the newlines are counted once, not listed; past
            # _COUNTED_ASKS, they are listed and looked up.
            text = self.text or ""
            at, line, asks = self._cursor
            if asks < _COUNTED_ASKS:
                if offset >= at:
                    line += text.count("\n", at, offset)
                else:
                    line = 1 + text.count("\n", 0, offset)
                self._cursor = (offset, line, asks + 1)
                return Position(line, offset - text.rfind("\n", 0, offset), offset)
            starts = self._line_starts = _line_starts(text)
        line = bisect_right(starts, offset)
        return Position(line, offset - starts[line - 1] + 1, offset)

    def span(self, start: int, end: int) -> Span | None:
        if self.text is None or start < 0:
            return None
        return Span(self.position(start), self.position(end))

    def span_of(self, node: JsonNode | Member | None) -> Span | None:
        if node is None:
            return None
        return self.span(node.start, node.end)


def without_statements(root: JsonObject, array: JsonArray) -> dict[str, Any]:
    """The decoded document (`root`, no key repeated) with its Statement array (`array`)
    empty: what the limits and the editor read of the text outside the statements."""
    return {m.key: [] if m.value is array else m.value.to_python() for m in root.members}


_UNSET: Any = object()
# Places a parse counts newlines for (ParseResult.position) before it lists them: each
# count reads at most the text, so that many asks read at most that many texts.
_COUNTED_ASKS = 32


def _line_starts(text: str) -> list[int]:
    """The offset where each line starts: 0, then one past each newline."""
    lines = text.split("\n")
    lines.pop()
    return list(accumulate(map(_PLUS_ONE, map(len, lines)), initial=0))


_PLUS_ONE = (1).__add__


def parse_policy(source: Any) -> ParseResult:
    """Parse JSON text, or wrap an already-decoded value; never raises."""
    if isinstance(source, bytes | bytearray):
        source = bytes(source).decode("utf-8", errors="replace")
    if not isinstance(source, str):
        return _from_value(source)
    text = source
    # Most texts are valid JSON: read them once, each statement found by the C decoder and
    # taken from the statement memory. Any problem, and the text is read again the careful
    # way below, so that its message is the C decoder's (or says where the number is).
    parser = _Parser(text, remember=True)
    try:
        root = parser.document()
    except (_SyntaxError, _NumberOutOfRange, ValueError, RecursionError, StopIteration):
        return _parse_checked(text)
    return _parsed(root, text, parser, _UNSET)


def _parse_checked(text: str) -> ParseResult:
    """The text read by the C decoder first, then by the positioned pass, each saying
    what is wrong where."""
    decoded: Any = _UNSET
    try:
        decoded = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        return _syntax_error(text, exc.msg, exc.pos)
    except (ValueError, RecursionError):
        pass  # NaN/Infinity or deep nesting: the positioned pass below says where
    parser = _Parser(text, remember=decoded is not _UNSET)
    try:
        root = parser.document()
    except _SyntaxError as exc:
        return _syntax_error(text, exc.message, exc.offset)
    except json.JSONDecodeError as exc:
        return _syntax_error(text, exc.msg, exc.pos)
    except _NumberOutOfRange as exc:
        result = ParseResult(None, text)
        result.error = Finding(
            Code.NUMBER_OUT_OF_RANGE, exc.message, "", result.span(exc.start, exc.end)
        )
        return result
    return _parsed(root, text, parser, decoded)


def _parsed(root: JsonNode, text: str, parser: _Parser, decoded: Any) -> ParseResult:
    result = ParseResult(root, text, None, parser.duplicates)
    # the C decoder's value is the tree's (the last of duplicate keys wins in both); not
    # decoded yet, it is when first asked for (ParseResult.value)
    result._python = decoded
    result.values = parser.values
    result.longest = parser.longest
    result.statements = parser.statements
    return result


def _reject_constant(name: str) -> Any:
    raise ValueError(name)


def _syntax_error(text: str, message: str, offset: int) -> ParseResult:
    result = ParseResult(None, text)
    offset = max(0, min(offset, len(text)))
    pos = result.position(offset)
    # the C scanner's own messages end in "at" ("Invalid control character at")
    message = message.removesuffix(" at")
    result.error = Finding(
        Code.JSON_SYNTAX_ERROR,
        f"The policy is not valid JSON: {message} at line {pos.line}, column {pos.column}.",
        "",
        Span(pos, result.position(min(offset + 1, len(text)))),
    )
    return result


def _from_value(value: Any) -> ParseResult:
    state = {"duplicates": False}

    def build(v: Any, depth: int) -> JsonNode:
        if isinstance(v, int) and not isinstance(v, bool) and v.bit_length() > 1300:
            raise _SyntaxError(f"A number longer than {MAX_NUMBER_LENGTH} characters", -1)
        if isinstance(v, float) and not math.isfinite(v):
            raise _SyntaxError(f"{v} is not a JSON number: numbers must be finite", -1)
        if v is None or isinstance(v, bool | int | float | str):
            return JsonScalar(v)
        if depth >= MAX_DEPTH:
            raise _SyntaxError(f"Nested deeper than {MAX_DEPTH} levels", -1)
        if isinstance(v, dict):
            members = [Member(str(k), build(item, depth + 1)) for k, item in v.items()]
            obj = JsonObject(members)
            if len(obj._index) != len(members):
                state["duplicates"] = True
            return obj
        if isinstance(v, list | tuple):
            return JsonArray([build(item, depth + 1) for item in v])
        raise _SyntaxError(f"A {type(v).__name__} is not a JSON value", -1)

    try:
        root = build(value, 0)
    except _SyntaxError as exc:
        result = ParseResult(None, None)
        result.error = Finding(
            Code.JSON_SYNTAX_ERROR, f"The policy is not JSON: {exc.message}.", ""
        )
        return result
    return ParseResult(root, None, None, state["duplicates"])
