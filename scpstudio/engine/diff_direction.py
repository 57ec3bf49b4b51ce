"""Which way an API's change goes, for `scp_diff --fail-on`: the exact diff's answer.

* newly-allowed: some request the old version refused is allowed by the new one, or the
  diff could not rule that out within its budget (a pipeline's guard must not pass what
  it could not check);
* newly-denied: the reverse;
* any: any change the diff lists, a request refused otherwise included (by a Deny on one
  side, by nothing allowing it on the other).

The diff (`engine.diff`) decides each direction over every request; this module only
reads its answer.
"""

from __future__ import annotations

from enum import StrEnum

from scpstudio.engine.diff import UNDECIDED, OutcomeChange
from scpstudio.engine.diff_search import NEWLY_ALLOWED, NEWLY_DENIED


class Direction(StrEnum):
    NEWLY_DENIED = "newly-denied"
    NEWLY_ALLOWED = "newly-allowed"
    ANY = "any"


_ASKED = {Direction.NEWLY_ALLOWED: NEWLY_ALLOWED, Direction.NEWLY_DENIED: NEWLY_DENIED}


def moves(change: OutcomeChange, direction: Direction | str) -> bool:
    """Whether `change` (an entry of the diff) goes, or may go, in `direction`."""
    direction = Direction(direction)
    if direction is Direction.ANY:
        return True
    found = dict(change.exact.status).get(_ASKED[direction], "none")
    return found in ("found", UNDECIDED)
