"""What the editor form holds, and its two-way mapping to a policy document.

The form is one way of writing a document; the JSON is the other. Every form
field maps to exactly one place in the document, so a document the form can
show goes form -> document -> form unchanged. A document with anything else in
it (an unknown element, a number where a list belongs, ...) cannot be shown by
the form: `state_from_document` says why, and the JSON stays authoritative.
"""

from __future__ import annotations

import copy
import json
import math
import re
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any, Protocol

from scpstudio.engine.operators import OPERATORS

PROFILES = ("scp", "scp-2024", "identity")
MAX_STATEMENTS = 50
MAX_CONDITIONS = 20
MAX_ITEMS = 200
STATEMENT_KEYS = {"Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition"}


class MultiValueMapping(Protocol):
    def get(self, key: str, default: Any = ...) -> Any: ...
    def getlist(self, key: str) -> list[Any]: ...


@dataclass
class ConditionRow:
    """One key under one operator: qualifier, operator, IfExists, key and its values."""

    qualifier: str = ""  # "", "ForAnyValue", "ForAllValues"
    operator: str = "StringEquals"
    if_exists: bool = False
    key: str = ""
    values: list[str] = field(default_factory=list)

    @property
    def written_operator(self) -> str:
        text = self.operator + ("IfExists" if self.if_exists else "")
        return f"{self.qualifier}:{text}" if self.qualifier else text


