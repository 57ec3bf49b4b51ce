"""--fail-on's directions over the four outcomes: newly-denied when access falls, newly-allowed
when it rises, any for every change."""

from __future__ import annotations

import itertools

import pytest

from scpstudio.engine.decision import Outcome
from scpstudio.engine.diff import OutcomeChange
from scpstudio.engine.diff_direction import Direction, moves

A, C, D, N = Outcome.ALLOWED, Outcome.CONDITIONAL, Outcome.DENIED, Outcome.NOT_ALLOWED
FALLS = {(A, C), (A, D), (A, N), (C, D), (C, N)}
RISES = {(after, before) for before, after in FALLS}


def change(before: Outcome, after: Outcome) -> OutcomeChange:
    return OutcomeChange(
        "api", "GET", "/v2/images", "", "", before, after, frozenset({before}), frozenset({after})
    )


@pytest.mark.parametrize("before, after", list(itertools.product([A, C, D, N], repeat=2)))
def test_each_pair_of_outcomes_moves_in_the_documented_direction(before, after):
    moved = change(before, after)

    denied = moves(moved, Direction.NEWLY_DENIED)
    allowed = moves(moved, "newly-allowed")

    assert denied == ((before, after) in FALLS)
    assert allowed == ((before, after) in RISES)
    assert moves(moved, Direction.ANY)


def test_denied_and_not_allowed_are_both_refusals_so_neither_direction_moves():
    assert not moves(change(D, N), Direction.NEWLY_ALLOWED)
    assert not moves(change(N, D), Direction.NEWLY_DENIED)


def test_an_unknown_direction_is_refused():
    with pytest.raises(ValueError):
        moves(change(A, D), "sideways")
