"""JSON Patch operations applied to a policy's text, where the change is, the rest as written.

The policy's text is the person's document: a fix, or a change made in the editor's form,
must change only the value it is about. Decoding, patching and writing the JSON back would
reorder elements, turn `"*"` into `["*"]`, respace the whole document and drop duplicate
keys. Here each operation finds its target in the positioned parse tree and splices the
text: a replaced value is written in the style of what it replaces (indented on several
lines, or on one), a new member or item is laid out like its neighbours.
"""

from __future__ import annotations

import json
from typing import Any

from scpstudio.engine.document import (
    JsonArray,
    JsonNode,
    JsonObject,
    Member,
    ParseResult,
    parse_policy,
)


class TextPatchError(ValueError):
    """The operation does not fit the text (it changed since the operation was made)."""


def patch_text(
    text: str,
    op: str,
    path: str,
    value: Any = None,
    from_path: str | None = None,
    *,
    first: bool = False,
    parsed: ParseResult | None = None,
) -> str:
    """The text with one RFC 6902 operation (`add`, `remove`, `replace`, `move`) applied.

    A member added to an object goes last, or `first` (a Sid leads its statement).
    `parsed` is the text's parse when the caller has it.
    """
    if parsed is None or parsed.text != text:
        parsed = parse_policy(text)
    if not parsed.ok or parsed.root is None:
        raise TextPatchError("the JSON does not parse, so it cannot be changed in place")
    if op == "replace":
        return _replace(parsed, path, value)
    if op == "remove":
        return _remove(parsed, path)
    if op == "add":
        return _add(parsed, path, value, first=first)
    if op == "move":
        if from_path is None:
            raise TextPatchError("a move needs a source")
        return _move(parsed, from_path, path)
    raise TextPatchError(f"unknown operation {op!r}")


# -- finding the target ----------------------------------------------------------------------


def _parts(path: str) -> list[str]:
    if not path.startswith("/"):
        raise TextPatchError("a fix cannot replace the whole document")
    return [p.replace("~1", "/").replace("~0", "~") for p in path.split("/")[1:]]


def _child(node: JsonNode, part: str, path: str) -> JsonNode:
    if isinstance(node, JsonObject):
        member = node.get(part)
        if member is not None:
            return member.value
    elif isinstance(node, JsonArray) and part.isdigit() and int(part) < len(node.items):
        return node.items[int(part)]
    raise TextPatchError(f"the policy has nothing at {path} any more")


def _locate(parsed: ParseResult, path: str) -> tuple[JsonNode, str]:
    """The container holding the path's last part, and that part."""
    parts = _parts(path)
    node = parsed.root
    assert node is not None
    for part in parts[:-1]:
        node = _child(node, part, path)
    return node, parts[-1]


# -- writing values in the style of their surroundings ---------------------------------------


def _indent_at(text: str, offset: int) -> str:
    """The whitespace that starts the line holding `offset`."""
    start = text.rfind("\n", 0, offset) + 1
    end = start
    while end < len(text) and text[end] in " \t":
        end += 1
    return text[start:end]


def _multiline(text: str, node: JsonNode) -> bool:
    return "\n" in text[node.start : node.end]


def _separators(text: str, node: JsonNode) -> tuple[str, str]:
    body = text[node.start : node.end]
    if "," not in body and ":" not in body:
        body = text  # nothing to go by here: the document's own style
    return ("," if ", " not in body and body.count(",") else ", ", ": " if ": " in body else ":")


def _write(value: Any, text: str, like: JsonNode, at: int) -> str:
    """`value` as JSON text laid out as `like` is (several lines or one), for offset `at`."""
    if _multiline(text, like) and isinstance(value, dict | list) and value:
        lines = json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False).split("\n")
        indent = _indent_at(text, at)
        return ("\n" + indent).join(lines)
    item, key = (
        _separators(text, like) if isinstance(like, JsonObject | JsonArray) else (", ", ": ")
    )
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(item, key))


def _splice(text: str, start: int, end: int, new: str) -> str:
    return text[:start] + new + text[end:]


# -- the operations --------------------------------------------------------------------------


def _replace(parsed: ParseResult, path: str, value: Any) -> str:
    text = parsed.text or ""
    container, last = _locate(parsed, path)
    node = _child(container, last, path)
    like = node if isinstance(node, JsonObject | JsonArray) else container
    return _splice(text, node.start, node.end, _write(value, text, like, node.start))


def _entries(container: JsonNode) -> list[tuple[int, int]]:
    """(start, end) of each member (key to value) or item, in order."""
    if isinstance(container, JsonObject):
        return [(m.start, m.value.end) for m in container.members]
    if isinstance(container, JsonArray):
        return [(n.start, n.end) for n in container.items]
    return []


