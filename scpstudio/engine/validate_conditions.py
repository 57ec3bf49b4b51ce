"""Checks of Condition: operators, keys, value types, qualifiers, and key presence."""

from __future__ import annotations

from scpstudio.engine.catalog import ConditionKey
from scpstudio.engine.conditions import holds_when_absent
from scpstudio.engine.document import JsonArray, JsonObject, JsonScalar, Member
from scpstudio.engine.findings import Code, Fix, escape, pointer
from scpstudio.engine.near_keys import nearest_keys
from scpstudio.engine.near_miss import NOT_LOOKED_UP
from scpstudio.engine.operators import (
    FAMILY_KEY_TYPE,
    FOR_ALL,
    FOR_ANY,
    INVALID,
    VALUE_FORMS,
    OperatorProblem,
    parse_operator,
    prepare_value,
    read_operator,
)
from scpstudio.engine.policy import Clause, Statement
from scpstudio.engine.report import Report, quote

_MAX_LISTED = 6


def check_conditions(report: Report, statement: Statement) -> None:
    node = statement.node
    assert node is not None
    member = node.get("Condition")
    if member is None:
        return
    i = statement.index
    base = f"/Statement/{i}/Condition"
    value = member.value
    if not isinstance(value, JsonObject):
        report.add(
            Code.INVALID_POLICY_ELEMENT,
            f"Condition must be an object of operators, not a {value.type_name}.",
            base,
            value,
        )
        return
    if not value.members:
        report.add(
            Code.EMPTY_OBJECT_CONDITION,
            "Condition is an empty object; remove it.",
            base,
            value,
            fix=Fix("remove", base),
        )
        return
    for op in value.members:
        _check_operator(report, op, base, value)
    for clause in statement.clauses:
        _check_clause(report, statement, clause)


def _check_operator(report: Report, op: Member, base: str, condition: JsonObject) -> None:
    path = f"{base}/{escape(op.key)}"
    if not isinstance(op.value, JsonObject):
        report.add(
            Code.INVALID_POLICY_ELEMENT,
            f"The operator {op.key} must hold an object of keys and values, not a "
            f"{op.value.type_name}.",
            path,
            op.value,
        )
        return
    if not op.value.members:
        report.add(
            Code.EMPTY_OBJECT_CONDITION,
            f"The operator {op.key} holds no key; remove it.",
            path,
            op.value,
            fix=Fix("remove", path),
        )
    parsed = read_operator(op.key)
    if isinstance(parsed, OperatorProblem) and not parsed.sought:
        if report.lookups.admits(op.key):
            parsed = parse_operator(op.key)
        else:
            parsed = OperatorProblem(parsed.message + NOT_LOOKED_UP)
    if isinstance(parsed, OperatorProblem):
        target = parsed.replacement
        certain = bool(target) and condition.get(target) is None
        free = [name for name in parsed.suggestions if condition.get(name) is None]
        report.add(
            Code.INVALID_CONDITION_OPERATOR,
            parsed.message,
            path,
            op,
            fix=Fix("move", base + pointer(target), from_path=path) if certain else None,
            suggestions=parsed.suggestions,
            choices=()
            if certain
            else tuple(Fix("move", base + pointer(name), from_path=path) for name in free),
        )
        return
    if parsed.spec.family != "null":
        return
    if parsed.if_exists:
        report.add(
            Code.NULL_WITH_IF_EXISTS,
            f"{op.key} is not an operator: Null already tests whether the key exists, so it "
            "takes no IfExists.",
            path,
            op,
        )
    if parsed.qualifier:
        fixed = "NullIfExists" if parsed.if_exists else "Null"
        report.add(
            Code.NULL_WITH_QUALIFIER,
            f"The qualifier {parsed.qualifier} means nothing on Null, which tests only "
            "whether the key exists; write Null.",
            path,
            op,
            fix=Fix("move", base + pointer(fixed), from_path=path)
            if condition.get(fixed) is None and not parsed.if_exists
            else None,
        )


