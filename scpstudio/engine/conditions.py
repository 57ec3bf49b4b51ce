"""One condition clause, decided in three values, and said in words.

`None` stands for *unknown*: the request context did not say the key's value, or what
it says leaves the clause open (a value the operator cannot read, several values under
an operator without ForAnyValue:/ForAllValues:, which no documentation decides).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from scpstudio.engine.operators import (
    FOR_ALL,
    FOR_ANY,
    INVALID,
    VALUE_FORMS,
    ParsedOperator,
    ValueMatcher,
    prepare_value,
)
from scpstudio.engine.policy import Clause

Tri = bool | None


def holds_when_absent(clause: Clause) -> bool:
    """The clause's value when the request does not carry its key (§4, missing keys)."""
    parsed = clause.parsed
    if parsed is None or not clause.values:
        return False  # an empty list of values never matches (INVALID_CONDITION_VALUE)
    if parsed.spec.family == "null":
        return any(p is True for p in clause.prepared)
    if parsed.if_exists or parsed.qualifier == FOR_ALL:
        return True
    if parsed.qualifier == FOR_ANY:
        return False
    return parsed.spec.negated


_MEMO_SIZE = 32


def evaluate_clause(clause: Clause, values: Sequence[Any] | None) -> Tri:
    """`values` is None when unknown, empty when the key is absent.

    A preview asks the same clause about the same context values once per API; the
    verdict is kept (by the identity of the values, which the memo holds on to).
    """
    parsed = clause.parsed
    if parsed is not None and not clause.values:
        return False  # an empty list of values never matches, whatever the request says
    if parsed is None or values is None:
        return None
    if not values:
        return holds_when_absent(clause)
    memo = clause.memo
    kept = memo.get(id(values))
    if kept is not None and kept[0] is values:
        result: Tri = kept[1]
        return result
    result = _evaluate(clause, parsed, values)
    if len(memo) >= _MEMO_SIZE:
        memo.clear()
    memo[id(values)] = (values, result)
    return result


def _evaluate(clause: Clause, parsed: ParsedOperator, values: Sequence[Any]) -> Tri:
    spec = parsed.spec
    if spec.family == "null":
        return any(p is False for p in clause.prepared)
    matcher = clause.matcher
    if matcher is None:
        matcher = clause.matcher = ValueMatcher(spec, clause.prepared)
    negated = spec.negated
    holds: list[Tri] = []
    for v in values:
        r = prepare_value(spec.family, v)
        # a value the operator cannot read decides nothing, whichever way it would go
        holds.append(None if r is INVALID else matcher.matches(r) != negated)
    if parsed.qualifier == FOR_ALL:
        return _all(holds)
    if parsed.qualifier == FOR_ANY:
        return _any(holds)
    if len(holds) == 1:
        return holds[0]
    # Several request values under a plain operator: Huawei documents nothing, AWS says the
    # condition does not match, "any value" and "every value" are the other readings. Only
    # what every reading says is certain: false when no value makes the clause hold.
    return False if _any(holds) is False else None


def _any(values: list[Tri]) -> Tri:
    if any(v is True for v in values):
        return True
    return None if any(v is None for v in values) else False


def _all(values: list[Tri]) -> Tri:
    if any(v is False for v in values):
        return False
    return None if any(v is None for v in values) else True


def why_open(clause: Clause, values: Sequence[Any] | None) -> str:
    """Why a clause the request gave values for is still undecided, in words; "" when the
    values are all the clause needs (or none were given)."""
    parsed = clause.parsed
    if parsed is None or not values or parsed.spec.family == "null":
        return ""
    family = parsed.spec.family
    reasons = []
    unread = [v for v in values if prepare_value(family, v) is INVALID]
    if unread:
        shown = "a value" if len(unread) == 1 else f"{len(unread)} values"
        reasons.append(
            f"{shown} given for {clause.key} cannot be read as {VALUE_FORMS[family]}, so "
            "it decides nothing"
        )
    if parsed.qualifier is None and len(values) > 1:
        reasons.append(
            f"the request gives {clause.key} {len(values)} values and {clause.operator} has "
            "no ForAnyValue: or ForAllValues:; Huawei does not document whether the "
            "condition then matches (AWS: it does not)"
        )
    return "; ".join(reasons)


_VERBS = {
    "StringEquals": "is",
    "StringNotEquals": "is not",
    "StringEqualsIgnoreCase": "is (ignoring case)",
    "StringNotEqualsIgnoreCase": "is not (ignoring case)",
    "StringMatch": "matches",
    "StringNotMatch": "does not match",
    "NumberEquals": "equals",
    "NumberNotEquals": "does not equal",
    "NumberLessThan": "is less than",
    "NumberLessThanEquals": "is at most",
    "NumberGreaterThan": "is greater than",
    "NumberGreaterThanEquals": "is at least",
    "DateLessThan": "is before",
    "DateLessThanEquals": "is at or before",
    "DateGreaterThan": "is after",
    "DateGreaterThanEquals": "is at or after",
    "Bool": "is",
    "IpAddress": "is in",
    "NotIpAddress": "is not in",
}


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def describe_clause(clause: Clause) -> str:
    """The clause as a phrase: `ims:Encrypted is false`, `g:TagKeys has every value in a, b`."""
    parsed = clause.parsed
    shown = [_show(v) for v in clause.values]
    if parsed is None:
        return f"{clause.operator} {clause.key} {', '.join(shown)} (operator not recognised)"
    name = parsed.spec.name
    if name == "Null":
        absent = any(p is True for p in clause.prepared)
        return f"{clause.key} is {'absent' if absent else 'present'}"
    negated = parsed.spec.negated
    joined = (
        shown[0] if len(shown) == 1 else ("none of " if negated else "one of ") + ", ".join(shown)
    )
    verb = _VERBS[name]
    if len(shown) > 1 and negated:
        verb = verb.replace(" not", "").replace("does match", "matches")
        verb = verb.replace("does equal", "equals")
    if parsed.qualifier == FOR_ANY:
        text = f"some value of {clause.key} {verb} {joined}"
    elif parsed.qualifier == FOR_ALL:
        text = f"every value of {clause.key} {verb} {joined}"
    else:
        text = f"{clause.key} {verb} {joined}"
    if parsed.if_exists:
        text += f" (or {clause.key} is absent)"
    return text
