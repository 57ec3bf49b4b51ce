"""A saved policy compiled for evaluation alone: the organization's effective preview.

`policy.compile_policy` reads text the way the editor needs it: a tree remembering where
every element was written (for the spans of findings), and statements kept in the
statement memory for the next keystroke. A saved version is evaluated, never edited, so
`compile_stored` reads its text with the C decoder and compiles the statements straight
from the decoded value: the same statements, the same limits, without the tree (which
takes most of a cold compile).

Only text the decoder and the positioned parse are sure to read alike is compiled here: a
document with a duplicate key, NaN or Infinity, a number past what the parse keeps,
nesting past `document.MAX_DEPTH`, or past any limit of `engine.limits` goes to
`compile_policy`, which says what is wrong with it. So the answer is `compile_policy`'s
but for what only the editor uses (the tree's nodes and the parse kept on the policy);
tests/engine/test_policy_stored.py checks it on generated documents.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from scpstudio.engine.catalog import Catalog
from scpstudio.engine.document import MAX_DEPTH, MAX_NUMBER_LENGTH
from scpstudio.engine.findings import escape
from scpstudio.engine.limits import (
    MAX_MINIFIED_CHARS,
    MAX_POLICY_CHARS,
    MAX_STATEMENTS,
    MAX_STRING_CHARS,
    MAX_VALUES,
    MAX_WILDCARD_ACTIONS,
)
from scpstudio.engine.operators import (
    INVALID,
    OperatorProblem,
    ParsedOperator,
    prepare_value,
    read_operator,
)
from scpstudio.engine.policy import EFFECTS, Clause, Policy, Statement, compile_policy
from scpstudio.engine.policy import _note_services as note_services
from scpstudio.engine.policy import _prepare as prepare_statement
from scpstudio.engine.serialize import to_minified

_NONZERO = re.compile(r"[1-9]")


class _Unusual(Exception):
    """Text this module leaves to `compile_policy`."""


def compile_stored(text: str, catalog: Catalog, *, name: str = "") -> Policy:
    """`compile_policy(text, catalog, name=name)` for evaluation: the same statements, the
    same limit or parse error (from `compile_policy` itself), no positioned tree."""
    if len(text) > MAX_POLICY_CHARS:
        return compile_policy(text, catalog, name=name)
    floats: list[float] = []
    try:
        value = json.loads(
            text,
            object_pairs_hook=_object,
            parse_constant=_constant,
            parse_int=_integer,
            parse_float=lambda raw: _float(raw, floats),
        )
        _check_limits(text, value, bool(floats))
        return _compiled(value, catalog, name)
    except (_Unusual, ValueError, RecursionError):
        return compile_policy(text, catalog, name=name)


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        raise _Unusual  # a duplicate key: the editor's parse says which counts, and where
    return found


def _constant(name: str) -> Any:
    raise _Unusual  # NaN, Infinity: not JSON


def _integer(raw: str) -> int:
    if len(raw) > MAX_NUMBER_LENGTH:
        raise _Unusual
    return int(raw)


def _float(raw: str, floats: list[float]) -> float:
    number = float(raw)
    if len(raw) > MAX_NUMBER_LENGTH or not math.isfinite(number):
        raise _Unusual
    if number == 0 and _NONZERO.search(raw.split("e")[0].split("E")[0]):
        raise _Unusual  # 1e-999: read as 0, which the parse refuses
    floats.append(number)
    return number


def _compiled(value: Any, catalog: Catalog, name: str) -> Policy:
    statements: list[Statement] = []
    wildcards = 0
    if isinstance(value, dict) and "Statement" in value:
        element = value["Statement"]
        items = element if isinstance(element, list) else [element]
        for index, item in enumerate(items):
            if isinstance(item, dict):
                wildcards += _wildcard_actions(item)
                statements.append(_statement(item, index, catalog))
    if wildcards > MAX_WILDCARD_ACTIONS:
        raise _Unusual
    policy = Policy(name=name, statements=tuple(statements), catalog=catalog)
    note_services(policy)
    return policy


def _check_limits(text: str, value: Any, has_floats: bool) -> None:
    """Raise _Unusual unless the document is within every limit of `engine.limits` but
    the wildcard actions (counted with the statements).

    What the text shows settles most: every value but the first follows a comma or opens
    a list or an object, no string is longer than the text, nothing is nested deeper than
    the brackets opened, and minified the document is no longer than the text unless a
    number is written with a fraction or an exponent (its shortest form may be longer:
    `1e5` is `100000.0`; strings and integers only shorten). The values are walked only
    when that is not enough."""
    if isinstance(value, dict):
        element = value.get("Statement")
        if isinstance(element, list) and len(element) > MAX_STATEMENTS:
            raise _Unusual
    opened = text.count("{") + text.count("[")
    if 1 + text.count(",") + opened > MAX_VALUES or len(text) - 2 > MAX_STRING_CHARS:
        count, longest = _measured(value)
        if count > MAX_VALUES or longest > MAX_STRING_CHARS:
            raise _Unusual
    if opened > MAX_DEPTH and _deepest(value) > MAX_DEPTH:
        raise _Unusual
    if (has_floats or len(text) > MAX_MINIFIED_CHARS) and len(
        to_minified(value)
    ) > MAX_MINIFIED_CHARS:
        raise _Unusual


def _measured(value: Any) -> tuple[int, int]:
    """The values of the document, and the characters of its longest string or key."""
    count = 0
    longest = 0
    stack = [value]
    while stack:
        item = stack.pop()
        count += 1
        if isinstance(item, str):
            longest = max(longest, len(item))
        elif isinstance(item, dict):
            longest = max([longest, *map(len, item)])
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return count, longest


def _deepest(value: Any, depth: int = 1) -> int:
    """How deep lists and objects nest (a top-level one is at depth 1, as the parse
    counts), or any depth past `MAX_DEPTH` once one is found. The decoder makes plain
    dicts and lists, compared by type: quicker than isinstance on every value."""
    kind = type(value)
    if kind is not dict and kind is not list:
        return 0
    deepest = depth
    for inner in value.values() if kind is dict else value:
        if deepest > MAX_DEPTH:
            break
        inner_kind = type(inner)
        if inner_kind is dict or inner_kind is list:
            deepest = max(deepest, _deepest(inner, depth + 1))
    return deepest


def _wildcard_actions(item: dict[str, Any]) -> int:
    """The action patterns with a wildcard a statement lists (`limits`' count)."""
    count = 0
    for key in ("Action", "NotAction"):
        if key not in item:
            continue
        element = item[key]
        for v in element if isinstance(element, list) else [element]:
            if isinstance(v, str) and ("*" in v or "?" in v) and v not in ("*", "*:*:*"):
                count += 1
    return count


def _scalar(value: Any) -> bool:
    # the decoder makes plain dicts and lists: compared by type, quicker than isinstance
    kind = type(value)
    return kind is not dict and kind is not list


def _strings(value: Any, base: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The string entries of a string-or-array element, with their paths."""
    if type(value) is list:
        strings = []
        paths = []
        for j, v in enumerate(value):
            if type(v) is str:
                strings.append(v)
                paths.append(f"{base}/{j}")
        return tuple(strings), tuple(paths)
    if type(value) is str:
        return (value,), (base,)
    return (), ()


def _statement(item: dict[str, Any], index: int, catalog: Catalog) -> Statement:
    """`policy._statement` from the decoded statement."""
    sid = item.get("Sid")
    effect = item.get("Effect")
    if not _scalar(effect):
        effect = None
    usable = effect in EFFECTS
    has_action, has_not_action = "Action" in item, "NotAction" in item
    if has_action and has_not_action:
        usable = False
    element = "Action" if has_action else ("NotAction" if has_not_action else None)
    actions: tuple[str, ...] = ()
    action_paths: tuple[str, ...] = ()
    if element is None:
        usable = False
    else:
        actions, action_paths = _strings(item[element], f"/Statement/{index}/{element}")
    has_resource, has_not_resource = "Resource" in item, "NotResource" in item
    if has_resource and has_not_resource:
        usable = False
    res_element = "Resource" if has_resource else ("NotResource" if has_not_resource else None)
    resources: tuple[str, ...] = ("*",)
    resource_paths: tuple[str, ...] = ()
    if res_element is not None:
        resources, resource_paths = _strings(item[res_element], f"/Statement/{index}/{res_element}")
    condition = item.get("Condition")
    statement = Statement(
        index,
        sid if type(sid) is str else None,
        effect if type(effect) is str else None,
        element,
        actions,
        res_element,
        resources,
        _clauses(condition, index) if type(condition) is dict else (),
        None,
        usable,
        action_paths=action_paths,
        resource_paths=resource_paths,
    )
    prepare_statement(statement, catalog)
    return statement


def _clauses(condition: dict[str, Any], index: int) -> tuple[Clause, ...]:
    """`policy._clauses` from the decoded Condition."""
    clauses: list[Clause] = []
    base = f"/Statement/{index}/Condition"
    for operator, keys in condition.items():
        if type(keys) is not dict:
            continue
        parsed = read_operator(operator)
        spec = parsed if isinstance(parsed, ParsedOperator) else None
        problem = parsed if isinstance(parsed, OperatorProblem) else None
        family = spec.spec.family if spec else ""
        where = f"{base}/{escape(operator)}/"
        for key, raw in keys.items():
            values = tuple(
                [s if _scalar(s) else INVALID for s in raw]
                if type(raw) is list
                else [raw if _scalar(raw) else INVALID]
            )
            prepared = tuple(
                [prepare_value(family, v) if v is not INVALID and spec else INVALID for v in values]
            )
            clauses.append(
                Clause(operator, spec, problem, key, values, prepared, f"{where}{escape(key)}")
            )
    return tuple(clauses)
