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
from collections.abc import Iterator
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import Any

from scpstudio.engine.findings import Code, Finding, Position, Span
from scpstudio.engine.serialize import canonical, to_minified, to_pretty

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
    "pretty_parsed",
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

Scalar = str | int | float | bool | None


class JsonNode:
    """A JSON value with its source offsets (`start`, `end` are -1 for decoded input)."""

    __slots__ = ("start", "end")

    def __init__(self, start: int, end: int) -> None:
        self.start = start
        self.end = end

    def to_python(self) -> Any:
        raise NotImplementedError

    @property
    def type_name(self) -> str:
        raise NotImplementedError


class JsonScalar(JsonNode):
    __slots__ = ("value",)

    def __init__(self, value: Scalar, start: int = -1, end: int = -1) -> None:
        self.start = start  # set directly: this runs for every scalar of every keystroke
        self.end = end
        self.value = value

    def to_python(self) -> Any:
        return self.value

    @property
    def type_name(self) -> str:
        v = self.value
        if v is None:
            return "null"
        if isinstance(v, bool):
            return "boolean"
        if isinstance(v, str):
            return "string"
        return "number"


class JsonArray(JsonNode):
    __slots__ = ("items",)

    def __init__(self, items: list[JsonNode], start: int = -1, end: int = -1) -> None:
        self.start = start
        self.end = end
        self.items = items

    def to_python(self) -> Any:
        return [item.to_python() for item in self.items]

    @property
    def type_name(self) -> str:
        return "array"


class Member:
    """One `"key": value` pair of an object."""

    __slots__ = ("key", "start", "end", "value")

    def __init__(self, key: str, value: JsonNode, start: int = -1, end: int = -1) -> None:
        self.key = key
        self.value = value
        self.start = start
        self.end = end


class JsonObject(JsonNode):
    __slots__ = ("members", "_index")

    def __init__(self, members: list[Member], start: int = -1, end: int = -1) -> None:
        self.start = start
        self.end = end
        self.members = members
        self._index: dict[str, Member] = {m.key: m for m in members}

    def get(self, key: str) -> Member | None:
        """The member of that exact name; the last one when the key is duplicated."""
        return self._index.get(key)

    def duplicates(self) -> Iterator[Member]:
        """Every member whose key an earlier member already used."""
        if len(self._index) == len(self.members):
            return
        seen: set[str] = set()
        for m in self.members:
            if m.key in seen:
                yield m
            seen.add(m.key)

    def to_python(self) -> Any:
        return {m.key: m.value.to_python() for m in self.members}

    @property
    def type_name(self) -> str:
        return "object"


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
    __slots__ = ("text", "duplicates")

    def __init__(self, text: str) -> None:
        self.text = text
        self.duplicates = False

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
        c = text[pos]
        if c == '"':
            s, end = scanstring(text, pos + 1, True)
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
            colon = _COLON.match(text, key_end)
            if colon is None:
                raise _SyntaxError("Expecting ':' delimiter", _skip(text, key_end))
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
        "_python",
        "limit_check",
        "minified_size",
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
        self._python: Any = _UNSET
        self.limit_check: Any = None  # engine.limits keeps its verdict here, once worked out
        self.minified_size: int | None = None  # and the minified length (limits.minified_size)

    @property
    def ok(self) -> bool:
        return self.root is not None

    def value(self) -> Any:
        """The decoded value (the last duplicate wins, as with `json.loads`)."""
        if self._python is _UNSET:
            self._python = self.root.to_python() if self.root is not None else None
        return self._python

    def to_json(self) -> dict[str, Any]:
        """`{"ok", "error" (a finding or null), "value" (the decoded policy or null)}`."""
        return {
            "ok": self.ok,
            "error": self.error.to_json() if self.error else None,
            "value": self.value() if self.ok else None,
        }

    def position(self, offset: int) -> Position:
        if self._line_starts is None:
            text = self.text or ""
            starts = [0]
            find = text.find
            i = find("\n")
            while i != -1:
                starts.append(i + 1)
                i = find("\n", i + 1)
            self._line_starts = starts
        line = bisect_right(self._line_starts, offset)
        return Position(line, offset - self._line_starts[line - 1] + 1, offset)

    def span(self, start: int, end: int) -> Span | None:
        if self.text is None or start < 0:
            return None
        return Span(self.position(start), self.position(end))

    def span_of(self, node: JsonNode | Member | None) -> Span | None:
        if node is None:
            return None
        return self.span(node.start, node.end)


