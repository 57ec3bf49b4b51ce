"""Representative strings (`engine.diff_values`): the patterns with `*`/`?` and the
case-folded constants run together as one automaton over the characters they mention plus
one character none mentions; a breadth-first walk over its reachable states records the
shortest strings reaching each state, so every reachable signature gets a string.
"""

import math
from collections import deque
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import chain

from scpstudio.engine import diff_clock
from scpstudio.engine.diff_scalars import Values
from scpstudio.engine.wildcard import has_wildcard

FILLER = "example"  # what a `*` becomes in a readable value
MAX_STATES = 2_000  # automaton states one string dimension may visit
MAX_VISITS = 2  # strings recorded per automaton state in the first walk
MAX_SAME = 64  # constants sharing one signature that a second walk looks past
# Automaton positions stepped (string walk) or clauses judged (set walk) per dimension:
# far above what a policy within the console's quota needs, and a few tenths of a second.
MAX_WORK = 400_000
_OTHER_CHARACTERS = "xyzqjkw0123456789_-~" + "".join(chr(c) for c in range(0xE000, 0xE010))

# Every character whose case folding is not itself lies in these ranges (Unicode 15, the
# table Python 3.11 ships); a test scans the whole code space to keep this true.
_FOLDING_RANGES = (
    (0x41, 0x587), (0x10A0, 0x10CD), (0x13F8, 0x13FD), (0x1C80, 0x1CBF), (0x1E00, 0x1FFC),
    (0x2126, 0x2183), (0x24B6, 0x24CF), (0x2C00, 0x2CF2), (0xA640, 0xA7F5), (0xAB70, 0xABBF),
    (0xFB00, 0xFB17), (0xFF21, 0xFF3A), (0x10400, 0x10595), (0x10C80, 0x10CB2),
    (0x118A0, 0x118BF), (0x16E40, 0x16E5F), (0x1E900, 0x1E921),
)  # fmt: skip


@lru_cache(maxsize=1)
def _folding_sources() -> dict[str, tuple[str, ...]]:
    """Case-folded text -> the characters folding to it (besides the text itself)."""
    found: dict[str, list[str]] = {}
    for start, stop in _FOLDING_RANGES:
        for code in range(start, stop + 1):
            ch = chr(code)
            folded = ch.casefold()
            if folded != ch:
                found.setdefault(folded, []).append(ch)
    return {k: tuple(v) for k, v in found.items()}


def _sources(folded: str) -> tuple[str, ...]:
    """Every character whose case folding is exactly `folded`."""
    own = (folded,) if len(folded) == 1 and folded.casefold() == folded else ()
    return own + _folding_sources().get(folded, ())


# -- strings -------------------------------------------------------------------------------

# An automaton position: (0, pattern index, place) in a glob, (1, constant index, place) in
# a case-folded constant.
_Pos = tuple[int, int, int]
_State = frozenset[_Pos]
_Signature = tuple[frozenset[int], frozenset[int]]


class _Strings:
    """Globs (case-sensitive `*`/`?` patterns) and case-folded constants, run together."""

    def __init__(self, globs: Sequence[str], folded: Sequence[str]) -> None:
        self.globs = tuple(globs)
        self.folded = tuple(folded)
        self.literals = frozenset(ch for g in self.globs for ch in g if ch not in "*?")
        self.others: list[str] = []  # characters no pattern names and no constant folds to
        self.candidates = chain(_OTHER_CHARACTERS, (chr(c) for c in range(0xE010, 0xF900)))
        self.moves: dict[tuple[_State, str], _State] = {}
        self.work = 0  # positions stepped so far

    def _closure(self, index: int, place: int, into: set[_Pos]) -> None:
        pattern = self.globs[index]
        into.add((0, index, place))
        while place < len(pattern) and pattern[place] == "*":
            place += 1
            self.work += 1
            into.add((0, index, place))

    def start(self) -> _State:
        out: set[_Pos] = set()
        for i in range(len(self.globs)):
            self._closure(i, 0, out)
        out.update((1, i, 0) for i in range(len(self.folded)))
        return frozenset(out)

    def step(self, state: _State, ch: str) -> _State:
        key = (state, ch)
        found = self.moves.get(key)
        if found is not None:
            return found
        out: set[_Pos] = set()
        folded_ch = ch.casefold()
        self.work += len(state)
        for kind, index, place in state:
            if kind == 0:
                pattern = self.globs[index]
                if place == len(pattern):
                    continue
                wanted = pattern[place]
                if wanted == "*":
                    self._closure(index, place, out)
                elif wanted == "?" or wanted == ch:
                    self._closure(index, place + 1, out)
            else:
                constant = self.folded[index]
                if constant.startswith(folded_ch, place):
                    out.add((1, index, place + len(folded_ch)))
        result = frozenset(out)
        self.moves[key] = result
        return result

    def signature(self, state: _State) -> _Signature:
        globs = frozenset(i for k, i, p in state if k == 0 and p == len(self.globs[i]))
        folded = frozenset(i for k, i, p in state if k == 1 and p == len(self.folded[i]))
        return globs, folded

    def run(self, text: str, deadline: float) -> _Signature | None:
        """The signature of a string; None when the deadline passes first."""
        state = self.start()
        for n, ch in enumerate(text):
            if not state:
                break
            if n % 8 == 7 and diff_clock.now() > deadline:
                return None
            state = self.step(state, ch)
        return self.signature(state)

    def other(self, count: int) -> list[str]:
        """`count` characters that every automaton treats alike (none names them)."""
        while len(self.others) < count:
            ch = next(self.candidates, None)
            if ch is None:
                break
            if ch not in self.literals and not any(ch.casefold() in f for f in self.folded):
                self.others.append(ch)
        return self.others[:count]

    def alphabet(self, state: _State, width: int = 1) -> list[str]:
        """The characters that can lead somewhere different from here: every character a
        pattern names next, and `width` of each kind the automata treat alike (so that
        counting strings counts them all, up to `width`)."""
        chars: dict[str, None] = {}
        for kind, index, place in state:
            if kind == 0:
                pattern = self.globs[index]
                if place < len(pattern) and pattern[place] not in "*?":
                    chars[pattern[place]] = None
                continue
            rest = self.folded[index][place:]
            for size in (1, 2, 3):
                if size > len(rest):
                    break
                plain = 0
                for ch in _sources(rest[:size]):
                    if ch in self.literals or plain < width:
                        plain += ch not in self.literals
                        chars[ch] = None
        for ch in self.other(width):
            chars[ch] = None
        return list(chars)


