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


def change(
    before: Outcome,
    after: Outcome,
    before_possible: frozenset[Outcome] | None = None,
    after_possible: frozenset[Outcome] | None = None,
) -> OutcomeChange:
    """A conditional outcome may be denied or allowed unless said otherwise."""

    def possible(outcome: Outcome, given: frozenset[Outcome] | None) -> frozenset[Outcome]:
        if given is not None:
            return given
        return frozenset({D, A}) if outcome is C else frozenset({outcome})

    return OutcomeChange(
        "api", "GET", "/v2/images", "", "", before, after,
        possible(before, before_possible), possible(after, after_possible),
    )  # fmt: skip


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


REFUSED_EITHER_WAY = frozenset({D, N})


@pytest.mark.parametrize("other", [D, N])
def test_a_conditional_outcome_that_can_only_be_refused_ranks_with_the_refusals(other):
    never = change(other, C, after_possible=REFUSED_EITHER_WAY)
    back = change(C, other, before_possible=REFUSED_EITHER_WAY)

    assert not moves(never, Direction.NEWLY_ALLOWED) and not moves(never, "newly-denied")
    assert not moves(back, Direction.NEWLY_ALLOWED) and not moves(back, "newly-denied")
    assert moves(change(A, C, after_possible=REFUSED_EITHER_WAY), Direction.NEWLY_DENIED)


def test_a_conditional_outcome_that_may_now_be_allowed_is_newly_allowed():
    opened = change(C, C, before_possible=REFUSED_EITHER_WAY, after_possible=frozenset({D, A}))

    assert moves(opened, Direction.NEWLY_ALLOWED)
    assert not moves(opened, Direction.NEWLY_DENIED)


def test_a_conditional_outcome_changing_within_its_rank_moves_only_for_any():
    widened = change(C, C, frozenset({N, A}), frozenset({D, N, A}))

    assert not moves(widened, Direction.NEWLY_ALLOWED)
    assert not moves(widened, Direction.NEWLY_DENIED)
    assert moves(widened, Direction.ANY)
