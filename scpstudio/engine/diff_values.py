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

import math
from collections.abc import Iterable, Sequence
from typing import Any

from scpstudio.engine import diff_clock
from scpstudio.engine.conditions import Tri, evaluate_clause
from scpstudio.engine.diff_scalars import (
    BOOLEAN_VALUES,
    Values,
    date_values,
    ip_values,
    number_values,
)
from scpstudio.engine.diff_strings import MAX_WORK, string_values
from scpstudio.engine.operators import FOR_ALL, FOR_ANY, INVALID, prepare_value
from scpstudio.engine.policy import Clause
from scpstudio.engine.wildcard import has_wildcard

__all__ = [
    "Values",
    "date_values",
    "element_values",
    "ip_values",
    "number_values",
    "set_values",
    "string_values",
]

MAX_SET_SIGNATURES = 256  # signatures of sets of values, per multivalued key


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
        if diff_clock.now() > deadline:
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
                if diff_clock.now() > deadline:
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