def _check_clause(report: Report, statement: Statement, clause: Clause) -> None:
    parsed = clause.parsed
    if parsed is None:
        return
    family = parsed.spec.family
    key = _check_key(report, statement, clause)
    _check_values(report, clause, family)
    if key is None:
        return
    wanted = FAMILY_KEY_TYPE[family]
    if wanted is not None and key.value_type != wanted:
        report.add(
            Code.DATA_TYPE_MISMATCH,
            f"{clause.key} is a {key.value_type} key, but {parsed.spec.name} compares "
            f"{wanted} values.",
            clause.path,
            clause.member,
        )
    if family != "null":
        _check_qualifier(report, statement, clause, key)
    _check_presence(report, statement, clause, key)


def _check_key(report: Report, statement: Statement, clause: Clause) -> ConditionKey | None:
    catalog = report.catalog
    found = catalog.condition_key(clause.key)
    if found is not None:
        return found
    prefix = clause.key.split(":", 1)[0] if ":" in clause.key else ""
    looked_up = report.lookups.admits(clause.key)
    certain, close = nearest_keys(report, clause.key) if looked_up else ("", ())
    hint = f" Did you mean {' or '.join(close)}?" if close else ""
    if not looked_up:
        hint = NOT_LOOKED_UP
    taken = _keys_under(report, statement, clause.operator) if close else frozenset()
    free = [k for k in close if k.casefold() not in taken]
    parent = clause.path.rsplit("/", 1)[0]
    if prefix and prefix.casefold() != "g" and catalog.service(prefix) is None:
        # another service may define the key: the names are only offered
        report.add(
            Code.INVALID_SERVICE,
            f"The catalog does not hold the service {quote(prefix)}, so the key "
            f"{quote(clause.key)} cannot be checked.{hint}",
            clause.path,
            clause.member,
            suggestions=close,
            choices=tuple(Fix("move", parent + pointer(k), from_path=clause.path) for k in free),
        )
        return None
    fixable = bool(certain) and certain.casefold() not in taken
    report.add(
        Code.INVALID_CONDITION_KEY,
        f"{quote(clause.key)} is not a condition key the catalog knows.{hint}",
        clause.path,
        clause.member,
        fix=Fix("move", parent + pointer(certain), from_path=clause.path) if fixable else None,
        suggestions=close,
        choices=()
        if fixable
        else tuple(Fix("move", parent + pointer(k), from_path=clause.path) for k in free),
    )
    return None


def _keys_under(report: Report, statement: Statement, operator: str) -> frozenset[str]:
    """The keys (case-folded) the statement already has under this operator: a key is not
    renamed onto one of them. Worked out once per operator, not once per unknown key."""
    memo_key = ("keys under", statement.index, operator)
    found: frozenset[str] | None = report.memo.get(memo_key)
    if found is None:
        found = frozenset(c.folded_key for c in statement.clauses if c.operator == operator)
        report.memo[memo_key] = found
    return found


def _check_values(report: Report, clause: Clause, family: str) -> None:
    node = clause.value_node
    if isinstance(node, JsonArray) and not node.items:
        report.add(
            Code.INVALID_CONDITION_VALUE,
            f"{clause.key} has an empty list of values, so the condition can never match.",
            clause.path,
            node,
        )
        return
    if node is None:
        return
    nodes = node.items if isinstance(node, JsonArray) else [node]
    for j, item in enumerate(nodes):
        path = f"{clause.path}/{j}" if isinstance(node, JsonArray) else clause.path
        if not isinstance(item, JsonScalar) or item.value is None:
            report.add(
                Code.INVALID_CONDITION_VALUE,
                f"A condition value must be a string, number or boolean, not a {item.type_name}.",
                path,
                item,
            )
            continue
        if prepare_value(family, item.value) is INVALID:
            report.add(
                Code.INVALID_CONDITION_VALUE,
                f"{quote(item.value)} is not {VALUE_FORMS[family]}, as {clause.operator} needs.",
                path,
                item,
            )


