"""The engine never raises and never stalls, whatever it is handed as a policy or context.

A context the engine cannot read raises EngineInputError, its documented sentence for bad
input; anything else escaping, or a call taking over two seconds, is a failure.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from scpstudio.engine import (
    EngineInputError,
    Severity,
    analyze_policy,
    diff_policies,
    parse_policy,
    preview_policy,
    to_minified,
    to_pretty,
    validate_policy,
)
from tests.fuzz.budget import fuzz
from tests.fuzz.strategies import (
    CATALOG,
    EIGHT_THOUSAND_SQUARED,
    EIGHT_THOUSAND_SQUARED_PLAIN,
    HOSTILE_STRINGS,
    INFINITE_NUMBER_TEXT,
    KNOWN_HOSTILE_PREVIEWS,
    PATTERN_VS_HUGE_IMAGE_ID,
    PROFILES,
    THOUSAND_CIDRS_VS_THOUSAND_IPS,
    WILDCARD_VS_HUGE_USER_AGENT,
    any_policy,
    contexts,
    policies,
)


def _serialized(result: Any) -> str:
    """What the API and the CLI print: the result's JSON must be writable, and JSON (no
    NaN or Infinity from a 1e999 in the policy)."""
    return json.dumps(result.to_json(), ensure_ascii=True, allow_nan=False)


def _no_constant(name: str) -> Any:
    raise AssertionError(f"{name} is not JSON")


def _canonical_texts(policy: Any) -> tuple[str, str] | None:
    """The editor's and the exports' writers: what they write reads back as strict JSON."""
    parsed = parse_policy(policy)
    if not parsed.ok:
        return None
    texts = to_pretty(parsed.value()), to_minified(parsed.value())
    for text in texts:
        json.loads(text, parse_constant=_no_constant)
    return texts


CALLS = {
    "parse_policy": lambda policy, profile, context, other: _serialized(parse_policy(policy)),
    "validate_policy": lambda policy, profile, context, other: _serialized(
        validate_policy(policy, CATALOG, profile)
    ),
    "preview_policy": lambda policy, profile, context, other: _serialized(
        preview_policy(policy, CATALOG, profile, context)
    ),
    "preview_policy_alone": lambda policy, profile, context, other: _serialized(
        preview_policy(policy, CATALOG, profile, context, full_access=False)
    ),
    "analyze_policy": lambda policy, profile, context, other: _serialized(
        analyze_policy(policy, CATALOG, profile, context)
    ),
    "diff_policies": lambda policy, profile, context, other: _serialized(
        diff_policies(other, policy, CATALOG, profile, context)
    ),
    "to_pretty_and_minified": lambda policy, profile, context, other: _canonical_texts(policy),
}


def _pinned(case: tuple[Any, Any], profile: str) -> Any:
    policy, context = case
    return example(policy=policy, context=context, profile=profile)


def _call(timed: Any, name: str, policy: Any, profile: str, context: Any, other: Any) -> None:
    try:
        timed(CALLS[name], policy, profile, context, other)
    except EngineInputError as exc:  # the documented sentence for a context it cannot read
        assert str(exc).strip(), "EngineInputError without a sentence"


@pytest.mark.parametrize("name", sorted(CALLS))
@fuzz(200)
@given(
    policy=any_policy,
    profile=st.sampled_from(PROFILES),
    context=st.one_of(st.none(), contexts()),
    other=st.one_of(policies(), st.just("")),
)
@example(policy=INFINITE_NUMBER_TEXT, profile="scp", context=None, other="")
@example(policy=float("inf"), profile="scp", context=None, other="")
@example(policy="[" * 100_000, profile="scp", context=None, other="")
@example(policy='{"Version": "5.0", "Statement": -0}', profile="scp", context=None, other="")
@example(policy="9" * 5_000, profile="scp", context=None, other="")
@example(policy="\ud800", profile="identity", context=None, other="")
@example(policy="\x00", profile="scp", context=None, other="")
def test_the_engine_never_raises_on_any_policy(timed, name, policy, profile, context, other):
    _call(timed, name, policy, profile, context, other)


@pytest.mark.parametrize("name", ["preview_policy", "diff_policies"])
@pytest.mark.parametrize(
    "case",
    KNOWN_HOSTILE_PREVIEWS,
    ids=[
        "wildcard-vs-40k",
        "1000-cidrs",
        "8000-squared",
        "8000-squared-plain",
        "urn-vs-40k",
        "1e999",
    ],
)
def test_known_hostile_previews_end(timed, name, case):
    policy, context = case

    _call(timed, name, policy, "scp", context, "")


@pytest.mark.parametrize("name", sorted(CALLS))
@pytest.mark.parametrize("text", HOSTILE_STRINGS, ids=range(len(HOSTILE_STRINGS)))
def test_every_hostile_string_as_a_whole_policy(timed, name, text):
    _call(timed, name, text, "scp", None, "")


@fuzz(400)
@given(
    policy=policies(),
    context=contexts(),
    profile=st.sampled_from(PROFILES),
)
@_pinned(WILDCARD_VS_HUGE_USER_AGENT, "scp")
@_pinned(THOUSAND_CIDRS_VS_THOUSAND_IPS, "scp")
@_pinned(EIGHT_THOUSAND_SQUARED, "identity")
@_pinned(EIGHT_THOUSAND_SQUARED_PLAIN, "scp")
@_pinned(PATTERN_VS_HUGE_IMAGE_ID, "scp")
def test_a_hostile_context_never_breaks_the_preview(timed, policy, context, profile):
    _call(timed, "analyze_policy", policy, profile, context, "")


@pytest.mark.parametrize("number", ["1e999", "-1e999", "1" + "0" * 400 + ".5"])
def test_a_number_out_of_range_is_an_error_finding(number):
    text = INFINITE_NUMBER_TEXT.replace("1e999", number)

    result = validate_policy(text, CATALOG, "scp")

    assert any(f.severity is Severity.ERROR for f in result.findings), number
