"""Which statements of a policy may apply to each action, kept by those statements.

The editor and the REST API compile the policy of every request again, from statements
the statement memory keeps; the index (and the candidate serials found through it) is
kept by the statements' serials and shared by every policy made of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from scpstudio.engine.statement_memory import BoundedMemo, forgotten_with_statements

# A compiled statement (engine.policy.Statement, which imports this module): its serial,
# usable, any_action, not_action, matched and index are read.
Statement = Any

# The actions' serials an index keeps (each policy of a whole catalog's preview asks
# every action of a catalog of some 15,000).
MAX_KEPT_SERIALS = 20_000


class PolicyIndex:
    """The statements that may apply to each catalog action a statement names (in the
    policy's order, those that may apply to any action among them), and those that may
    apply to any action."""

    __slots__ = ("by_action", "general", "serials")

    def __init__(self, statements: Sequence[Statement]) -> None:
        # `statements` in the policy's order (their `index` ascending)
        general = [s for s in statements if s.usable and (s.any_action or s.not_action)]
        named: dict[str, list[Statement]] = {}
        for s in statements:
            if s.usable and not (s.any_action or s.not_action):
                for folded in s.matched:
                    named.setdefault(folded, []).append(s)
        by_action: dict[str, tuple[Statement, ...]]
        if general:
            by_action = {
                folded: tuple(sorted(found + general, key=_place))
                for folded, found in named.items()
            }
        else:  # each list is in the statements' order already
            by_action = {folded: tuple(found) for folded, found in named.items()}
        self.by_action = by_action
        self.general: tuple[Statement, ...] = tuple(general)
        # candidate serials by action name (Policy.candidate_serials), at most
        # MAX_KEPT_SERIALS of them
        self.serials: dict[str, tuple[int, ...]] = {}


def _place(s: Statement) -> int:
    return s.index  # type: ignore[no-any-return]


_INDEXES = forgotten_with_statements(BoundedMemo(256))


def policy_index(statements: Sequence[Statement]) -> PolicyIndex:
    """The index of these statements, the same object for the same statements."""
    key = tuple([s.serial for s in statements])
    found: PolicyIndex = _INDEXES.get_or_make(key, lambda: PolicyIndex(statements))
    return found
