"""Representative values: one per class of values the policies can tell apart."""

from __future__ import annotations

import ipaddress
import itertools
import os

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from scpstudio.engine.diff_strings import _FOLDING_RANGES
from scpstudio.engine.diff_values import (
    date_values,
    element_values,
    ip_values,
    number_values,
    set_values,
    string_values,
)
from scpstudio.engine.operators import parse_date
from scpstudio.engine.policy import compile_policy
from scpstudio.engine.wildcard import wildcard_match
from tests.engine.helpers import deny, policy


def _signature(value: str, exact, globs, folded):
    return (
        tuple(value == e for e in exact),
        tuple(wildcard_match(g, value) for g in globs),
        tuple(value.casefold() == f.casefold() for f in folded),
    )


def _reachable(exact, globs, folded, alphabet: str, longest: int) -> set:
    """Every signature of every string up to `longest` characters over `alphabet`."""
    found = set()
    for size in range(longest + 1):
        for chars in itertools.product(alphabet, repeat=size):
            found.add(_signature("".join(chars), exact, globs, folded))
    return found


@settings(max_examples=int(os.environ.get("DIFF_EXAMPLES", "60")), deadline=None)
@given(
    st.lists(st.text(alphabet="aB*?", min_size=1, max_size=4), max_size=3),
    st.lists(st.text(alphabet="aB", max_size=3), max_size=2),
    st.lists(st.text(alphabet="Ab", min_size=1, max_size=2), max_size=2),
)
@example(["a*", "*B"], [], [])
@example([], ["ab"], ["AB"])
def test_strings_meet_every_signature_a_brute_force_walk_meets(globs, exact, folded):
    found = string_values(exact, globs, folded)

    assert found.complete
    met = {_signature(v, exact, globs, folded) for v in found.values}
    assert _reachable(exact, globs, folded, "aAbBx", 4) <= met


def test_a_string_between_two_globs_matches_both_one_or_none():
    found = string_values([], ["curl/*", "*/7*"])

    matched = {(wildcard_match("curl/*", v), wildcard_match("*/7*", v)) for v in found.values}

    assert matched == {(True, True), (True, False), (False, True), (False, False)}


def test_a_constant_differing_only_in_case_is_met_by_another_spelling():
    found = string_values(["prod"], [], ["prod"])

    assert "prod" in found.values
    assert any(v != "prod" and v.casefold() == "prod" for v in found.values)


def test_a_class_is_all_constants_only_when_no_other_spelling_folds_alike():
    # found by a brute-force walk: "ſ" (long s) folds to "s" like "S" does
    found = string_values(["S", "s"], [], ["S"])

    assert "ſ" in found.values
    assert found.complete


def test_known_regions_are_preferred_as_witnesses():
    found = string_values([], ["cn-north-*"], preferred=["ap-southeast-1", "cn-north-4"])

    assert "cn-north-4" in found.values


def test_numbers_are_each_constant_and_the_points_around_them():
    assert number_values([3.0, 1.0]).values == (0, 1, 2, 3, 4)
    assert number_values([0.5]).values == (-0.5, 0.5, 1.5)


def test_dates_are_each_instant_and_the_points_around_them():
    values = date_values([parse_date("2026-01-01T00:00:00Z"), parse_date("2026-01-03T00:00Z")])

    assert values.values == (
        "2025-12-31T00:00:00Z",
        "2026-01-01T00:00:00Z",
        "2026-01-02T00:00:00Z",
        "2026-01-03T00:00:00Z",
        "2026-01-04T00:00:00Z",
    )


def test_addresses_fall_in_every_interval_the_blocks_cut_and_blocks_are_values_too():
    blocks = [ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("10.0.0.0/9")]
    blocks.append(ipaddress.ip_network("10.128.0.0/9"))

    values = ip_values(blocks).values

    chains = {
        frozenset(
            i
            for i, b in enumerate(blocks)
            if ipaddress.ip_network(v).version == 4 and ipaddress.ip_network(v).subnet_of(b)
        )
        for v in values
    }
    assert chains == {frozenset(), frozenset({0, 1}), frozenset({0, 2}), frozenset({0})}
    assert "10.0.0.0/8" in values  # only a block itself is in the /8 and in neither half


def test_sets_meet_for_any_value_and_for_all_values_readings(ims):
    doc = policy(
        deny(
            "ims:images:create",
            Condition={
                "ForAnyValue:StringEquals": {"g:TagKeys": ["a"]},
                "ForAllValues:StringEquals": {"g:TagKeys": ["a", "b"]},
            },
        )
    )
    clauses = compile_policy(doc, ims).statements[0].clauses
    singles = element_values(clauses, "string").values

    sets, finished = set_values([(v,) for v in singles], clauses)

    assert finished
    chosen = [{singles[j] for j in s} for s in sets]
    # some value is a (ForAnyValue holds) but not every value is a or b (ForAllValues fails):
    # no single value does both
    assert any("a" in s and s - {"a", "b"} for s in chosen)


@pytest.mark.parametrize(
    "key_type, operator, complete",
    [
        ("string", "NumberLessThan", True),  # a number written as a string is still one
        ("number", "DateLessThan", True),  # no number reads as a date: never decides
        ("boolean", "StringEquals", True),  # every spelling of true and false is tried
        ("number", "StringEquals", True),  # each constant, and each class spelled otherwise
        ("number", "StringMatch", False),  # too many spellings to try against patterns
    ],
)
def test_keys_compared_in_another_family_are_covered_only_when_it_can_be_exact(
    ims, key_type, operator, complete
):
    doc = policy(deny(Condition={operator: {"custom:key": ["5*" if "Match" in operator else "5"]}}))
    clauses = compile_policy(doc, ims).statements[0].clauses

    assert element_values(clauses, key_type).complete is complete


def test_the_case_folding_ranges_hold_every_character_that_folds():
    ranges = [range(a, b + 1) for a, b in _FOLDING_RANGES]

    folding = [c for c in range(0x110000) if chr(c).casefold() != chr(c)]

    assert all(any(c in r for r in ranges) for c in folding)
