"""Representative values: one value for every class of values the policies can tell apart.

The exact diff (`engine.diff`) asks whether any request makes two policies answer
differently. A request's value of one dimension (a condition key, the region, the account,
a resource id) matters only through the truth of the finitely many atoms the policies
write about it: each pattern, constant and bound. Two values with the same truths are
interchangeable, so it is enough to try one value per *realizable* combination of truths
(a signature). This module finds such a value for every signature, per kind of value:

* strings (`StringEquals`, `StringEqualsIgnoreCase`, `StringMatch` and URN segments): the
  patterns with `*`/`?` and the case-folded constants run together as one automaton over
  the characters they mention plus one character none mentions; a breadth-first walk over
  its reachable states records the shortest strings reaching each state, so every
  reachable signature gets a string. Constants written without wildcards are their own
  class. Nicer strings (a pattern with `*` filled by `example`, a known region id) are
  preferred when they have the same signature;
* numbers and dates: the constants, a point between each neighbouring pair, one below
  and one above;
* booleans: true and false;
* IP addresses: the start of every interval the CIDR blocks cut (v4 and v6) and the
  blocks themselves (a request value may be a block);
* several values of a key under `ForAnyValue:`/`ForAllValues:`: sets of representatives,
  found by a walk over the signatures of sets (adding a value to a set changes its
  signature only through the value's own), so every reachable set signature is met.

Every walk is bounded; past a bound the values are marked incomplete, and the diff then
says "not decided" instead of "no change".
"""

from __future__ import annotations

import ipaddress
import math
import time
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from itertools import chain
from typing import Any

from scpstudio.engine.conditions import Tri, evaluate_clause
from scpstudio.engine.operators import FOR_ALL, FOR_ANY, INVALID, prepare_value
from scpstudio.engine.policy import Clause
from scpstudio.engine.wildcard import has_wildcard

FILLER = "example"  # what a `*` becomes in a readable value
MAX_STATES = 2_000  # automaton states one string dimension may visit
MAX_VISITS = 2  # strings recorded per automaton state in the first walk
MAX_SAME = 64  # constants sharing one signature that a second walk looks past
MAX_SET_SIGNATURES = 256  # signatures of sets of values, per multivalued key
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


@dataclass(frozen=True, slots=True)
class Values:
    """The representatives of one dimension, and whether they cover every class."""

    values: tuple[Any, ...]
    complete: bool = True


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
            if n % 8 == 7 and time.monotonic() > deadline:
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
        if time.monotonic() > deadline or automaton.work > MAX_WORK * (2 if until else 1):
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


# -- numbers, dates, booleans, addresses -----------------------------------------------------


def _between(low: float, high: float) -> float | None:
    middle = (low + high) / 2
    if low < middle < high:
        return middle
    step = math.nextafter(low, high)
    return step if low < step < high else None


def _number(value: float) -> float | int:
    return int(value) if value.is_integer() and abs(value) < 1e15 else value


def number_values(constants: Iterable[float]) -> Values:
    """Each constant, a number between each neighbouring pair, one below and one above."""
    points = sorted({c for c in constants if isinstance(c, float) and math.isfinite(c)})
    if not points:
        return Values((0,))
    out: list[float] = []
    below = points[0] - 1 if points[0] - 1 < points[0] else math.nextafter(points[0], -math.inf)
    if math.isfinite(below):
        out.append(below)
    for i, point in enumerate(points):
        out.append(point)
        if i + 1 < len(points):
            middle = _between(point, points[i + 1])
            if middle is not None:
                out.append(middle)
    above = points[-1] + 1 if points[-1] + 1 > points[-1] else math.nextafter(points[-1], math.inf)
    if math.isfinite(above):
        out.append(above)
    return Values(tuple(_number(v) for v in out))


