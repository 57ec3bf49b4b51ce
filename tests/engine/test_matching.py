"""Wildcards and many-against-many values: linear matchers that agree with the definitions."""

from __future__ import annotations

import ipaddress
import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from scpstudio.engine.operators import OPERATORS, ValueMatcher, compare, prepare_value
from scpstudio.engine.wildcard import wildcard_match


def _by_definition(pattern: str, text: str) -> bool:
    """`*` is any run, `?` one character: as a regular expression (fine for short input)."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, text, re.DOTALL) is not None


@st.composite
def _pattern_and_text(draw):
    """A text, and a pattern written from it (so that it often matches) or at random."""
    text = draw(st.text("ab:", max_size=12))
    if draw(st.booleans()):
        return draw(st.text("ab*?:", max_size=9)), text
    pattern = []
    for char in text:
        # keep the character, make it `?`, swallow it into a `*`, or add a `*` before it
        move = draw(st.sampled_from(["keep", "keep", "?", "*", "*+", "swap"]))
        pattern.append(
            {
                "keep": char,
                "?": "?",
                "*": "*",
                "*+": "*" + char,
                "swap": "b" if char == "a" else "a",
            }[move]
        )
    return "".join(pattern) + draw(st.sampled_from(["", "*", "?", "a"])), text


@settings(max_examples=3_000, deadline=None)
@given(case=_pattern_and_text())
@example(case=("*a*b", "aab"))
@example(case=("*a*a*", "aa"))
@example(case=("a*", ""))
@example(case=("*?", ""))
@example(case=("?*?", "a"))
@example(case=("**", ""))
@example(case=("a*a", "a"))
def test_wildcard_match_agrees_with_the_definition(case):
    pattern, text = case

    assert wildcard_match(pattern, text) is _by_definition(pattern, text)


def test_case_is_ignored_only_when_asked():
    assert wildcard_match("IMS:*:List*", "ims:images:listimages", ignore_case=True)
    assert not wildcard_match("IMS:*:List*", "ims:images:listimages")


def test_a_long_pattern_against_a_long_text_gives_the_right_answer():
    pattern = "*" + "a" * 400 + "b"

    assert not wildcard_match(pattern, "a" * 40_000)
    assert wildcard_match(pattern, "a" * 40_000 + "b")
    assert wildcard_match("*a?" * 200 + "*", "ab" * 20_000)


STRING_OPS = ["StringEquals", "StringEqualsIgnoreCase", "StringMatch"]
_strings = st.text("aAb*?", max_size=5)


@settings(max_examples=800, deadline=None)
@given(
    name=st.sampled_from(STRING_OPS),
    policy=st.lists(_strings, max_size=6),
    request=st.text("aAb", max_size=6),
)
@example(name="StringMatch", policy=["*"], request="")
@example(name="StringMatch", policy=["a*", "*b", "a?b"], request="ab")
def test_string_values_match_as_pair_by_pair(name, policy, request):
    spec = OPERATORS[name]
    prepared = tuple(prepare_value("string", p) for p in policy)

    indexed = ValueMatcher(spec, prepared).matches(request)

    assert indexed is any(compare(spec, request, p) for p in prepared)


NUMBER_OPS = [n for n, s in OPERATORS.items() if s.family in ("number", "date")]


@settings(max_examples=600, deadline=None)
@given(
    name=st.sampled_from(NUMBER_OPS),
    policy=st.lists(st.integers(-3, 3) | st.sampled_from(["x", "2", "-1.5"]), max_size=5),
    request=st.integers(-4, 4),
)
def test_numbers_and_dates_match_as_pair_by_pair(name, policy, request):
    spec = OPERATORS[name]
    if spec.family == "date":
        policy = [f"2026-01-0{abs(p) + 1}T00:00:00Z" if isinstance(p, int) else p for p in policy]
        request = f"2026-01-0{abs(request) + 1}"
    prepared = tuple(prepare_value(spec.family, p) for p in policy)
    value = prepare_value(spec.family, request)

    indexed = ValueMatcher(spec, prepared).matches(value)

    assert indexed is any(compare(spec, value, p) for p in prepared)


_networks = st.builds(
    lambda a, b, n: f"10.{a}.{b}.0/{n}", st.integers(0, 3), st.integers(0, 3), st.integers(8, 32)
) | st.sampled_from(["::/0", "2001:db8::/32", "0.0.0.0/0", "bad"])
_ips = st.builds(
    lambda a, b, c: f"10.{a}.{b}.{c}", st.integers(0, 3), st.integers(0, 3), st.integers(0, 3)
)


@settings(max_examples=600, deadline=None)
@given(
    name=st.sampled_from(["IpAddress", "NotIpAddress"]),
    policy=st.lists(_networks, max_size=6),
    request=_ips | st.sampled_from(["2001:db8::1", "10.1.0.0/16", "::1"]),
)
def test_addresses_match_as_pair_by_pair(name, policy, request):
    spec = OPERATORS[name]
    prepared = tuple(prepare_value("ip", p) for p in policy)
    value = prepare_value("ip", request)

    indexed = ValueMatcher(spec, prepared).matches(value)

    assert indexed is any(compare(spec, value, p) for p in prepared)


def test_a_network_inside_a_wider_one_matches_and_one_straddling_does_not():
    spec = OPERATORS["IpAddress"]
    prepared = tuple(prepare_value("ip", p) for p in ["10.0.0.0/16", "10.2.0.0/24"])
    matcher = ValueMatcher(spec, prepared)

    assert matcher.matches(ipaddress.ip_network("10.0.3.0/24"))
    assert not matcher.matches(ipaddress.ip_network("10.2.0.0/23"))
    assert not matcher.matches(ipaddress.ip_network("10.1.0.1/32"))
