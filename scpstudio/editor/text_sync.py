"""A change made in the form, written into the policy's text as the smallest edits.

The JSON text is the document: what the page shows, copies and downloads. The form is
another way of editing it, so a form change must touch only the values it changes and keep
the rest as the person wrote it: the order of elements and of actions, `"*"` as a string or
a list, `"false"` as text, spacing, line breaks. Each statement of the new form is compared
with the statement it came from (`origin`), element by element, and every difference
becomes one JSON Patch operation applied to the text where the value stands.
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Sequence
from typing import Any

from scpstudio.editor.state import (
    ConditionRow,
    EditorState,
    NotRepresentable,
    StatementForm,
    condition_value,
    is_shared,
    state_from_document,
    state_to_document,
)
from scpstudio.engine.document import (
    JsonArray,
    JsonObject,
    JsonScalar,
    ParseResult,
    parse_policy,
)
from scpstudio.engine.findings import pointer
from scpstudio.engine.kept_by_id import keep_with, kept_with
from scpstudio.engine.text_patch import TextPatchError, member_of, patch_text

Edit = tuple[str, str, Any, bool]  # (op, path, value, first)


class CannotMerge(Exception):
    """The text cannot take the form's change in place; the caller writes the form whole."""


def identity(state: EditorState) -> list[int | None]:
    return list(range(len(state.statements)))


def merge_form(
    text: str,
    before: EditorState,
    after: EditorState,
    origin: Sequence[int | None],
    *,
    parsed: ParseResult | None = None,
    current: EditorState | None = None,
) -> str:
    """`text` (whose form is `before`) changed to say what the form `after` says.

    `origin[i]` is the index in `before` of the statement that is now statement `i` of
    `after` (None for a new one), so that moves and removals keep each statement's text.
    `parsed` and `current` (the text's parse and its form) spare reading the text again.
    """
    parsed = parsed or parse_policy(text)
    if not parsed.ok or not isinstance(parsed.root, JsonObject):
        raise CannotMerge("the JSON does not parse")
    if len(origin) != len(after.statements):
        raise CannotMerge("the statements do not line up")
    if current is None:
        try:
            current = state_from_document(parsed.value())
        except NotRepresentable as exc:
            raise CannotMerge(str(exc)) from exc
    if len(current.statements) != len(before.statements):
        raise CannotMerge("the text and the form hold different statements")
    try:
        arranged = _arrange_statements(parsed, after, origin)
        # a statement written as an object stays one; an arranged list is always a list
        single = arranged == text and _single_statement(parsed)
        text = arranged
        for i, k in enumerate(origin):
            if k is None or _kept_same(before.statements[k], after.statements[i]):
                continue  # most statements: nothing to write, no place to name
            base = "/Statement" if single else pointer("Statement", i)
            edits = statement_edits(
                before.statements[k], after.statements[i], base, current.statements[k]
            )
            for op, path, value, first in edits:
                text = _apply(text, op, path, value, first, parsed)
    except TextPatchError as exc:
        raise CannotMerge(str(exc)) from exc
    return text


def _apply(text: str, op: str, path: str, value: Any, first: bool, parsed: ParseResult) -> str:
    if op == "add" and path.endswith("/-"):
        # a single string stands for a one-item list: an item added to it makes it the
        # list of both, written where the string stood
        element = path[: -len("/-")]
        member = member_of(parsed if parsed.text == text else parse_policy(text), element)
        if member is not None and isinstance(member.value, JsonScalar):
            return patch_text(text, "replace", element, [member.value.value, value])
    if op != "write":
        # the caller's parse serves while the text is still the one it read
        return patch_text(text, op, path, value, first=first, parsed=parsed)
    # a whole list element written anew: one item stays a string where it was one
    member = member_of(parse_policy(text), path)
    if member is not None and isinstance(member.value, JsonScalar) and len(value) == 1:
        return patch_text(text, "replace", path, value[0])
    return patch_text(text, "add", path, value)


def _single_statement(parsed: ParseResult) -> bool:
    root = parsed.root
    member = root.get("Statement") if isinstance(root, JsonObject) else None
    return member is not None and isinstance(member.value, JsonObject)


