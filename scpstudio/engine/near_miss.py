"""Near-miss names: which known name a misspelt one most likely means, and whether that
is certain enough to offer as a fix rather than as one suggestion among others.

A name is *certain* when it is the only known name at the smallest edit distance, that
distance is at most 2 and at most a third of the name's length, and every other name is
further away. The *close* names are those within two edits, nearest first, then those
whose pieces (pairs of adjacent characters) mostly agree with the written name's, most
alike first. Everything is compared case-insensitively, on names short enough to be
names (a 10,000-character string is compared with nothing).

Unknown names come from strangers, so a lookup must not cost the catalog's size: names
are looked up in a `NameIndex`, built once per set of names (the catalog's are built once
per snapshot, see `catalog_index`). A lookup reads the index entries of a few of the
written name's rarest pieces and compares only the names found there, with an edit
distance that looks only at the two-edit band. A policy's lookups go through its
`PolicyLookups`: each distinct name is looked up once, and only the first
`MAX_LOOKUPS` distinct names are, while the names compared for them stay within
`COMPARED_PER_POLICY`; the others keep their finding, without suggestions, and the finding
says so (`NOT_LOOKED_UP`). A lookup compares the names that share its rarest pieces,
which in a service of many alike names (`svc:res1:op001`, `svc:res1:op002`, ...) is most of
the service: the second bound keeps a policy's suggestions from costing the catalog's size.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any

_MAX_DISTANCE = 2
_MAX_COMPARED = 200
# An edit changes at most three pieces of a name (a transposition of `ab` in `xaby`
# changes xa, ab and by), so a name within two edits shares all but six of them.
_PIECES_AN_EDIT_CHANGES = 3
_START, _END = "\x02", "\x03"  # pad the ends, so short names have pieces too
MAX_CLOSE = 5

# Distinct unknown names of one policy that get suggestions: a policy with more unknown
# names than this is not a misspelling to fix one by one.
MAX_LOOKUPS = 100
# Known names one policy's lookups may compare in all (about 2.5 microseconds each): every
# one of MAX_LOOKUPS names in a service of 25 alike names, 25 in a service of 100.
COMPARED_PER_POLICY = 2500
NOT_LOOKED_UP = (
    f" (No suggestions: a policy gets them for its first {MAX_LOOKUPS} unknown names at "
    "most, and for fewer where the catalog holds many names alike.)"
)


@dataclass(frozen=True, slots=True)
class NearMiss:
    """The certain name ("" when none is), and every close name, nearest first."""

    certain: str
    close: tuple[str, ...]


NOTHING_NEAR = NearMiss("", ())


def distance(a: str, b: str, limit: int = _MAX_DISTANCE) -> int:
    """Edit distance (with transpositions of neighbours) of `a` and `b`, or `limit + 1`
    when it is larger than `limit`.

    The common start and end are set aside (an edit there gains nothing); the first
    characters that differ then take one of four edits, and the rest is compared the same
    way with one edit fewer to spend; with one edit left, the four are string comparisons.
    With `limit` 2 that is at most five steps, each linear in the names' length: no table
    of `len(a) * len(b)` cells.
    """
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    end = _common_end(a, b)
    return _within(a[: len(a) - end], b[: len(b) - end], limit)


def _within(a: str, b: str, limit: int) -> int:
    """`distance` of `a` and `b`, which may share a start but not an end."""
    start = _common_start(a, b)
    a, b = a[start:], b[start:]
    if not a or not b:
        return min(len(a) + len(b), limit + 1)
    if limit == 0 or abs(len(a) - len(b)) > limit:
        return limit + 1
    swapped = len(a) > 1 and len(b) > 1 and a[0] == b[1] and a[1] == b[0]
    if limit == 1:
        one = a[1:] == b[1:] or a[1:] == b or a == b[1:] or (swapped and a[2:] == b[2:])
        return 1 if one else 2
    spare = limit - 1
    best = min(
        _within(a[1:], b[1:], spare),  # a[0] becomes b[0]
        _within(a[1:], b, spare),  # a[0] deleted
        _within(a, b[1:], spare),  # b[0] inserted
        _within(a[2:], b[2:], spare) if swapped else limit,  # neighbours swapped
    )
    return min(best + 1, limit + 1)


def _common_start(a: str, b: str) -> int:
    """How many characters `a` and `b` share at their start (halving: slices compare in C)."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if a[:middle] == b[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _common_end(a: str, b: str) -> int:
    """How many characters `a` and `b` share at their end."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if a[len(a) - middle :] == b[len(b) - middle :]:
            low = middle
        else:
            high = middle - 1
    return low


def pieces(folded: str) -> frozenset[str]:
    """The pairs of adjacent characters of a (case-folded) name, its ends marked."""
    padded = _START + folded + _END
    return frozenset(padded[i : i + 2] for i in range(len(padded) - 1))


def likeness(a: frozenset[str], b: frozenset[str]) -> float:
    """How much two names' pieces agree, from 0 to 1 (Dice's coefficient)."""
    return 2 * len(a & b) / (len(a) + len(b))


class NameIndex:
    """Known names, indexed by their pieces and lengths for near-miss lookups."""

    __slots__ = ("_names", "_folded", "_pieces", "_postings", "_by_length")

    def __init__(self, names: Iterable[str]) -> None:
        by_folded: dict[str, str] = {}
        for name in names:
            by_folded.setdefault(name.casefold(), name)
        self._names = tuple(by_folded.values())
        self._folded = tuple(by_folded)
        self._pieces = tuple(pieces(f) for f in self._folded)
        postings: dict[str, list[int]] = {}
        by_length: dict[int, list[int]] = {}
        for i, folded in enumerate(self._folded):
            for piece in self._pieces[i]:
                postings.setdefault(piece, []).append(i)
            by_length.setdefault(len(folded), []).append(i)
        self._postings = {p: tuple(ids) for p, ids in postings.items()}
        self._by_length = {n: tuple(ids) for n, ids in by_length.items()}

    def __len__(self) -> int:
        return len(self._names)

    def lookup(self, written: str, cutoff: float = 0.75, count: int = MAX_CLOSE) -> NearMiss:
        """The known names `written` may mean; close ones at least `cutoff` alike."""
        return self.counted_lookup(written, cutoff, count)[0]

    def counted_lookup(
        self, written: str, cutoff: float = 0.75, count: int = MAX_CLOSE
    ) -> tuple[NearMiss, int]:
        """`lookup`, and how many known names it compared `written` with (its cost)."""
        if not written or len(written) > _MAX_COMPARED or not self._names:
            return NOTHING_NEAR, 0
        folded = written.casefold()
        mine = pieces(folded)
        near: list[tuple[int, int]] = []
        alike: list[tuple[float, int]] = []
        within_reach = len(mine) - _MAX_DISTANCE * _PIECES_AN_EDIT_CHANGES
        candidates = self._candidates(folded, mine, cutoff)
        for i in sorted(candidates):
            theirs = self._pieces[i]
            shared = len(mine & theirs)
            # a name within two edits shares all but six of the pieces (see above)
            if shared >= within_reach:
                d = distance(folded, self._folded[i])
                if d <= _MAX_DISTANCE:
                    near.append((d, i))
            score = 2 * shared / (len(mine) + len(theirs))
            if score >= cutoff:
                alike.append((-score, i))
        near.sort()
        alike.sort()
        certain = ""
        if near:
            best, i = near[0]
            alone = len(near) == 1 or near[1][0] > best
            if alone and best * 3 <= len(self._folded[i]):
                certain = self._names[i]
        ranked = dict.fromkeys(self._names[i] for _, i in near)
        ranked.update(dict.fromkeys(self._names[i] for _, i in alike))
        return NearMiss(certain, tuple(ranked)[:count]), len(candidates)

    def _candidates(self, folded: str, mine: frozenset[str], cutoff: float) -> set[int]:
        """Every name within two edits of `folded` or at least `cutoff` alike, and a few
        others: the names listed under any of its `k` rarest pieces, where `k` is one
        more than the pieces such a name may lack."""
        total = len(mine)
        lost_in_edits = _MAX_DISTANCE * _PIECES_AN_EDIT_CHANGES
        # Dice >= cutoff needs at least cutoff * total / (2 - cutoff) shared pieces
        shared = math.ceil(cutoff * total / (2 - cutoff) - 1e-9) if cutoff > 0 else 0
        k = min(total, max(total - shared, lost_in_edits) + 1)
        rarest = sorted(mine, key=lambda p: len(self._postings.get(p, ())))[:k]
        found: set[int] = set()
        for piece in rarest:
            found.update(self._postings.get(piece, ()))
        if total <= lost_in_edits:
            # too few pieces to be sure a name within two edits shares one: read the
            # names of about the same length (short names are few)
            for length in range(len(folded) - _MAX_DISTANCE, len(folded) + _MAX_DISTANCE + 1):
                found.update(self._by_length.get(length, ()))
        return found


def near_miss(written: str, known: Iterable[str], *, cutoff: float = 0.75) -> NearMiss:
    """The known names `written` may mean, for a small set of names used once; names
    looked up often belong in a `NameIndex`."""
    return NameIndex(known).lookup(written, cutoff)


def catalog_index(
    memo: dict[Any, Any], key: Hashable, names: Callable[[], Iterable[str]]
) -> NameIndex:
    """The index of `names()`, built once and kept in `memo` (a catalog snapshot's
    `derived`) under `key`."""
    found = memo.get(("near-miss", key))
    if found is None:
        found = NameIndex(names())
        memo[("near-miss", key)] = found
    return found


LookupKey = tuple[NameIndex, str, float, int]


class PolicyLookups:
    """The near-miss lookups of one policy: each distinct name is looked up once, and at
    most `limit` distinct names are, comparing at most about `compared` known names in all,
    so a policy of thousands of unknown names costs no more than one of `limit`, whatever
    the catalog's size.

    Each lookup's cost (the names it compared) is kept with it, so the statement memory can
    tell whether statements checked alone would together stay within the bounds (`costs`)."""

    __slots__ = ("_memo", "_admitted", "_limit", "_compared", "_costs", "_spent")

    def __init__(self, limit: int = MAX_LOOKUPS, compared: int = COMPARED_PER_POLICY) -> None:
        self._memo: dict[LookupKey, tuple[NearMiss, int]] = {}
        self._admitted: set[str] = set()
        self._limit = limit
        self._compared = compared
        self._costs: dict[LookupKey, int] = {}
        self._spent = 0

    def admits(self, written: str) -> bool:
        """Whether `written` gets suggestions: a name already admitted does, and a new one
        while fewer than `limit` have been and the lookups so far compared no more than
        `compared` names."""
        folded = written.casefold()
        if folded in self._admitted:
            return True
        if len(self._admitted) >= self._limit or self._spent > self._compared:
            return False
        self._admitted.add(folded)
        return True

    def sharing_memo(self) -> PolicyLookups:
        """New lookups, none admitted and nothing spent yet, that share this one's
        remembered answers."""
        out = PolicyLookups(self._limit, self._compared)
        out._memo = self._memo
        return out

    @property
    def admitted(self) -> frozenset[str]:
        """The distinct names (case-folded) that got suggestions so far."""
        return frozenset(self._admitted)

    @property
    def costs(self) -> dict[LookupKey, int]:
        """Every distinct lookup made through these lookups, with the names it compared
        (counted even when a shared memo answered it)."""
        return dict(self._costs)

    def find(
        self, index: NameIndex, written: str, cutoff: float = 0.75, count: int = MAX_CLOSE
    ) -> NearMiss:
        """`index.lookup(written, cutoff, count)`, remembered for the rest of the policy."""
        key = (index, written.casefold(), cutoff, count)
        found = self._memo.get(key)
        if found is None:
            found = index.counted_lookup(written, cutoff, count)
            self._memo[key] = found
        if key not in self._costs:
            self._costs[key] = found[1]
            self._spent += found[1]
        return found[0]


def checked_alone_as_whole(parts: Iterable[tuple[frozenset[str], dict[LookupKey, int]]]) -> bool:
    """Whether statements whose lookups, each checked alone, admitted these names at these
    costs got the suggestions the whole policy would give them: when one statement at most
    looked anything up (the whole policy's lookups reach it as fresh as its own did), or
    when together they stay within the bounds (the whole policy admits every one of them)."""
    names: set[str] = set()
    costs: dict[LookupKey, int] = {}
    looking = 0
    for admitted, cost in parts:
        looking += bool(admitted or cost)
        names |= admitted
        costs.update(cost)
    if looking <= 1:
        return True
    return len(names) <= MAX_LOOKUPS and sum(costs.values()) <= COMPARED_PER_POLICY
