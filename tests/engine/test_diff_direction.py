"""--fail-on's directions read the exact diff's answer: newly-allowed when some request is
newly allowed (or that could not be ruled out), newly-denied the reverse, any for every
entry."""

from __future__ import annotations

import pytest

from scpstudio.engine.diff import diff_policies
from scpstudio.engine.diff_direction import Direction, moves
from tests.engine.helpers import allow, deny, policy

SHARE = "POST /v2/images/{image_id}/members"
LIST = "GET /v2/cloudimages"


def entry(before, after, catalog, label, **kwargs):
    kwargs.setdefault("budget_ms", 60_000)
    diff = diff_policies(before, after, catalog, **kwargs)
    return next(c for c in diff.of_kind("api") if f"{c.method} {c.path}" == label)


def guard(*org_paths: str):
    condition = {"ForAnyValue:StringNotMatch": {"ims:TargetOrgPaths": list(org_paths)}}
    return policy(deny("ims:images:share", Condition=condition))


def test_an_ou_added_to_a_guard_moves_newly_allowed_though_both_labels_are_conditional(ims):
    opened = entry(guard("o-1/r-1/ou-a/*"), guard("o-1/r-1/ou-a/*", "o-1/r-1/ou-b/*"), ims, SHARE)

    assert (opened.before.value, opened.after.value) == ("conditional", "conditional")
    assert moves(opened, Direction.NEWLY_ALLOWED)
    assert not moves(opened, "newly-denied")
    assert moves(opened, Direction.ANY)


def test_a_change_both_ways_moves_in_both_directions(ims):
    swapped = entry(guard("o-1/r-1/ou-a/*"), guard("o-1/r-1/ou-b/*"), ims, SHARE)

    assert moves(swapped, Direction.NEWLY_ALLOWED) and moves(swapped, Direction.NEWLY_DENIED)


def test_a_refusal_by_a_deny_instead_of_by_nothing_moves_neither_way(ims):
    before = policy(allow("ims:images:get", Resource="*"))
    after = policy(allow("ims:images:get", Resource="*"), deny("ims:images:list"))

    refused = entry(before, after, ims, LIST, profile="identity")

    assert refused.change == "refusal_changed"
    assert not moves(refused, Direction.NEWLY_ALLOWED)
    assert not moves(refused, Direction.NEWLY_DENIED)
    assert moves(refused, Direction.ANY)


def test_what_the_budget_left_undecided_moves_both_ways(ims):
    undecided = entry(
        guard("o-1/r-1/ou-a/*"), guard("o-1/r-1/ou-a/*", "o-1/r-1/ou-b/*"), ims, SHARE, budget_ms=0
    )

    assert undecided.change == "undecided"
    assert moves(undecided, Direction.NEWLY_ALLOWED) and moves(undecided, Direction.NEWLY_DENIED)


def test_an_unknown_direction_is_refused(ims):
    opened = entry(guard("o-1/r-1/ou-a/*"), guard("o-1/r-1/ou-a/*", "o-1/r-1/ou-b/*"), ims, SHARE)

    with pytest.raises(ValueError):
        moves(opened, "sideways")