def _check_qualifier(
    report: Report, statement: Statement, clause: Clause, key: ConditionKey
) -> None:
    parsed = clause.parsed
    assert parsed is not None
    if key.multivalued and parsed.qualifier is None:
        report.add(
            Code.MISSING_QUALIFIER,
            f"{clause.key} can carry several values; say whether any or all of them must "
            f"match with ForAnyValue:{clause.operator} or ForAllValues:{clause.operator}.",
            clause.path,
            clause.member,
            choices=_qualifier_choices(statement, clause),
        )
    if not key.multivalued and parsed.qualifier == FOR_ALL:
        report.add(
            Code.FORALLVALUES_WITH_SINGLE_VALUED_KEY,
            f"{clause.key} has a single value; ForAllValues on it is also true when the key is "
            "absent, which is rarely meant. Drop the qualifier.",
            clause.path,
            clause.member,
        )
    if not key.multivalued and parsed.qualifier == FOR_ANY:
        report.add(
            Code.FORANYVALUE_WITH_SINGLE_VALUED_KEY,
            f"{clause.key} has a single value; ForAnyValue adds nothing. Drop the qualifier.",
            clause.path,
            clause.member,
        )
    if parsed.qualifier == FOR_ALL and not parsed.if_exists:
        risky = statement.effect == "Allow" or (statement.effect == "Deny" and parsed.negated)
        if risky and not _null_guarded(statement, clause):
            outcome = (
                "grants the Allow to requests without the key"
                if statement.effect == "Allow"
                else "lets requests without the key escape the Deny"
            )
            report.add(
                Code.FORALLVALUES_WITH_ABSENT_KEY,
                f"ForAllValues is true when {clause.key} is absent, so this statement "
                f'{outcome}. Add "Null": {{"{clause.key}": "false"}} to require the key.',
                clause.path,
                clause.member,
            )


def _null_guarded(statement: Statement, clause: Clause) -> bool:
    return any(
        other.parsed is not None
        and other.parsed.spec.family == "null"
        and other.folded_key == clause.folded_key
        and other.prepared
        and all(p is False for p in other.prepared)
        for other in statement.clauses
    )


def _check_presence(
    report: Report, statement: Statement, clause: Clause, key: ConditionKey
) -> None:
    if key.request_wide or statement.action_element != "Action" or statement.any_action:
        return
    catalog = report.catalog
    missing = sorted(
        catalog.action(name).name  # type: ignore[union-attr]
        for name in statement.matched
        if catalog.action_carries_key(name, clause.key) is False
    )
    if not missing:
        return
    total = len(statement.matched)
    shown = ", ".join(missing[:_MAX_LISTED]) + (" ..." if len(missing) > _MAX_LISTED else "")
    effect = statement.effect or "statement"
    if holds_when_absent(clause):
        consequence = (
            f"so this condition always holds for them and the {effect} applies to them "
            "whatever the value"
        )
    else:
        consequence = f"so this condition is false for them and the {effect} never applies to them"
    report.add(
        Code.CONDITION_KEY_NOT_SUPPORTED_BY_ACTION,
        f"{clause.key} is never present for {len(missing)} of the {total} actions of this "
        f"statement ({shown}), {consequence}.",
        clause.path,
        clause.member,
    )


def _qualifier_choices(statement: Statement, clause: Clause) -> tuple[Fix, ...]:
    """Rename the operator to its ForAnyValue: or ForAllValues: form, when that is a
    plain rename: the operator holds only this key and the new name is not taken."""
    condition = statement.node.get("Condition") if statement.node is not None else None
    if condition is None or not isinstance(condition.value, JsonObject):
        return ()
    operator = condition.value.get(clause.operator)
    if operator is None or not isinstance(operator.value, JsonObject):
        return ()
    if len(operator.value.members) != 1:
        return ()
    base = pointer("Statement", statement.index, "Condition")
    return tuple(
        Fix(
            "move",
            base + pointer(f"{q}:{clause.operator}"),
            from_path=base + pointer(clause.operator),
        )
        for q in (FOR_ANY, FOR_ALL)
        if condition.value.get(f"{q}:{clause.operator}") is None
    )