def _arrange_statements(
    parsed: ParseResult, after: EditorState, origin: Sequence[int | None]
) -> str:
    """The text with its statements in the new order: kept ones as written, new ones added."""
    text = parsed.text or ""
    root = parsed.root
    assert isinstance(root, JsonObject)
    member = root.get("Statement")
    if member is None:
        raise CannotMerge("the policy has no Statement")
    node = member.value
    items = node.items if isinstance(node, JsonArray) else [node]
    if list(origin) == list(range(len(items))):
        return text
    if any(k is not None and not 0 <= k < len(items) for k in origin):
        # the form names a statement the text does not hold (a hand-made request)
        raise CannotMerge("the form's statements do not match the text's")
    document = state_to_document(after)["Statement"]
    pieces = [
        text[items[k].start : items[k].end]
        if k is not None
        else json.dumps(document[i], ensure_ascii=False)
        for i, k in enumerate(origin)
    ]
    if isinstance(node, JsonArray) and len(node.items) >= 2:
        gap = text[node.items[0].end : node.items[1].start]
    elif "\n" in text[node.start : node.end]:
        gap = ",\n" + _indent(text, items[0].start if items else node.start)
    else:
        gap = ", "
    if isinstance(node, JsonArray) and node.items:
        inner_start, inner_end = node.items[0].start, node.items[-1].end
        return text[:inner_start] + gap.join(pieces) + text[inner_end:]
    if isinstance(node, JsonArray):  # an empty list
        return text[: node.start] + "[" + gap.join(pieces) + "]" + text[node.end :]
    return text[: node.start] + "[" + gap.join(pieces) + "]" + text[node.end :]


def _indent(text: str, offset: int) -> str:
    start = text.rfind("\n", 0, offset) + 1
    end = start
    while end < len(text) and text[end] in " \t":
        end += 1
    return text[start:end]


# -- one statement ----------------------------------------------------------------------------


def statement_edits(
    old: StatementForm, new: StatementForm, base: str, current: StatementForm | None = None
) -> list[Edit]:
    """The operations that make the text's statement say what the form changed.

    `old` is the statement the form was drawn from and `new` the form now; the edits
    apply to the text's statement `current` (the same as `old`, unless the text was edited
    meanwhile: then the form's changes are carried over onto that edit).
    """
    if _writes_the_same(old, new):
        return []  # every edit below is a difference between the two (most statements)
    now = current or old
    edits: list[Edit] = []
    if old.sid != new.sid and now.sid != new.sid:
        path = base + "/Sid"
        if not new.sid:
            edits.append(("remove", path, None, False))
        elif not now.sid:
            edits.append(("add", path, new.sid, True))
        else:
            edits.append(("replace", path, new.sid, False))
    if old.effect != new.effect and now.effect != new.effect:
        edits.append(("replace", base + "/Effect", new.effect, False))
    edits += _list_edits(
        base,
        (old.action_element, old.actions),
        (new.action_element, new.actions),
        (now.action_element, now.actions),
    )
    edits += _list_edits(base, _resources(old), _resources(new), _resources(now))
    edits += _condition_edits(old, new, now, base)
    return edits


Listed = tuple[str, list[str]]  # an element's name and its items


def _kept_same(old: StatementForm, new: StatementForm) -> bool:
    """`_writes_the_same`, kept for a pair of shared forms (`state.shared`: never
    changed): a keystroke's statements are, but for one, those the keystroke before
    compared. A form a button may have changed is compared again."""
    if not (is_shared(new) and is_shared(old)):
        return _writes_the_same(old, new)
    kept = kept_with(new, "same")  # kept with the later form: the one compared with it
    if kept is not None and kept[0]() is old:
        return bool(kept[1])
    same = _writes_the_same(old, new)
    keep_with(new, "same", (weakref.ref(old), same))  # the earlier form is not kept alive
    return same


