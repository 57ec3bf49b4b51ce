"""Which way an API's outcome moved between two versions of a policy, for `scp_diff
--fail-on`.

Of the four outcomes, a request goes through when it is `allowed`, never when it is `denied`
(a Deny statement matches) or `not_allowed` (no Allow statement does), and when it is
`conditional` it depends on what the request carries: among the results it may have, it
may go through if `allowed` is one of them, and never if it is not (a Deny that may or may
not apply to what nothing allows). So they rank by access:

    2  allowed
    1  conditional, with allowed among its possible results
    0  denied, not_allowed, and conditional without allowed among them

* newly-denied: the rank falls (allowed -> conditional, denied or not_allowed;
  conditional -> denied or not_allowed): some request that went through may now be refused.
* newly-allowed: the rank rises (the same moves the other way): some request that was
  refused may now go through.
* any: any change the diff lists, including denied <-> not_allowed and a conditional
  outcome whose possible results change within the same rank.

This is the one place that decides; an exact semantic diff can replace it.
"""

from __future__ import annotations

from enum import StrEnum

from scpstudio.engine.decision import Outcome
from scpstudio.engine.diff import OutcomeChange


class Direction(StrEnum):
    NEWLY_DENIED = "newly-denied"
    NEWLY_ALLOWED = "newly-allowed"
    ANY = "any"


def access_rank(outcome: Outcome, possible: frozenset[Outcome]) -> int:
    """2: goes through; 1: may go through, depending on the request; 0: never does."""
    if outcome is Outcome.ALLOWED:
        return 2
    if outcome is Outcome.CONDITIONAL and (Outcome.ALLOWED in possible or not possible):
        return 1
    return 0


def moves(change: OutcomeChange, direction: Direction | str) -> bool:
    """Whether `change` (an API whose outcome changed) moved in `direction`."""
    direction = Direction(direction)
    if direction is Direction.ANY:
        return True
    step = access_rank(change.after, change.after_possible) - access_rank(
        change.before, change.before_possible
    )
    return step < 0 if direction is Direction.NEWLY_DENIED else step > 0
