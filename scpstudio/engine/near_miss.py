"""Near-miss names: which known name a misspelt one most likely means, and whether that
is certain enough to offer as a fix rather than as one suggestion among others.

A name is *certain* when it is the only known name at the smallest edit distance, that
distance is at most 2 and at most a third of the name's length, and every other name is
further away. Edit distances are counted case-insensitively, on names short enough to
be names (a 10,000-character string is compared with nothing).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

_MAX_DISTANCE = 2
_MAX_COMPARED = 200


@dataclass(frozen=True, slots=True)
class NearMiss:
    """The certain name ("" when none is), and every close name, nearest first."""

    certain: str
    close: tuple[str, ...]


def distance(a: str, b: str, limit: int = _MAX_DISTANCE) -> int:
    """Edit distance (with transpositions) of `a` and `b`, or `limit + 1` when it is
    larger than `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            best = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                best = min(best, previous2[j - 2] + 1)
            current[j] = best
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[-1], limit + 1)


def near_miss(written: str, known: Iterable[str], *, cutoff: float = 0.75) -> NearMiss:
    """The known names `written` may mean (compared case-insensitively)."""
    names = list(dict.fromkeys(known))
    if not written or len(written) > _MAX_COMPARED:
        return NearMiss("", ())
    folded = written.casefold()
    by_distance: list[tuple[int, str]] = []
    for name in names:
        d = distance(folded, name.casefold())
        if d <= _MAX_DISTANCE:
            by_distance.append((d, name))
    by_distance.sort(key=lambda pair: pair[0])
    certain = ""
    if by_distance:
        best, name = by_distance[0]
        alone = len(by_distance) == 1 or by_distance[1][0] > best
        if alone and best * 3 <= len(name):
            certain = name
    folded_names = {n.casefold(): n for n in names}
    spelled = difflib.get_close_matches(folded, list(folded_names), n=5, cutoff=cutoff)
    close = [n for _, n in by_distance] + [folded_names[s] for s in spelled]
    return NearMiss(certain, tuple(dict.fromkeys(close))[:5])
