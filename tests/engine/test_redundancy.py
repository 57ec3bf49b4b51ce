"""Redundancy reads only entries without errors (issue #9, item 3)."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from scpstudio.engine.policy import compile_policy
from scpstudio.engine.profiles import get_profile
from scpstudio.engine.report import Report
from scpstudio.engine.validate_semantics import _may_cover, _Shape
from tests.engine.conftest import load_shipped_catalog
from tests.engine.helpers import codes, deny, policy

CATALOG = load_shipped_catalog()
RELAXED = [HealthCheck.too_slow, HealthCheck.filter_too_much]
REDUNDANCY = {"REDUNDANT_ACTION", "REDUNDANT_RESOURCE", "REDUNDANT_STATEMENT"}
SOUND_ACTIONS = [
    "ims:images:get",
    "ims:images:share",
    "IMS:Images:Share",
    "ims:images:*",
    "ims:*:*",
    "ims:images:list*",
    "obs:object:GetObject",
    "obs:*:*",
]
# each one an error finding about the pattern itself, at its own path (scp profile)
FAULTY_ACTIONS = [
    "ims:*",
    "ims:images",
    "*",
    "*:*:*",
    "ims:*:*:*",
    "ims:nothing*:*",
    "ims:images:gett",
    "ims::get",
    "*:images:*",
]
SOUND_RESOURCES = ["*", "ims:*:*:image:*", "ims:cn-north-4:*:image:*"]
FAULTY_RESOURCES = ["ims:*:*:images:*", "ims:*:image:*", "ims:*:*::*", "x"]


def _redundancy(doc: dict[str, Any]) -> set[tuple[str, str]]:
    return {(c, p) for c, p in codes(doc, CATALOG) if c in REDUNDANCY}


def test_invalid_pattern_covers_no_other_action(ims):
    found = codes(policy(deny(["IMS:Images:Share", "ims:*"])), ims)

    assert ("INVALID_ACTION_FORMAT", "/Statement/0/Action/1") in found
    assert not {c for c, _ in found} & REDUNDANCY


def test_statement_with_invalid_pattern_makes_no_other_redundant(ims):
    doc = policy(deny(["ims:*"]), deny("ims:images:share"), deny("ims:images:get"))

    assert "REDUNDANT_STATEMENT" not in {c for c, _ in codes(doc, ims)}


def test_invalid_pattern_is_not_called_redundant(ims):
    found = codes(policy(deny(["ims:images:*", "ims:images:gett", "ims:images:gett"])), ims)

    assert not {c for c, _ in found} & REDUNDANCY


def test_invalid_urn_covers_no_other_resource(ims):
    found = codes(policy(deny(Resource=["ims:*:*:images:*", "ims:*:*:image:abc"])), ims)

    assert "REDUNDANT_RESOURCE" not in {c for c, _ in found}


def test_valid_patterns_still_cover(ims):
    found = codes(policy(deny(["ims:images:*", "ims:*", "ims:images:get"])), ims)

    assert ("REDUNDANT_ACTION", "/Statement/0/Action/2") in found


def test_every_faulty_pattern_has_an_error_at_its_path(ims):
    for text in FAULTY_ACTIONS:
        found = codes(policy(deny(["ims:images:get", text])), ims)
        errors = {p for c, p in found if c not in REDUNDANCY}
        assert "/Statement/0/Action/1" in errors, text


_statements = st.lists(
    st.fixed_dictionaries(
        {
            "actions": st.lists(st.sampled_from(SOUND_ACTIONS), min_size=1, max_size=4),
            "resources": st.none() | st.lists(st.sampled_from(SOUND_RESOURCES), max_size=3),
        }
    ),
    min_size=1,
    max_size=4,
)


def _doc(statements: list[dict[str, Any]]) -> dict[str, Any]:
    out = []
    for s in statements:
        stmt = deny(list(s["actions"]))
        if s["resources"] is not None:
            stmt["Resource"] = list(s["resources"])
        out.append(stmt)
    return policy(*out)


@settings(max_examples=200, deadline=None, suppress_health_check=RELAXED)
@given(
    statements=_statements,
    where=st.integers(min_value=0, max_value=3),
    faulty=st.sampled_from(FAULTY_ACTIONS),
)
@example(statements=[{"actions": ["ims:images:*"], "resources": None}] * 2, where=1, faulty="ims:*")
def test_adding_an_invalid_action_never_adds_a_redundancy_finding(statements, where, faulty):
    before = _redundancy(_doc(statements))
    i = where % len(statements)
    changed = [dict(s) for s in statements]
    changed[i]["actions"] = [*changed[i]["actions"], faulty]

    after = _redundancy(_doc(changed))

    assert after <= before


@settings(max_examples=100, deadline=None, suppress_health_check=RELAXED)
@given(
    statements=_statements,
    where=st.integers(min_value=0, max_value=3),
    faulty=st.sampled_from(FAULTY_RESOURCES),
)
def test_adding_an_invalid_urn_never_adds_a_redundancy_finding(statements, where, faulty):
    before = _redundancy(_doc(statements))
    i = where % len(statements)
    changed = [dict(s) for s in statements]
    changed[i]["resources"] = [*(changed[i]["resources"] or []), faulty]

    after = _redundancy(_doc(changed))

    assert after <= before


def test_an_error_about_pairing_does_not_stop_an_entry_from_covering(ims):
    doc = policy(deny(["ims:images:*", "ims:images:list*"], Resource=["ims:*:*:image:*"]))

    found = codes(doc, ims)

    assert ("UNSUPPORTED_RESOURCE_URN", "/Statement/0/Action/1") in found
    assert ("REDUNDANT_ACTION", "/Statement/0/Action/1") in found


@settings(max_examples=100, deadline=None, suppress_health_check=RELAXED)
@given(
    st.lists(st.lists(st.sampled_from([*SOUND_ACTIONS, "*"]), min_size=1, max_size=3), max_size=8)
)
def test_the_statements_that_may_cover_another_are_those_matching_its_pivot(actions):
    # _may_cover finds them through each statement's matched actions and the pivots (a set
    # intersection) instead of trying every pair: it must find exactly the pairs tried.
    compiled = compile_policy(policy(*[deny(a) for a in actions]), CATALOG)
    report = Report(compiled.parse, CATALOG, get_profile("scp"))
    pairs = [(s, _Shape(s, report)) for s in compiled.statements]

    found = _may_cover(pairs)

    for j, (_, b) in enumerate(pairs):
        if b.pivot is None:
            continue
        tried = [i for i, (sa, _) in enumerate(pairs) if sa.any_action or b.pivot in sa.matched]
        assert found[j] == tried