@dataclass
class StatementForm:
    sid: str = ""
    effect: str = "Deny"
    action_element: str = "Action"  # or "NotAction"
    actions: list[str] = field(default_factory=list)
    resource_element: str = "Resource"  # or "NotResource"
    all_resources: bool = True
    resources: list[str] = field(default_factory=list)
    conditions: list[ConditionRow] = field(default_factory=list)
    service: str = "ims"
    # what the editor worked out from a shared form (kept_by_id.keep_with): not part of its
    # value, and never copied with it (`dataclasses.replace`, `copy`: a copy may be changed)
    faces: dict[str, Any] | None = field(default=None, init=False, compare=False, repr=False)

    def __copy__(self) -> StatementForm:
        return replace(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> StatementForm:
        return StatementForm(
            **{f.name: copy.deepcopy(getattr(self, f.name), memo) for f in fields(self) if f.init}
        )


# Statements' forms that requests share, to read only (kept by what they were read from:
# `form_state._kept_statement`, `document_io._kept_form`): what is worked out from one of
# them may be kept with it (`context.statement_shown`), since it never changes. Any other
# form may be changed by a button after it was read.
# Held weakly: a form stays shared while something else keeps it. Only forms of at most
# MAX_SHARED_CHARS characters are shared (the memos that keep what is worked out from a
# shared form hold it, so a megabyte pasted into one statement is never kept thousands
# of times over; a larger form is worked out on each request).
_SHARED: weakref.WeakValueDictionary[int, StatementForm] = weakref.WeakValueDictionary()
MAX_SHARED_CHARS = 10_000


def shared(form: StatementForm) -> StatementForm:
    """Mark a form as shared: never to be changed again (unless it is too large to keep)."""
    if form_chars(form) <= MAX_SHARED_CHARS:
        _SHARED[id(form)] = form
    return form


def is_shared(form: StatementForm) -> bool:
    return _SHARED.get(id(form)) is form


def form_chars(form: StatementForm) -> int:
    """How many characters of the person's text the form holds."""
    total = len(form.sid) + len(form.service) + sum(map(len, form.actions))
    total += sum(map(len, form.resources))
    for row in form.conditions:
        total += len(row.key) + len(row.operator) + sum(map(len, row.values))
    return total


@dataclass
class EditorState:
    name: str = ""
    description: str = ""
    profile: str = "scp"
    statements: list[StatementForm] = field(default_factory=lambda: [StatementForm()])


# -- state -> document ---------------------------------------------------------------------------


_JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")


def _typed_value(operator: str, text: str) -> Any:
    """The JSON value a condition field's text stands for under its operator.

    A text box holds only text; writing it back as the type the operator compares keeps a
    pasted `true` or `5` from coming back as "true" or "5".
    """
    spec = OPERATORS.get(operator)
    family = spec.family if spec is not None else ""
    if family in ("boolean", "null") and text in ("true", "false"):
        return text == "true"
    if family == "number" and _JSON_NUMBER.fullmatch(text):
        try:
            number = json.loads(text)
        except ValueError:  # more digits than Python converts: keep the text
            return text
        # a number only when it writes back as the same text (`0E0` stays the text it is)
        return number if math.isfinite(number) and json.dumps(number) == text else text
    return text


def condition_value(row: ConditionRow) -> Any:
    """The value a row writes under its operator and key: one value, or a list."""
    values = [_typed_value(row.operator, v) for v in row.values]
    return values[0] if len(values) == 1 else values


def _condition_element(rows: list[ConditionRow]) -> dict[str, dict[str, Any]]:
    """The Condition object; rows naming the same operator and key share one entry.

    JSON holds a key once under an operator, so such rows are written as one list of
    values (`merged_rows` lets the form say so beside the later row).
    """
    condition: dict[str, dict[str, Any]] = {}
    for rows_of_key in _same_operator_and_key(rows).values():
        first = rows_of_key[0]
        merged = ConditionRow(
            first.qualifier,
            first.operator,
            first.if_exists,
            first.key,
            [v for row in rows_of_key for v in row.values],
        )
        condition.setdefault(first.written_operator, {})[first.key] = condition_value(merged)
    return condition


def _same_operator_and_key(rows: list[ConditionRow]) -> dict[tuple[str, str], list[ConditionRow]]:
    grouped: dict[tuple[str, str], list[ConditionRow]] = {}
    for row in rows:
        grouped.setdefault((row.written_operator, row.key), []).append(row)
    return grouped


def merged_rows(statement: StatementForm) -> dict[int, int]:
    """Rows written together with an earlier row: row index -> that earlier row's index."""
    first: dict[tuple[str, str], int] = {}
    merged = {}
    for j, row in enumerate(statement.conditions):
        if not row.key:
            continue
        key = (row.written_operator, row.key)
        if key in first:
            merged[j] = first[key]
        else:
            first[key] = j
    return merged


def keep_unfinished_rows(new: EditorState, old: EditorState) -> None:
    """Carry condition rows still without a key over a rebuild from the JSON (which
    cannot hold them), so a fix elsewhere does not throw away a half-written row."""
    for before, after in zip(old.statements, new.statements, strict=False):
        # A list first: `before` may be `after` (an op that left the state as it was), and
        # extending a list from a generator over itself never ends.
        unfinished = [row for row in before.conditions if not row.key]
        if after is not before:
            after.conditions.extend(unfinished)


def state_to_document(state: EditorState) -> dict[str, Any]:
    statements = []
    for s in state.statements:
        out: dict[str, Any] = {}
        if s.sid:
            out["Sid"] = s.sid
        out["Effect"] = s.effect
        out[s.action_element] = list(s.actions)
        if not s.all_resources:
            out[s.resource_element] = list(s.resources)
        else:
            out[s.resource_element] = ["*"]
        # A row without a key is still being written: it joins the policy once it has one.
        rows = [row for row in s.conditions if row.key]
        if rows:
            out["Condition"] = _condition_element(rows)
        statements.append(out)
    return {"Version": "5.0", "Statement": statements}


# -- document -> state -----------------------------------------------------------------------------


class NotRepresentable(Exception):
    """The document holds something the form cannot show; the message says what and where."""


def _fits_a_line(text: str) -> bool:
    """Whether one line of a one-per-line text box gives this string back unchanged."""
    return text.splitlines() == [text] and text == text.strip()


def _string_list(value: Any, where: str) -> list[str]:
    if isinstance(value, str):
        items = [value]
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        items = list(value)
    else:
        raise NotRepresentable(
            f"{where} must be a string or a list of strings for the form to show it"
        )
    if len(items) > MAX_ITEMS:
        raise NotRepresentable(
            f"{where} has {len(items)} items; the form shows at most {MAX_ITEMS}"
        )
    for n, item in enumerate(items):
        if not _fits_a_line(item):
            raise NotRepresentable(
                f"{where}/{n} is empty or has spaces or line breaks at its ends, "
                "which the form's one-per-line box would drop"
            )
    return items


def _split_operator(written: str) -> tuple[str, str, bool]:
    qualifier, _, rest = written.rpartition(":")
    if_exists = rest.endswith("IfExists") and rest != "IfExists"
    operator = rest[: -len("IfExists")] if if_exists else rest
    return qualifier, operator, if_exists


def _kind(value: Any) -> str:
    return "a JSON boolean" if isinstance(value, bool) else "a JSON number"


def _condition_values(raw: Any, operator: str, where: str) -> list[str]:
    items = raw if isinstance(raw, list) else [raw]
    if len(items) > MAX_ITEMS:
        raise NotRepresentable(
            f"{where} has {len(items)} values; the form shows at most {MAX_ITEMS}"
        )
    texts = []
    for value in items:
        if not isinstance(value, str | bool | int | float):
            raise NotRepresentable(f"{where} holds a value the form cannot show")
        try:
            text = _text(value)
        except ValueError as exc:  # an integer with more digits than Python converts
            raise NotRepresentable(f"{where} holds a number too long for the form") from exc
        if not _fits_a_line(text):
            raise NotRepresentable(
                f"{where} has an empty value or one with spaces or line breaks at its ends, "
                "which the form's one-per-line box would drop"
            )
        back = _typed_value(operator, text)
        if not isinstance(value, str) and (type(back) is not type(value) or back != value):
            raise NotRepresentable(
                f"{where} holds {text}, {_kind(value)} that the form would write back "
                f"as the text {text!r} under {operator or 'this operator'}"
            )
        texts.append(text)
    return texts


def _condition_rows(value: Any, where: str) -> list[ConditionRow]:
    if not isinstance(value, dict):
        raise NotRepresentable(f"{where} must be an object for the form to show it")
    rows = []
    for written, keys in value.items():
        if not isinstance(keys, dict):
            raise NotRepresentable(f"{where}/{written} must be an object of keys")
        qualifier, operator, if_exists = _split_operator(written)
        if not operator or operator != operator.strip() or qualifier != qualifier.strip():
            raise NotRepresentable(
                f"{where} has the operator {written!r}, which the form cannot show as written"
            )
        for key, raw in keys.items():
            if not key or key != key.strip() or len(key) > 300:
                raise NotRepresentable(
                    f"{where}/{written} has the key {key[:80]!r}, which the form cannot keep as "
                    "written (spaces at its ends, or longer than 300 characters)"
                )
            rows.append(
                ConditionRow(
                    qualifier=qualifier,
                    operator=operator,
                    if_exists=if_exists,
                    key=key,
                    values=_condition_values(raw, operator, f"{where}/{written}/{key}"),
                )
            )
    if len(rows) > MAX_CONDITIONS:
        raise NotRepresentable(
            f"{where} has {len(rows)} conditions; the form shows at most {MAX_CONDITIONS} "
            "in one statement"
        )
    return rows


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def state_from_document(
    document: Any, *, name: str = "", description: str = "", profile: str = "scp"
) -> EditorState:
    """The form for a decoded document, or `NotRepresentable` saying why not.

    The form writes back what it shows, so anything it would write differently (a missing
    Version, a Sid with spaces at its ends, a number under a string operator, ...) is
    refused here rather than changed silently on the next edit.
    """
    if not isinstance(document, Mapping):
        raise NotRepresentable("the policy must be a JSON object")
    surrogate = _lone_surrogate_at(document, "")
    if surrogate is not None:
        raise NotRepresentable(
            f"{surrogate or '/'} holds a lone surrogate escape (\\ud800-\\udfff), "
            "which is half a character and cannot be shown"
        )
    extra = set(document) - {"Version", "Statement"}
    if extra:
        raise NotRepresentable(f"the element {sorted(extra)[0]!r} has no place in the form")
    if "Version" not in document:
        raise NotRepresentable('the policy has no Version, and the form writes Version "5.0"')
    if document["Version"] != "5.0" or not isinstance(document["Version"], str):
        raise NotRepresentable(
            f"/Version is {json.dumps(document['Version'])[:40]}, and the form writes only "
            'Version "5.0"'
        )
    if "Statement" not in document:
        raise NotRepresentable("the policy has no Statement")
    raw = document["Statement"]
    items = [raw] if isinstance(raw, dict) else raw
    if not isinstance(items, list) or not all(isinstance(s, dict) for s in items):
        raise NotRepresentable("Statement must be an object or a list of objects")
    if len(items) > MAX_STATEMENTS:
        raise NotRepresentable(f"the form shows at most {MAX_STATEMENTS} statements")
    state = EditorState(name=name, description=description, profile=profile, statements=[])
    for i, s in enumerate(items):
        state.statements.append(_statement_form(s, f"/Statement/{i}"))
    return state


def statement_form(s: Any, index: int) -> StatementForm:
    """The form of statement `index` alone, as `state_from_document` makes it."""
    where = f"/Statement/{index}"
    if not isinstance(s, dict):
        raise NotRepresentable("Statement must be an object or a list of objects")
    surrogate = _lone_surrogate_at(s, where)
    if surrogate is not None:
        raise NotRepresentable(f"{surrogate} holds a lone surrogate escape (\\ud800-\\udfff)")
    return _statement_form(s, where)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _lone_surrogate_at(value: Any, where: str) -> str | None:
    """The path of the first string (key or value) holding a lone surrogate, if any."""
    if isinstance(value, str):
        return where if _SURROGATE.search(value) else None
    if isinstance(value, Mapping):
        for key, item in value.items():
            if _SURROGATE.search(str(key)):
                return f"{where}/{key!r}"
            found = _lone_surrogate_at(item, f"{where}/{key}")
            if found is not None:
                return found
    if isinstance(value, list):
        for n, item in enumerate(value):
            found = _lone_surrogate_at(item, f"{where}/{n}")
            if found is not None:
                return found
    return None


def _statement_form(s: dict[str, Any], where: str) -> StatementForm:
    extra = set(s) - STATEMENT_KEYS
    if extra:
        raise NotRepresentable(f"{where} has {sorted(extra)[0]!r}, which the form cannot show")
    if "Action" in s and "NotAction" in s or "Resource" in s and "NotResource" in s:
        raise NotRepresentable(f"{where} has both an element and its Not- form")
    if "Effect" not in s:
        raise NotRepresentable(f"{where} has no Effect")
    effect = s["Effect"]
    if not isinstance(effect, str):
        raise NotRepresentable(f"{where}/Effect must be a string")
    sid = s.get("Sid")
    if sid is not None and not isinstance(sid, str):
        raise NotRepresentable(f"{where}/Sid must be a string")
    if sid is not None and (not _fits_a_line(sid) or len(sid) > 200):
        raise NotRepresentable(
            f"{where}/Sid is empty, longer than 200 characters or has spaces or line breaks "
            "at its ends, which the form would not keep"
        )
    if "Action" not in s and "NotAction" not in s:
        raise NotRepresentable(f"{where} has neither Action nor NotAction")
    action_element = "NotAction" if "NotAction" in s else "Action"
    resource_element = "NotResource" if "NotResource" in s else "Resource"
    resources = (
        _string_list(s[resource_element], f"{where}/{resource_element}")
        if resource_element in s
        else ["*"]
    )
    all_resources = resources == ["*"]
    return StatementForm(
        sid=sid or "",
        effect=effect,
        action_element=action_element,
        actions=_string_list(s[action_element], f"{where}/{action_element}"),
        resource_element=resource_element,
        all_resources=all_resources,
        resources=[] if all_resources else resources,
        conditions=_condition_rows(s["Condition"], f"{where}/Condition")
        if "Condition" in s
        else [],
        service=_service_of(s[action_element]),
    )


def _service_of(actions: Any) -> str:
    names = [actions] if isinstance(actions, str) else actions
    for name in names:
        if isinstance(name, str) and ":" in name and not name.startswith("*"):
            return name.split(":", 1)[0].lower()
    return "ims"