_UNSET: Any = object()


def parse_policy(source: Any) -> ParseResult:
    """Parse JSON text, or wrap an already-decoded value; never raises."""
    if isinstance(source, bytes | bytearray):
        source = bytes(source).decode("utf-8", errors="replace")
    if not isinstance(source, str):
        return _from_value(source)
    text = source
    try:
        json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        return _syntax_error(text, exc.msg, exc.pos)
    except (ValueError, RecursionError):
        pass  # NaN/Infinity or deep nesting: the positioned pass below says where
    parser = _Parser(text)
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
    return ParseResult(root, text, None, parser.duplicates)


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


def pretty_parsed(value: Any) -> ParseResult:
    """`to_pretty(value)` and its tree with offsets, built while writing the text.

    The editor writes the form's policy as pretty JSON on every keystroke and then
    validates it; recording each element's offsets as it is written spares parsing
    the text straight back. Values that are not plain policy JSON (keys that are not
    strings, numbers that are not finite, nesting past MAX_DEPTH) take the ordinary way.
    """
    ordered = canonical(value)
    try:
        root, text = _write_pretty(ordered, "", 0, 0)
    except _NotPlain:
        return parse_policy(to_pretty(value))
    result = ParseResult(root, text)
    result._python = ordered
    return result


class _NotPlain(Exception):
    """A value `_write_pretty` leaves to json.dumps and the parser."""


def _write_pretty(value: Any, indent: str, start: int, depth: int) -> tuple[JsonNode, str]:
    """The node for `value` written at offset `start`, and its text exactly as
    `json.dumps(indent=2, ensure_ascii=False)` writes it at that indent."""
    if isinstance(value, dict):
        if not value:
            return JsonObject([], start, start + 2), "{}"
        if depth >= MAX_DEPTH:
            raise _NotPlain
        inner = indent + "  "
        first, later = "\n" + inner, ",\n" + inner
        pieces = ["{"]
        pos = start + 1
        members: list[Member] = []
        for key, item in value.items():
            if type(key) is not str:
                raise _NotPlain
            lead = later if members else first
            key_text = _scalar_text(key)
            key_start = pos + len(lead)
            key_end = key_start + len(key_text)
            node, text = _write_pretty(item, inner, key_end + 2, depth + 1)
            pieces += (lead, key_text, ": ", text)
            pos = key_end + 2 + len(text)
            members.append(Member(key, node, key_start, key_end))
        close = "\n" + indent + "}"
        pieces.append(close)
        return JsonObject(members, start, pos + len(close)), "".join(pieces)
    if isinstance(value, list):
        if not value:
            return JsonArray([], start, start + 2), "[]"
        if depth >= MAX_DEPTH:
            raise _NotPlain
        inner = indent + "  "
        first, later = "\n" + inner, ",\n" + inner
        pieces = ["["]
        pos = start + 1
        items: list[JsonNode] = []
        for item in value:
            lead = later if items else first
            pos += len(lead)
            node, text = _write_pretty(item, inner, pos, depth + 1)
            pieces += (lead, text)
            pos += len(text)
            items.append(node)
        close = "\n" + indent + "]"
        pieces.append(close)
        return JsonArray(items, start, pos + len(close)), "".join(pieces)
    if isinstance(value, float) and not math.isfinite(value):
        raise _NotPlain
    if value is not None and not isinstance(value, str | int | float):
        raise _NotPlain
    text = _scalar_text(value)
    return JsonScalar(value, start, start + len(text)), text


_NEEDS_ESCAPE = re.compile(r'["\\\x00-\x1f]')


def _scalar_text(value: Any) -> str:
    """`json.dumps(value, ensure_ascii=False)` for a scalar, quicker for plain strings."""
    if isinstance(value, str):
        if _NEEDS_ESCAPE.search(value) is None:
            return '"' + value + '"'
        return json.dumps(value, ensure_ascii=False)
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, int):
        return int.__repr__(value)
    return json.dumps(value)
