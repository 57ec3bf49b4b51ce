"""Which statements of a policy may apply to each action, kept by those statements.

The editor and the REST API compile the policy of every request again, from statements
the statement memory keeps; the index (and the candidate serials found through it) is
kept by the statements' serials and shared by every policy made of them.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any

from scpstudio.engine.statement_memory import BoundedMemo, forgotten_with_statements

# A compiled statement (engine.policy.Statement, which imports this module): its serial,
# usable, any_action, not_action, matched, index, literals and by_service are read.
Statement = Any

# The actions' serials an index keeps (each policy of a whole catalog's preview asks
# every action of a catalog of some 15,000).
MAX_KEPT_SERIALS = 20_000


class PolicyIndex:
    """The statements that may apply to each catalog action a statement names (in the
    policy's order, those that may apply to any action among them), and those that may
    apply to any action."""

    __slots__ = (
        "statements", "key", "by_action", "general", "serials", "exceptions", "literals",
        "patterns",
    )  # fmt: skip

    def __init__(self, statements: Sequence[Statement]) -> None:
        self.statements = tuple(statements)
        self.key = tuple([s.serial for s in statements])  # what `policy_index` keeps it by
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
        # What engine.evaluate_many asks of the policy on every preview, worked out once:
        # the catalog actions (case-folded) a statement singles out (those an Action lists,
        # `by_action`'s keys, not copied, and those a NotAction lists: the exceptions to
        # it), and which actions the catalog lacks a statement may name (the literal names
        # and the patterns, by service, of the statements whose Action is not "*")
        self.exceptions = [s.matched for s in general if s.not_action and s.matched]
        literals: set[str] = set()
        patterns: dict[str, list[str]] = {}
        for s in statements:
            if not s.any_action:
                literals.update(s.literals)
                for service, found in s.by_service.items():
                    patterns.setdefault(service, []).extend(found)
        self.literals = frozenset(literals)
        self.patterns = {service: tuple(found) for service, found in patterns.items()}


def _place(s: Statement) -> int:
    return s.index  # type: ignore[no-any-return]


# The index of a keystroke's policy is most often never asked for by its statements again
# (the next keystroke's policy differs): it waits among the fresh ones, and is kept among
# the 256 only when asked for again.
_INDEXES = forgotten_with_statements(BoundedMemo(256, fresh=32))

# Indexes compared with a new one to find the policy it was edited from, and how many of
# their statements may differ from its.
NEAR_INDEXES = 8
MAX_CHANGED = 3
# The indexes of the latest policies analysed, made or found (`prior_decisions` reads them)
_LATEST = forgotten_with_statements(BoundedMemo(NEAR_INDEXES))


def policy_index(statements: Sequence[Statement]) -> PolicyIndex:
    """The index of these statements, the same object for the same statements."""
    key = tuple([s.serial for s in statements])
    found: PolicyIndex | None = _INDEXES.get(key)
    if found is None:
        found = PolicyIndex(statements)
        _INDEXES.put(found.key, found)
    _LATEST.put(found.key, found)
    return found


# The decisions a preview made for the actions a policy's statements name, by its index
# and what else they depend on (engine.evaluate_many: the requests, the level): the next
# keystroke's policy starts from them (`prior_decisions`). Kept for the latest few only,
# since only the latest indexes are looked at.
_DECIDED = forgotten_with_statements(BoundedMemo(2 * NEAR_INDEXES))


def prior_decisions(index: PolicyIndex, key: Any) -> tuple[dict[str, Any], frozenset[str]] | None:
    """Decisions made under `key` for a policy of these statements, or of statements that
    differ from them at a few places in the array (the policy the latest keystroke was
    made in), with the case-folded actions whose decisions may differ: those the
    statements at those places, before and after, name. None when there are none, or
    when a statement at such a place may apply to any action (every decision may differ).
    A statement at the same place with the same serial is the same compiled statement."""
    found = _DECIDED.get((index, key))
    if found is not None:
        return found, frozenset()
    best: tuple[PolicyIndex, dict[str, Any], int] | None = None
    size = len(index.statements)
    for other in _LATEST.recent(NEAR_INDEXES):
        if other is index or len(other.statements) != size:
            continue
        # how many places hold another statement, counted before the decisions are looked up
        changed = sum(map(operator.ne, other.key, index.key))
        if changed > MAX_CHANGED or (best is not None and changed >= best[2]):
            continue
        decided = _DECIDED.get((other, key))
        if decided is not None:
            best = (other, decided, changed)
    if best is None:
        return None
    other, decided, _ = best
    places = [i for i, (a, b) in enumerate(zip(other.key, index.key, strict=True)) if a != b]
    affected: set[str] = set()
    for i in places:
        for s in (other.statements[i], index.statements[i]):
            if not s.usable:
                continue  # in no candidate list
            if s.any_action or s.not_action:
                return None
            affected.update(s.matched)
    return decided, frozenset(affected)


def keep_decisions(index: PolicyIndex, key: Any, decided: dict[str, Any]) -> None:
    _DECIDED.put((index, key), decided)
