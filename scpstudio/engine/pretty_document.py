"""The form's policy written as pretty JSON with its positioned tree, built while writing.

The editor writes the form's policy as pretty JSON on every keystroke and then validates
it; recording each element's offsets as it is written spares parsing the text straight
back (`engine.document` reads text the user wrote).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from scpstudio.engine.document import MAX_DEPTH, ParseResult, parse_policy
from scpstudio.engine.json_tree import JsonArray, JsonNode, JsonObject, JsonScalar, Member
from scpstudio.engine.serialize import canonical, to_pretty


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
