"""Which way an API's outcome moved between two versions of a policy, for `scp_diff
--fail-on`.

Of the four outcomes, a request goes through when it is `allowed`, may or may not when it
is `conditional` (it depends on what the request carries), and never when it is `denied`
(a Deny statement matches) or `not_allowed` (no Allow statement does). So they rank:

    allowed (2)  >  conditional (1)  >  denied = not_allowed (0)

* newly-denied: the rank falls (allowed -> conditional, denied or not_allowed;
  conditional -> denied or not_allowed): some request that went through may now be refused.
* newly-allowed: the rank rises (the same moves the other way): some request that was
  refused may now go through.
* any: any change the diff lists, including denied <-> not_allowed and a conditional
  outcome whose possible results change.

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


ACCESS_RANK = {
    Outcome.ALLOWED: 2,
    Outcome.CONDITIONAL: 1,
    Outcome.DENIED: 0,
    Outcome.NOT_ALLOWED: 0,
}


def moves(change: OutcomeChange, direction: Direction | str) -> bool:
    """Whether `change` (an API whose outcome changed) moved in `direction`."""
    direction = Direction(direction)
    if direction is Direction.ANY:
        return True
    step = ACCESS_RANK[change.after] - ACCESS_RANK[change.before]
    return step < 0 if direction is Direction.NEWLY_DENIED else step > 0
