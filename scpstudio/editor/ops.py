"""The editor's buttons: structural changes to the form state, and certain fixes.

Each operation is named by the button's `op` value (`add-statement`,
`remove-statement-2`, `fix-0`, ...) so the page works the same with htmx and
without JavaScript.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from scpstudio.editor.state import (
    MAX_CONDITIONS,
    MAX_STATEMENTS,
    ConditionRow,
    EditorState,
    StatementForm,
)
from scpstudio.engine.catalog import Catalog

# The name is whole words only (a lazy `[a-z-]+?` read "add-statement" as "add" + "statement");
# the numbers are short, so a hostile op cannot ask `int()` for thousands of digits.
OP_RE = re.compile(
    r"(?P<name>[a-z]+(?:-[a-z]+)*)(?:-(?P<i>[0-9]{1,6}))?(?:-(?P<j>\w{1,64}))?", re.ASCII
)


class PatchError(ValueError):
    """A fix that does not fit the document any more (it changed since the finding)."""


def parse_op(op: str) -> tuple[str, int | None, str | None]:
    m = OP_RE.fullmatch(op or "")
    if not m:
        return "", None, None
    i = int(m.group("i")) if m.group("i") is not None else None
    return m.group("name"), i, m.group("j")


def apply_structure_op(
    state: EditorState, op: str, catalog: Catalog, builder: dict[str, str]
) -> str | None:
    """Change the state for a structural button; returns a message for the user, if any."""
    name, i, j = parse_op(op)
    statements = state.statements
    if name == "add-statement":
        if len(statements) >= MAX_STATEMENTS:
            return f"A policy holds at most {MAX_STATEMENTS} statements in the form."
        statements.append(StatementForm())
        return None
    if i is None or not 0 <= i < len(statements):
        return None
    s = statements[i]
    if name == "remove-statement":
        del statements[i]
        if not statements:
            statements.append(StatementForm())
    elif name == "up" and i > 0:
        statements[i - 1], statements[i] = statements[i], statements[i - 1]
    elif name == "down" and i + 1 < len(statements):
        statements[i + 1], statements[i] = statements[i], statements[i + 1]
    elif name == "add-condition":
        if len(s.conditions) >= MAX_CONDITIONS:
            return f"A statement holds at most {MAX_CONDITIONS} conditions in the form."
        s.conditions.append(ConditionRow())
    elif name == "remove-condition" and j is not None and j.isdigit():
        if int(j) < len(s.conditions):
            del s.conditions[int(j)]
    elif name == "level" and j:
        names = [a.name for a in catalog.actions_of_service(s.service) if a.access_level == j]
        s.actions = list(dict.fromkeys(s.actions + names))
    elif name == "clear-actions":
        s.actions = []
    elif name == "add-urn" and j:
        urn = _build_urn(catalog, s.service, j, builder)
        if urn is None:
            return f"The catalog has no resource type {j!r} for {s.service}."
        s.all_resources = False
        if urn not in s.resources:
            s.resources.append(urn)
    return None


def _build_urn(
    catalog: Catalog, service: str, type_name: str, builder: dict[str, str]
) -> str | None:
    rt = catalog.resource_type(service, type_name)
    if rt is None:
        return None
    region = builder.get("region", "").strip() or "*"
    account = builder.get("account", "").strip() or "*"
    rid = builder.get("id", "").strip() or "*"
    return f"{rt.service}:{region}:{account}:{rt.name}:{rid}"


def statement_origin(op: str, before: int, after: int) -> list[int | None]:
    """Where each statement after a structural op came from: its index before, or None for
    a new one. The text keeps a kept statement's writing, wherever it moves."""
    name, i, _ = parse_op(op)
    same = list(range(before))
    if name == "add-statement" and after == before + 1:
        return [*same, None]
    if name == "remove-statement" and i is not None and 0 <= i < before:
        kept: list[int | None] = [k for k in same if k != i]
        return kept if kept else [None]
    if name in ("up", "down") and i is not None and after == before:
        j = i - 1 if name == "up" else i + 1
        if 0 <= j < before and 0 <= i < before:
            same[i], same[j] = same[j], same[i]
        return list(same)
    return list(same) if after == before else [None] * after


# -- certain fixes: one JSON Patch operation ------------------------------------------------


def _unescape(part: str) -> str:
    return part.replace("~1", "/").replace("~0", "~")


def _walk(doc: Any, pointer: str) -> tuple[Any, str | int]:
    """The container holding the pointer's last part, and that part."""
    parts = [_unescape(p) for p in pointer.split("/")[1:]]
    if not parts:
        raise PatchError("a fix cannot replace the whole document")
    node = doc
    for part in parts[:-1]:
        node = _child(node, part)
    last: str | int = parts[-1]
    if isinstance(node, list):
        if last == "-":
            return node, len(node)
        if not str(last).isdigit():
            raise PatchError(f"{pointer} does not name a list item")
        last = int(last)
    elif not isinstance(node, dict):
        raise PatchError(f"{pointer} does not lead into an object or a list")
    return node, last


def _child(node: Any, part: str) -> Any:
    if isinstance(node, dict) and part in node:
        return node[part]
    if isinstance(node, list) and part.isdigit() and int(part) < len(node):
        return node[int(part)]
    raise PatchError(f"the document has nothing at {part!r} any more")


def apply_patch(
    document: Any, op: str, path: str, value: Any = None, from_path: str | None = None
) -> Any:
    """A copy of the document with one RFC 6902 operation applied."""
    doc = copy.deepcopy(document)
    if op == "move":
        if from_path is None:
            raise PatchError("a move needs a source")
        src, key = _walk(doc, from_path)
        try:
            value = src.pop(key)
        except (KeyError, IndexError) as exc:
            raise PatchError(f"nothing at {from_path} to move") from exc
        op = "add"
    container, key = _walk(doc, path)
    if op == "remove":
        try:
            container.pop(key)
        except (KeyError, IndexError) as exc:
            raise PatchError(f"nothing at {path} to remove") from exc
    elif op == "replace":
        if isinstance(container, list) and not 0 <= int(key) < len(container):
            raise PatchError(f"nothing at {path} to replace")
        if isinstance(container, dict) and key not in container:
            raise PatchError(f"nothing at {path} to replace")
        container[key] = value
    elif op == "add":
        if isinstance(container, list):
            container.insert(int(key), value)
        else:
            container[key] = value
    else:
        raise PatchError(f"unknown fix operation {op!r}")
    return doc