def _index(container: JsonNode, last: str, path: str) -> int:
    if isinstance(container, JsonObject):
        for i, m in enumerate(container.members):
            if m.key == last and container.get(last) is m:
                return i
    elif isinstance(container, JsonArray) and last.isdigit() and int(last) < len(container.items):
        return int(last)
    raise TextPatchError(f"the policy has nothing at {path} to remove")


def _remove(parsed: ParseResult, path: str) -> str:
    text = parsed.text or ""
    container, last = _locate(parsed, path)
    entries = _entries(container)
    i = _index(container, last, path)
    if len(entries) == 1:
        # the only entry: the container is left empty, written as `{}` or `[]`
        empty = "{}" if isinstance(container, JsonObject) else "[]"
        return _splice(text, container.start, container.end, empty)
    if i + 1 < len(entries):
        return _splice(text, entries[i][0], entries[i + 1][0], "")
    return _splice(text, entries[i - 1][1], entries[i][1], "")


def _add(parsed: ParseResult, path: str, value: Any, *, first: bool = False) -> str:
    text = parsed.text or ""
    container, last = _locate(parsed, path)
    if isinstance(container, JsonObject):
        if container.get(last) is not None:
            return _replace(parsed, path, value)
        entry = json.dumps(last, ensure_ascii=False) + _key_separator(text, container)
        return _insert(text, container, 0 if first else len(container.members), entry, value)
    if isinstance(container, JsonArray):
        at = len(container.items) if last == "-" else int(last) if last.isdigit() else -1
        if not 0 <= at <= len(container.items):
            raise TextPatchError(f"{path} does not name a place in the list")
        return _insert(text, container, at, "", value)
    raise TextPatchError(f"{path} does not lead into an object or a list")


def _key_separator(text: str, container: JsonObject) -> str:
    for m in container.members:
        between = text[m.end : m.value.start]
        return between if between.strip() == ":" else ": "
    return ": " if ": " in text or ":" not in text else ":"


def _insert(text: str, container: JsonNode, at: int, lead: str, value: Any) -> str:
    """Put `lead + value` as entry number `at` of the container, laid out like the others."""
    entries = _entries(container)
    if not entries:
        opening, closing = text[container.start], text[container.end - 1]
        if _multiline(text, container):
            indent = _indent_at(text, container.start)
            inner = indent + "  "
            body = lead + _write_at(value, inner)
            new = f"{opening}\n{inner}{body}\n{indent}{closing}"
        else:
            new = f"{opening}{lead}{_write(value, text, container, container.start)}{closing}"
        return _splice(text, container.start, container.end, new)
    if at < len(entries):
        start = entries[at][0]
        gap = _gap(text, entries, at)
        written = lead + _write_like_entry(value, text, container, start)
        return _splice(text, start, start, written + "," + gap)
    end = entries[-1][1]
    gap = _gap(text, entries, len(entries) - 1)
    written = lead + _write_like_entry(value, text, container, entries[-1][0])
    return _splice(text, end, end, "," + gap + written)


def _gap(text: str, entries: list[tuple[int, int]], near: int) -> str:
    """The whitespace between two neighbouring entries (after the comma)."""
    if len(entries) >= 2:
        i = near if near + 1 < len(entries) else near - 1
        between = text[entries[i][1] : entries[i + 1][0]]
        return between.replace(",", "", 1)
    start = entries[0][0]
    line_start = text.rfind("\n", 0, start) + 1
    if text[line_start:start].strip() == "":
        return "\n" + text[line_start:start]
    return " "


def _write_like_entry(value: Any, text: str, container: JsonNode, entry_start: int) -> str:
    if _multiline(text, container) and isinstance(value, dict | list) and value:
        return _write_at(value, _indent_at(text, entry_start))
    item, key = _separators(text, container)
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(item, key))


def _write_at(value: Any, indent: str) -> str:
    lines = json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False).split("\n")
    return ("\n" + indent).join(lines)


def _move(parsed: ParseResult, from_path: str, path: str) -> str:
    text = parsed.text or ""
    source, source_last = _locate(parsed, from_path)
    target, target_last = _locate(parsed, path)
    if source is target and isinstance(source, JsonObject) and source.get(target_last) is None:
        # a key renamed in its object: only the key's text changes
        member = source.get(source_last)
        if member is None:
            raise TextPatchError(f"the policy has nothing at {from_path} to move")
        return _splice(text, member.start, member.end, json.dumps(target_last, ensure_ascii=False))
    value = _child(source, source_last, from_path).to_python()
    removed = _remove(parsed, from_path)
    return patch_text(removed, "add", path, value)


def member_of(parsed: ParseResult, path: str) -> Member | None:
    """The object member a path names, when it names one."""
    try:
        container, last = _locate(parsed, path)
    except TextPatchError:
        return None
    return container.get(last) if isinstance(container, JsonObject) else None
