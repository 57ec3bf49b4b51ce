"""Operator names and value comparison, one family at a time."""

import pytest

from scpstudio.engine.operators import (
    INVALID,
    OPERATORS,
    OperatorProblem,
    ParsedOperator,
    compare,
    parse_operator,
    prepare_value,
)


def test_full_operator_name_is_split_into_its_parts():
    parsed = parse_operator("ForAllValues:StringNotEqualsIfExists")

    assert isinstance(parsed, ParsedOperator)
    assert (parsed.qualifier, parsed.spec.name, parsed.if_exists, parsed.negated) == (
        "ForAllValues",
        "StringNotEquals",
        True,
        True,
    )


@pytest.mark.parametrize(
    ("written", "replacement"),
    [
        ("StringLike", "StringMatch"),
        ("ForAnyValue:StringNotLikeIfExists", "ForAnyValue:StringNotMatchIfExists"),
        ("StringEqualsAnyOf", "StringEquals"),
        ("stringequals", "StringEquals"),
        ("forallvalues:StringEquals", "ForAllValues:StringEquals"),
        ("ArnLike", ""),
        ("Whatever", ""),
    ],
)
def test_unknown_operators_get_a_replacement_only_when_certain(written, replacement):
    problem = parse_operator(written)

    assert isinstance(problem, OperatorProblem)
    assert problem.replacement == replacement


@pytest.mark.parametrize(
    ("family", "value", "expected"),
    [
        ("boolean", "TRUE", True),
        ("boolean", False, False),
        ("boolean", "yes", INVALID),
        ("number", "12.5", 12.5),
        ("number", 3, 3.0),
        ("number", True, INVALID),
        ("number", "nan", INVALID),
        ("string", 5, "5"),
        ("string", None, INVALID),
        ("null", "false", False),
        ("date", "2026-13-01T00:00:00Z", INVALID),
        ("ip", "300.1.1.1", INVALID),
    ],
)
def test_values_are_prepared_for_their_family(family, value, expected):
    assert prepare_value(family, value) == expected or prepare_value(family, value) is expected


@pytest.mark.parametrize(
    ("operator", "request_value", "policy_value", "matches"),
    [
        ("IpAddress", "2001:db8::1", "2001:db8::/32", True),
        ("IpAddress", "10.0.0.1", "2001:db8::/32", False),
        ("IpAddress", "10.1.2.3", "10.1.2.3", True),
        ("DateLessThan", "2025-12-31", "2026-01-01T00:00:00Z", True),
        ("DateGreaterThanEquals", "2026-01-01T08:00:00+08:00", "2026-01-01T00:00:00Z", True),
        ("NumberLessThanEquals", "5", "5.0", True),
        ("NumberGreaterThan", "5", "5", False),
        ("StringMatch", "o-abc/r-1/ou-2", "o-abc/*", True),
        ("StringMatch", "O-ABC/r", "o-abc/*", False),
        ("StringEqualsIgnoreCase", "Owner", "OWNER", True),
    ],
)
def test_compare_by_family(operator, request_value, policy_value, matches):
    spec = OPERATORS[operator]

    request = prepare_value(spec.family, request_value)
    policy = prepare_value(spec.family, policy_value)

    assert compare(spec, request, policy) is matches