def _writes_the_same(old: StatementForm, new: StatementForm) -> bool:
    """Whether the form changed nothing `statement_edits` writes: the same values, with
    the listed items perhaps in another order (the form lists ticked boxes in the
    catalog's order, the text as written; the edits of a list are the items added and
    removed)."""
    return (
        old.sid == new.sid
        and old.effect == new.effect
        and old.action_element == new.action_element
        and old.resource_element == new.resource_element
        and old.conditions == new.conditions
        and set(old.actions) == set(new.actions)
        and set(_resources(old)[1]) == set(_resources(new)[1])
    )


def _resources(statement: StatementForm) -> Listed:
    items = ["*"] if statement.all_resources else list(statement.resources)
    return statement.resource_element, items


def _list_edits(base: str, old: Listed, new: Listed, now: Listed) -> list[Edit]:
    """A list element: the items the form removed and added, where they stand in the text."""
    (old_element, old_items), (new_element, new_items), (now_element, now_items) = old, new, now
    if old_element != new_element:
        if now_element == new_element:
            return []
        return [
            ("remove", f"{base}/{now_element}", None, False),
            ("add", f"{base}/{new_element}", _kept_order(now_items, new_items), False),
        ]
    wanted, had = set(new_items), set(old_items)
    gone = {item for item in old_items if item not in wanted}
    added = [item for item in new_items if item not in had and item not in now_items]
    remove = [i for i, item in enumerate(now_items) if item in gone]
    if not remove and not added:
        return []  # the same items, perhaps listed in another order by the form
    path = f"{base}/{now_element}"
    if len(remove) == len(now_items):
        # every item replaced: the element written anew (`add` also writes an element the
        # text leaves out, such as a Resource that is "*" by being absent); one item for
        # one stays a scalar
        return [("write", path, added, False)]
    # removed from the end first, so that each index still names its item
    return [("remove", f"{path}/{i}", None, False) for i in reversed(remove)] + [
        ("add", f"{path}/-", item, False) for item in added
    ]


def _kept_order(old: list[str], new: list[str]) -> list[str]:
    wanted = set(new)
    kept = [item for item in old if item in wanted]
    return kept + [item for item in new if item not in set(kept)]


def _rows(statement: StatementForm) -> dict[tuple[str, str], ConditionRow]:
    """The rows the document holds (those with a key), merged as the JSON writes them."""
    merged: dict[tuple[str, str], ConditionRow] = {}
    for row in statement.conditions:
        if not row.key:
            continue
        key = (row.written_operator, row.key)
        if key in merged:
            merged[key] = ConditionRow(
                row.qualifier, row.operator, row.if_exists, row.key, merged[key].values + row.values
            )
        else:
            merged[key] = row
    return merged


def _condition_edits(
    old: StatementForm, new: StatementForm, now: StatementForm, base: str
) -> list[Edit]:
    before, after, current = _rows(old), _rows(new), _rows(now)
    changed = {k: r for k, r in after.items() if k not in before or before[k].values != r.values}
    gone = [k for k in before if k not in after and k in current]
    if not changed and not gone:
        return []
    final = {k: r for k, r in current.items() if k not in gone}
    final.update(changed)
    condition = base + "/Condition"
    if not final:
        return [("remove", condition, None, False)] if current else []
    if not current:
        return [("add", condition, _condition_object(final), False)]
    ops_now = {op for op, _ in current}
    ops_final = {op for op, _ in final}
    edits: list[Edit] = []
    for op in sorted(ops_now - ops_final):
        edits.append(("remove", base + pointer("Condition", op), None, False))
    for op, key in gone:
        if op in ops_final:
            edits.append(("remove", base + pointer("Condition", op, key), None, False))
    for op in sorted(ops_final - ops_now):
        rows = {k: r for k, r in final.items() if k[0] == op}
        edits.append(("add", base + pointer("Condition", op), _condition_object(rows)[op], False))
    for (op, key), row in changed.items():
        if op not in ops_now:
            continue
        path = base + pointer("Condition", op, key)
        if (op, key) in current:
            if current[(op, key)].values != row.values:
                edits.append(("replace", path, condition_value(row), False))
        else:
            edits.append(("add", path, condition_value(row), False))
    return edits


def _condition_object(rows: dict[tuple[str, str], ConditionRow]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for (op, key), row in rows.items():
        out.setdefault(op, {})[key] = condition_value(row)
    return out
