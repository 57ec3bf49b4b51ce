"""Bin packing for `engine.packing`: whole statements into as few documents as possible.

A statement weighs its minified size plus one (its comma); a document holds `capacity`
(the quota less the document's own 31 characters), at most `MAX_STATEMENTS` statements and
at most `MAX_WILDCARD_ACTIONS` action patterns with a wildcard (`engine.limits`: so that
every proposed document can be opened and previewed).

Bin packing is NP-hard. `first_fit_decreasing` (heaviest first, each into the first
document with room) uses at most 11/9 of the fewest plus 6/9 (Dósa, 2007), which on the
few documents one node holds (5 slots) is the fewest or one more. `lower_bound` gives a
count no packing can beat, and `fewer` looks for a packing into k documents by
depth-first search, with a budget of steps counted (never timed), so the answer is the
same on every machine. `engine.packing.pack` runs them in that order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from scpstudio.engine.limits import MAX_STATEMENTS, MAX_WILDCARD_ACTIONS

# documents the search for fewer documents may look at, in all (about 0.1 s of CPU)
SEARCH_BUDGET = 200_000


class Packable(Protocol):
    @property
    def weight(self) -> int: ...

    @property
    def wildcards(self) -> int: ...


T = TypeVar("T", bound=Packable)


@dataclass(slots=True)
class Bin(Generic[T]):
    chars: int
    count: int
    wild: int
    items: list[T]

    def takes(self, s: T) -> bool:
        return s.weight <= self.chars and self.count >= 1 and s.wildcards <= self.wild

    def put(self, s: T) -> None:
        self.chars -= s.weight
        self.count -= 1
        self.wild -= s.wildcards
        self.items.append(s)

    def take_back(self, s: T) -> None:
        self.items.pop()
        self.chars += s.weight
        self.count += 1
        self.wild += s.wildcards


def first_fit_decreasing(items: list[T], capacity: int) -> list[Bin[T]]:
    bins: list[Bin[T]] = []
    for s in items:
        for b in bins:
            if b.takes(s):
                b.put(s)
                break
        else:
            b = Bin(capacity, MAX_STATEMENTS, MAX_WILDCARD_ACTIONS, [])
            b.put(s)
            bins.append(b)
    return bins


def lower_bound(items: Sequence[T], capacity: int) -> int:
    """No packing of these statements into documents of this capacity uses fewer."""
    if not items:
        return 0
    by_weight = -(-sum(s.weight for s in items) // capacity)
    heavy = sum(1 for s in items if 2 * s.weight > capacity)
    by_count = -(-len(items) // MAX_STATEMENTS)
    by_wild = -(-sum(s.wildcards for s in items) // MAX_WILDCARD_ACTIONS)
    return max(by_weight, heavy, by_count, by_wild, 1)


class Budget:
    def __init__(self, placements: int) -> None:
        self.left = placements
        self.spent_out = False


def fit(items: list[T], k: int, capacity: int, budget: Budget) -> list[Bin[T]] | None:
    """A packing into `k` documents by depth-first search, or None (none exists, or the
    budget ran out: then `budget.spent_out`). Items come heaviest first; a document is
    tried for an item once per distinct room left, and a branch stops when the room that
    can still be used (room smaller than the lightest item is lost) cannot hold the rest."""
    bins: list[Bin[T]] = []
    left = [0] * (len(items) + 1)  # weight still to place from item i on
    for i in range(len(items) - 1, -1, -1):
        left[i] = left[i + 1] + items[i].weight
    lightest = items[-1].weight if items else 0

    def place(i: int) -> bool:
        if i == len(items):
            return True
        budget.left -= len(bins) + 1  # the documents this step looks at
        if budget.left < 0:
            budget.spent_out = True
            return False
        usable = (k - len(bins)) * capacity + sum(b.chars for b in bins if b.chars >= lightest)
        if usable < left[i]:
            return False
        s = items[i]
        tried: set[tuple[int, int, int]] = set()
        for b in bins:
            state = (b.chars, b.count, b.wild)
            if state in tried or not b.takes(s):
                continue
            tried.add(state)
            b.put(s)
            if place(i + 1):
                return True
            b.take_back(s)
            if budget.spent_out:
                return False
        if len(bins) < k:
            b = Bin(capacity, MAX_STATEMENTS, MAX_WILDCARD_ACTIONS, [])
            b.put(s)
            bins.append(b)
            if place(i + 1):
                return True
            bins.pop()
        return False

    return bins if place(0) else None