def _date_text(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _shifted(moment: datetime, delta: timedelta) -> datetime | None:
    try:
        shifted = moment + delta
        _date_text(shifted)
    except (OverflowError, ValueError):
        return None
    return shifted


def date_values(constants: Iterable[Any]) -> Values:
    """Each instant, one between each neighbouring pair, a day before and a day after."""
    points = sorted({c for c in constants if isinstance(c, datetime)})
    if not points:
        return Values(("2026-01-01T00:00:00Z",))
    out: list[datetime] = []
    tiny = timedelta(microseconds=1)
    first = _shifted(points[0], -timedelta(days=1)) or _shifted(points[0], -tiny)
    if first is not None:
        out.append(first)
    for i, point in enumerate(points):
        out.append(point)
        if i + 1 < len(points) and points[i + 1] - point > tiny:
            middle = point + (points[i + 1] - point) / 2
            if point < middle < points[i + 1]:
                out.append(middle)
    last = _shifted(points[-1], timedelta(days=1)) or _shifted(points[-1], tiny)
    if last is not None:
        out.append(last)
    texts: list[str] = []
    for moment in out:
        try:
            texts.append(_date_text(moment))
        except (OverflowError, ValueError):  # an instant only a far offset can write
            return Values(tuple(texts), False)
    return Values(tuple(dict.fromkeys(texts)))


BOOLEAN_VALUES = Values(("true", "false"))
_SAMPLE_ADDRESSES = ("203.0.113.10", "2001:db8::10")

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def ip_values(constants: Iterable[Any]) -> Values:
    """An address starting every interval the blocks cut, per IP version, and each block."""
    networks: list[Network] = [
        c for c in constants if isinstance(c, ipaddress.IPv4Network | ipaddress.IPv6Network)
    ]
    candidates: list[Network] = [ipaddress.ip_network(a) for a in _SAMPLE_ADDRESSES]
    for version, top in ((4, 2**32 - 1), (6, 2**128 - 1)):
        mine = [n for n in networks if n.version == version]
        if not mine:
            continue
        starts = {0}
        for n in mine:
            starts.add(int(n.network_address))
            end = int(n.broadcast_address) + 1
            if end <= top:
                starts.add(end)
        factory = ipaddress.IPv4Network if version == 4 else ipaddress.IPv6Network
        ordered = sorted(starts)
        for i, start in enumerate(ordered):
            stop = ordered[i + 1] if i + 1 < len(ordered) else top + 1
            # the address after the start reads better (10.0.0.1) and is in the same interval
            candidates.append(factory(start + 1 if start + 1 < stop else start))
        candidates.extend(mine)
    seen: dict[tuple[int, frozenset[int]], str] = {}
    for candidate in candidates:
        signature = frozenset(
            i
            for i, n in enumerate(networks)
            if n.version == candidate.version and candidate.subnet_of(n)  # type: ignore[arg-type]
        )
        single = candidate.num_addresses == 1
        text = str(candidate.network_address) if single else str(candidate)
        seen.setdefault((candidate.version, signature), text)
    return Values(tuple(seen.values()))


# -- one condition key ------------------------------------------------------------------------


def _string_atoms(clauses: Sequence[Clause]) -> tuple[list[str], list[str], list[str]]:
    exact: list[str] = []
    globs: list[str] = []
    folded: list[str] = []
    for clause in clauses:
        parsed = clause.parsed
        if parsed is None or parsed.spec.family != "string":
            continue
        name = parsed.spec.name
        strings = [p for p in clause.prepared if isinstance(p, str)]
        if "IgnoreCase" in name:
            folded.extend(strings)
        elif "Match" in name:
            globs.extend(strings)
        else:
            exact.extend(strings)
    return exact, globs, folded


# a value every key of the type can hold, where only presence counts
_SAMPLES = {
    "string": "example",
    "number": 1,
    "date": "2026-01-01T00:00:00Z",
    "boolean": "true",
    "ip": "203.0.113.10",
}


def _boolean_texts() -> tuple[Any, ...]:
    """Every way a request can write a boolean: JSON true/false and each case of the words."""
    out: list[Any] = [True, False]
    for word in ("true", "false"):
        for mask in range(2 ** len(word)):
            out.append("".join(c.upper() if mask >> k & 1 else c for k, c in enumerate(word)))
    return tuple(out)


def element_values(
    clauses: Sequence[Clause], key_type: str | None, deadline: float = math.inf
) -> Values:
    """One value per class of single request values, for every clause on one key.

    Only values the key's type can hold are requests. Numbers, dates, booleans and IP
    addresses are disjoint as text (no number reads as a date or an address), so an
    operator of another of these families reads every such value as unreadable (the
    clause stays undecided) and tells nothing apart. Strings read everything: a boolean
    key's every spelling is listed; a number, date or address key compared with plain
    string constants gets each constant it can hold, and each class of its own type
    spelled to equal no constant; with patterns or case rules it is not covered exactly,
    nor is a string key also compared otherwise.
    """
    families = {c.parsed.spec.family for c in clauses if c.parsed is not None} - {"null"}
    free = key_type in (None, "string")
    parts: list[Values] = []
    complete = True
    spelled: set[str] = set()  # string constants the key's own values must avoid
    for family in sorted(families):
        if not free and family not in (key_type, "string"):
            continue  # reads every value of the key as unreadable
        constants = [p for c in clauses if c.parsed and c.parsed.spec.family == family
                     for p in c.prepared if p is not INVALID]  # fmt: skip
        if family == "string" and key_type == "boolean":
            parts.append(Values(_boolean_texts()))
        elif family == "string" and free:
            exact, globs, folded = _string_atoms(clauses)
            parts.append(string_values(exact, globs, folded, (), deadline))
            complete = complete and len(families) == 1
        elif family == "string":
            exact, globs, folded = _string_atoms(clauses)
            plain = [*exact, *(g for g in globs if not has_wildcard(g))]
            complete = complete and not folded and len(plain) == len(exact) + len(globs)
            parts.append(Values(tuple(plain)))
            spelled = set(plain)
        elif family == "number":
            parts.append(number_values(constants))
        elif family == "date":
            parts.append(date_values(constants))
        elif family == "boolean":
            parts.append(BOOLEAN_VALUES)
        elif family == "ip":
            parts.append(ip_values(constants))
    # a value no family reads (or, for Null alone, any value: presence is all that counts)
    parts.append(Values((_SAMPLES.get(key_type or "string", "example"),)))
    complete = complete and all(p.complete for p in parts)
    values = _unique(v for p in parts for v in p.values)
    if not free and key_type is not None:
        values = [v for v in values if prepare_value(key_type, v) is not INVALID]
    if spelled and key_type is not None:
        respelled = []
        for v in values:
            if prepare_value("string", v) not in spelled:
                respelled.append(v)
                continue
            respelled.append(v)  # the constant itself, and the same value written otherwise
            other = next(
                (w for w in _spellings(v, key_type) if prepare_value("string", w) not in spelled),
                None,
            )
            if other is None:
                complete = False
            else:
                respelled.append(other)
        values = _unique(respelled)
    return Values(tuple(values), complete)


def _unique(values: Iterable[Any]) -> list[Any]:
    """Values without repeats, 5 and 5.0 and True kept apart (they read differently)."""
    seen: dict[tuple[str, Any], Any] = {}
    for v in values:
        seen.setdefault((type(v).__name__, v), v)
    return list(seen.values())


def _spellings(value: Any, key_type: str) -> list[Any]:
    """The same number, instant or address written other ways."""
    text = str(value)
    if key_type == "number":
        number = float(value)
        return [number, f"+{text}", f"0{text}", f"{text}e0"]
    if key_type == "date":
        return [text.replace("Z", "+00:00"), text.rstrip("Z"), f" {text}"]
    if key_type == "ip":
        return [f"{text}/{32 if '.' in text else 128}", f" {text}"]
    return []


def set_values(
    elements: Sequence[tuple[Any, ...]], clauses: Sequence[Clause], deadline: float = math.inf
) -> tuple[list[tuple[int, ...]], bool]:
    """Sets of two or more single values (given typed, each as a 1-tuple), as positions in
    `elements`, meeting every signature of sets the clauses can tell apart; and whether
    the walk finished.

    A set's signature is its clauses' verdicts; adding a value changes it only through the
    value's own verdicts, so a walk adding one representative at a time meets them all.
    Only keys under `ForAnyValue:`/`ForAllValues:` need sets: under a plain operator several
    values leave the clause undecided (Huawei documents nothing) and decide no difference.
    """
    if not any(c.parsed and c.parsed.qualifier in (FOR_ANY, FOR_ALL) for c in clauses):
        return [], True

    work = 0

    def verdicts(chosen: tuple[int, ...]) -> tuple[Tri, ...]:
        nonlocal work
        work += len(clauses) * len(chosen)
        values = tuple(v for j in chosen for v in elements[j])
        return tuple(evaluate_clause(c, values) for c in clauses)

    seen: dict[tuple[Tri, ...], tuple[int, ...]] = {}
    for i in range(len(elements)):
        if time.monotonic() > deadline:
            return [], False
        seen.setdefault(verdicts((i,)), (i,))
    frontier = list(seen.values())
    found: list[tuple[int, ...]] = []
    while frontier:
        grown: list[tuple[int, ...]] = []
        for chosen in frontier:
            for i in range(len(elements)):
                if i in chosen:
                    continue
                if time.monotonic() > deadline:
                    return found, False
                bigger = (*chosen, i)
                signature = verdicts(bigger)
                if signature in seen:
                    continue
                if len(seen) >= MAX_SET_SIGNATURES or work > MAX_WORK:
                    return found, False
                seen[signature] = bigger
                grown.append(bigger)
                found.append(bigger)
        frontier = grown
    return found, True
