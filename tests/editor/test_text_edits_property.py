"""The text is the document in every edit: a property over layouts and kinds of edit.

For a policy written in one of several layouts (minified, pretty, hand-spaced, keys in
unusual orders, single strings where lists may stand) and one form edit or button, the
text after the edit differs from the text before only inside the value the edit is about
(the element's value, or the statement or list that takes a new member); everything
before and after that span stays byte for byte. The edited text says what the form says.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from catalog.snapshot import catalog_snapshot
from scpstudio.editor.document_io import form_of_text, from_form_edit
from scpstudio.editor.ops import apply_structure_op, statement_origin
from scpstudio.editor.state import ConditionRow, EditorState
from scpstudio.editor.text_sync import identity
from scpstudio.engine.document import JsonArray, JsonNode, JsonObject, parse_policy

pytestmark = pytest.mark.django_db

ACTIONS = ["ims:images:deleteImage", "ims:images:get", "ims:images:share", "ims:images:list"]
URNS = ["ims:*:*:image:*", "ims:cn-north-4:*:image:abc*"]
STRING_VALUES = ["false", "true", "o-abc/*", "dev"]


# -- documents in several layouts --------------------------------------------------------------


@st.composite
def statements(draw: st.DrawFn) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": "Deny"}
    if draw(st.booleans()):
        statement["Sid"] = draw(st.sampled_from(["NoShare", "Guard1", "x"]))
    actions = draw(st.lists(st.sampled_from(ACTIONS), min_size=1, max_size=3, unique=True))
    statement["Action"] = actions[0] if len(actions) == 1 and draw(st.booleans()) else actions
    resource = draw(st.sampled_from(["absent", "star", "star-list", "urns", "urn"]))
    if resource == "star":
        statement["Resource"] = "*"
    elif resource == "star-list":
        statement["Resource"] = ["*"]
    elif resource == "urns":
        statement["Resource"] = list(URNS)
    elif resource == "urn":
        statement["Resource"] = URNS[0]
    if draw(st.booleans()):
        value = draw(st.sampled_from(["false", "true"]))
        statement["Condition"] = {"Bool": {"g:MFAPresent": value}}
        if draw(st.booleans()):
            listed = draw(st.lists(st.sampled_from(STRING_VALUES), min_size=1, max_size=2))
            statement["Condition"]["StringEquals"] = {
                "g:PrincipalAccount": listed[0] if len(listed) == 1 else listed
            }
    keys = list(statement)
    order = draw(st.permutations(keys))  # keys in unusual orders
    return {k: statement[k] for k in order}


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    items = draw(st.lists(statements(), min_size=1, max_size=3))
    body: Any = items[0] if len(items) == 1 and draw(st.booleans()) else items
    if draw(st.booleans()):
        return {"Version": "5.0", "Statement": body}
    return {"Statement": body, "Version": "5.0"}


def _hand_spaced(value: Any, spaces: list[str], at: list[int]) -> str:
    """JSON with the whitespace around each separator taken in turn from `spaces`."""

    def gap() -> str:
        at[0] += 1
        return spaces[at[0] % len(spaces)]

    if isinstance(value, dict):
        inner = f",{gap()}".join(
            f"{json.dumps(k)}{gap()}:{gap()}{_hand_spaced(v, spaces, at)}" for k, v in value.items()
        )
        return "{" + gap() + inner + gap() + "}"
    if isinstance(value, list):
        inner = f",{gap()}".join(_hand_spaced(v, spaces, at) for v in value)
        return "[" + inner + "]"
    return json.dumps(value)


@st.composite
def written(draw: st.DrawFn) -> str:
    document = draw(documents())
    layout = draw(st.sampled_from(["minified", "pretty", "pretty4", "spaced", "hand"]))
    if layout == "minified":
        return json.dumps(document, separators=(",", ":"))
    if layout == "pretty":
        return json.dumps(document, indent=2) + "\n"
    if layout == "pretty4":
        return json.dumps(document, indent=4)
    if layout == "spaced":
        return json.dumps(document)
    spaces = draw(st.lists(st.sampled_from(["", " ", "  ", "\n", "\n  ", "\t"]), min_size=1))
    return _hand_spaced(document, spaces, [0])


# -- edits ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Edit:
    """A change a person makes: a form field (`field`) or a button (`op`)."""

    kind: str
    statement: int
    choice: int = 0


EDIT_KINDS = [
    "tick",
    "untick",
    "sid",
    "effect",
    "add-resource",
    "remove-resource",
    "all-resources",
    "condition-values",
    "remove-condition-row",
    "add-condition-row",
    "op:add-statement",
    "op:remove-statement",
    "op:up",
    "op:down",
    "op:clear-actions",
    "op:level",
    "op:add-urn",
]


def _apply_field(form: EditorState, edit: Edit) -> tuple[EditorState, list[int | None]]:
    after = copy.deepcopy(form)
    s = after.statements[edit.statement]
    if edit.kind == "tick":
        missing = [a for a in ACTIONS if a not in s.actions]
        if missing:
            s.actions.append(missing[edit.choice % len(missing)])
    elif edit.kind == "untick" and len(s.actions) > 1:
        del s.actions[edit.choice % len(s.actions)]
    elif edit.kind == "sid":
        s.sid = "" if s.sid and edit.choice % 2 else f"Renamed{edit.choice}"
    elif edit.kind == "effect":
        s.effect = "Allow" if s.effect == "Deny" else "Deny"
    elif edit.kind == "add-resource":
        s.all_resources = False
        s.resources = [*s.resources, f"ims:*:*:image:new{edit.choice}"]
    elif edit.kind == "remove-resource" and len(s.resources) > 1:
        del s.resources[edit.choice % len(s.resources)]
    elif edit.kind == "all-resources":
        s.all_resources, s.resources = True, []
    elif edit.kind == "condition-values" and s.conditions:
        row = s.conditions[edit.choice % len(s.conditions)]
        row.values = [*row.values, "added"] if row.operator != "Bool" else ["true"]
    elif edit.kind == "remove-condition-row" and s.conditions:
        del s.conditions[edit.choice % len(s.conditions)]
    elif edit.kind == "add-condition-row":
        s.conditions.append(
            ConditionRow(operator="StringEquals", key="g:PrincipalAccount", values=["acc1"])
        )
    return after, identity(after)


def _apply_button(form: EditorState, edit: Edit) -> tuple[EditorState, list[int | None]]:
    after = copy.deepcopy(form)
    name = edit.kind.removeprefix("op:")
    op = {
        "add-statement": "add-statement",
        "level": f"level-{edit.statement}-list",
        "add-urn": f"add-urn-{edit.statement}-image",
    }.get(name, f"{name}-{edit.statement}")
    apply_structure_op(after, op, catalog_snapshot(), {"region": "cn-north-4"})
    return after, statement_origin(op, len(form.statements), len(after.statements))


# -- the span an edit may change ----------------------------------------------------------------


def _node(root: JsonNode, *path: str | int) -> JsonNode | None:
    node: JsonNode | None = root
    for part in path:
        if isinstance(node, JsonObject) and isinstance(part, str):
            member = node.get(part)
            node = member.value if member is not None else None
        elif isinstance(node, JsonArray) and isinstance(part, int):
            node = node.items[part] if part < len(node.items) else None
        else:
            return None
    return node


def _statement_node(root: JsonNode, i: int) -> JsonNode:
    statements_node = _node(root, "Statement")
    assert statements_node is not None
    if isinstance(statements_node, JsonObject):
        return statements_node
    found = _node(statements_node, i)
    assert found is not None
    return found


ELEMENT_OF = {
    "tick": "Action",
    "untick": "Action",
    "op:clear-actions": "Action",
    "op:level": "Action",
    "sid": "Sid",
    "effect": "Effect",
    "add-resource": "Resource",
    "remove-resource": "Resource",
    "all-resources": "Resource",
    "op:add-urn": "Resource",
    "condition-values": "Condition",
    "remove-condition-row": "Condition",
    "add-condition-row": "Condition",
}


def _allowed_span(text: str, new_text: str, edit: Edit) -> tuple[int, int]:
    """Where in `text` the edit may write: the element's value when it stands in both
    texts; the statement holding it when the edit adds or removes the element (a new Sid,
    a Resource that is "*" by being absent); for a button that adds, removes or moves
    statements, the list of statements."""
    root = parse_policy(text).root
    assert root is not None
    if edit.kind in ("op:add-statement", "op:remove-statement", "op:up", "op:down"):
        whole = _node(root, "Statement")
        assert whole is not None
        return whole.start, whole.end
    statement = _statement_node(root, edit.statement)
    element = ELEMENT_OF[edit.kind]
    value = _node(statement, element)
    new_root = parse_policy(new_text).root
    assert new_root is not None
    kept = _node(_statement_node(new_root, edit.statement), element) is not None
    target = value if value is not None and kept else statement
    return target.start, target.end


def _changed_span(before: str, after: str) -> tuple[int, int]:
    """The part of `before` that differs from `after`: what lies between their common
    beginning and their common end."""
    head = 0
    limit = min(len(before), len(after))
    while head < limit and before[head] == after[head]:
        head += 1
    tail = 0
    while tail < limit - head and before[-1 - tail] == after[-1 - tail]:
        tail += 1
    return head, len(before) - tail


def _meaning(form: EditorState) -> list[Any]:
    """What a form says, ignoring the order of list items (the form may list them in
    another order than the text; the text keeps its own)."""
    out = []
    for s in form.statements:
        merged: dict[tuple[str, str], set[str]] = {}
        for r in s.conditions:  # rows of one operator and key are one entry of the JSON
            if r.key:
                merged.setdefault((r.written_operator, r.key), set()).update(r.values)
        rows = sorted((op, key, tuple(sorted(values))) for (op, key), values in merged.items())
        out.append(
            (
                s.sid,
                s.effect,
                s.action_element,
                sorted(set(s.actions)),
                s.resource_element,
                s.all_resources or not s.resources,
                sorted(set(s.resources)) if not s.all_resources else [],
                rows,
            )
        )
    return out


PASTED = (
    '{"Version":"5.0","Statement":[{"Effect":"Deny","Action":"ims:images:deleteImage",'
    '"Resource":"*" ,"Condition":{"Bool":{"g:MFAPresent":"false"}}}]}'
)


@settings(max_examples=150)
@given(text=written(), kind=st.sampled_from(EDIT_KINDS), data=st.data())
@example(text=PASTED, kind="tick", data=None)
@example(text=PASTED, kind="add-resource", data=None)
@example(
    text='{"Statement":[{"Effect":"Deny","Action":["ims:images:deleteImage"],"Condition":'
    '{"StringEquals":{"g:PrincipalAccount":"false"}}}],"Version":"5.0"}',
    kind="add-condition-row",
    data=None,
)
def test_an_edit_changes_the_text_only_inside_the_value_it_is_about(
    text: str, kind: str, data: Any
) -> None:
    meta = EditorState()
    form = form_of_text(text, meta)
    assert form is not None, text
    statement = data.draw(st.integers(0, len(form.statements) - 1)) if data else 0
    choice = data.draw(st.integers(0, 7)) if data else 1
    edit = Edit(kind, statement, choice)
    apply = _apply_button if kind.startswith("op:") else _apply_field
    after, origin = apply(form, edit)

    new_text = from_form_edit(text, after, origin).json_text

    allowed_start, allowed_end = _allowed_span(text, new_text, edit)
    start, end = _changed_span(text, new_text) if new_text != text else (allowed_start, allowed_end)
    assert allowed_start <= start and end <= allowed_end, (text, new_text)
    new_form = form_of_text(new_text, meta)
    assert new_form is not None, new_text
    assert _meaning(new_form) == _meaning(after), (text, new_text)


def test_ticking_an_action_in_a_pasted_policy_keeps_the_rest_of_it():
    form = form_of_text(PASTED, EditorState())
    assert form is not None
    after = copy.deepcopy(form)
    after.statements[0].actions.append("ims:images:get")

    new_text = from_form_edit(PASTED, after, identity(after)).json_text

    assert new_text == PASTED.replace(
        '"ims:images:deleteImage"', '["ims:images:deleteImage","ims:images:get"]'
    )