def string_values(
    exact: Iterable[str],
    globs: Iterable[str],
    folded: Iterable[str] = (),
    preferred: Iterable[str] = (),
    deadline: float = math.inf,
) -> Values:
    """Strings covering every class: equal to a constant, or matching any reachable mix
    of the globs (case-sensitive) and of the case-folded constants (`folded`, as written).
    `preferred` values (region ids) are taken first when they fall in a class."""
    constants = list(dict.fromkeys(exact))
    written = list(dict.fromkeys(folded))
    patterns = sorted({g for g in globs if has_wildcard(g)})
    constants += [g for g in dict.fromkeys(globs) if not has_wildcard(g) and g not in constants]
    automaton = _Strings(patterns, sorted({w.casefold() for w in written}))
    taken = set(constants)
    wanted, complete = _walk(automaton, MAX_VISITS, deadline)
    chosen: dict[_Signature, str] = {}
    nice = [*preferred, *(g.replace("*", FILLER).replace("?", "x") for g in patterns)]
    nice += [v for w in written for v in (w, w.upper(), w.lower(), w.capitalize())]
    for text in nice:
        if automaton.work > 2 * MAX_WORK:
            complete = False
            break
        if text not in taken:
            signature = automaton.run(text, deadline)
            if signature is None:
                complete = False
                break
            chosen.setdefault(signature, text)
    for signature, texts in wanted.items():
        if signature in chosen:
            continue
        free = [t for t in texts if t not in taken]
        if not free:
            # every string met so far is a constant: walk again keeping one string more per
            # state than there are constants of this signature; that meets a string that is
            # no constant, or shows the class holds only constants
            same = sum(1 for c in constants if automaton.run(c, deadline) == signature)
            if same >= MAX_SAME:
                complete = False
                continue
            more, finished = _walk(automaton, same + 1, deadline, signature)
            free = [t for t in more.get(signature, []) if t not in taken]
            complete = complete and (finished or bool(free))
        if free:
            chosen[signature] = free[0]
    return Values(tuple(constants) + tuple(chosen.values()), complete)


def _walk(
    automaton: _Strings, cap: int, deadline: float, until: _Signature | None = None
) -> tuple[dict[_Signature, list[str]], bool]:
    """Strings in order of length, at most `cap` per automaton state (they are then that
    state's `cap` shortest: the ones after come from a predecessor's first ones), by the
    signature they reach; whether the walk finished within its bounds. With `until`, it
    stops at the first string of that signature that was not met before."""
    wanted: dict[_Signature, list[str]] = {}
    visits: dict[_State, int] = {}
    queue: deque[tuple[_State, str]] = deque([(automaton.start(), "")])
    while queue:
        if diff_clock.now() > deadline or automaton.work > MAX_WORK * (2 if until else 1):
            return wanted, False
        state, text = queue.popleft()
        count = visits.get(state, 0)
        if count >= cap:
            continue
        if count == 0 and len(visits) >= MAX_STATES:
            return wanted, False
        visits[state] = count + 1
        signature = automaton.signature(state)
        wanted.setdefault(signature, []).append(text)
        if until is not None and signature == until and count + 1 >= cap:
            return wanted, True
        # as many characters of each kind as strings are counted per state: then the
        # walk meets every state's `cap` shortest strings, not just the shortest of a kind
        for ch in automaton.alphabet(state, cap):
            queue.append((automaton.step(state, ch), text + ch))
    return wanted, True
