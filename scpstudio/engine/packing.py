"""Quota-aware packing (issue 19, item 5): the fewest SCP documents that hold a set of
guardrail statements, each within the quota, meaning the same at the node as the originals.

Interface (plain data, no Django; the organization app and the policies app call it):

* `pack(sources, *, free_slots, quota=None, profile="scp") -> PackResult`, where each source
  is a `PackSource(name, text)`: a policy's JSON text (several saved policies, or one too big).
* `PackResult.documents`: `PackedDocument`s, each with `text` (pretty JSON when that fits the
  quota, else minified), `minified`, `size` (minified characters) and its
  `PackedStatement`s, each naming its `origins` (source name, statement index and Sid).
* `PackResult.fits` (the documents fit `free_slots`: 5 minus what the node has attached,
  FullAccess included), `lower_bound` (no packing can use fewer documents),
  `proved_fewest`, `verdict` (one sentence), `notes` (Sids renamed), `to_json()`.
* Input the packer cannot take whole raises `EngineInputError` with a sentence naming the
  policy (and statement): not JSON, past the engine's limits, a statement larger than a
  document may be.

Why the meaning is kept. At one node the attached SCPs act as the union of their
statements (a Deny in any of them denies, an Allow in any of them allows:
policy-language.md §5), so whole statements may move between documents attached to the
same node. Two statements with `Action`, the same `Effect`, the same set of `Resource` (or
`NotResource`) patterns and the same `Condition` apply to a request exactly when one
statement listing both Action lists applies, so they are merged (the merged statement keeps
the first one's Sid, elements and spelling; an action written twice is kept once). A merge
always shortens the text: it drops at least a whole `{"Effect":...,"Action":...}`. NotAction
statements are never merged (the union of two complements is not the complement of the
union), and neither is a statement of any other shape: it is kept exactly as written. The
tests prove it with the exact diff (`diff.diff_policies`) and the preview on drawn contexts.

Sizes. A document holding statements of minified sizes s1..sk has
`31 + sum(si + 1)` characters minified (`{"Version":"5.0","Statement":[`, the statements and
their commas, `]}`), so each statement weighs `si + 1` against a capacity of `quota - 31`:
plain one-dimensional bin packing, with two further bounds per document from
`engine.limits` (statements, and action patterns with a wildcard) so that every document the
packer proposes can be opened, previewed and saved.

How (`engine.bin_packing`): first-fit decreasing, which on the few documents a node holds
is the fewest or one more; then, when it used more documents than the lower bound (the
larger of: total weight over capacity, rounded up; the statements heavier than half a
document; the same for the two other bounds), a depth-first search for fewer, within a
budget of steps counted, never timed. `proved_fewest` says whether the count is proved the
fewest (it meets the bound, or the search for one fewer finished without finding any).
Everything is deterministic: ties go to the statement written first.

Cost: reading and merging are linear in the text; first-fit is O(statements x documents)
and the search is bounded by its budget; `MAX_SOURCES` and `MAX_PACK_STATEMENTS` are
checked before any work.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from scpstudio.engine.bin_packing import (
    SEARCH_BUDGET,
    Budget,
    first_fit_decreasing,
    fit,
    lower_bound,
)
from scpstudio.engine.document import parse_policy
from scpstudio.engine.errors import EngineInputError
from scpstudio.engine.limits import MAX_WILDCARD_ACTIONS, policy_limit_problem
from scpstudio.engine.pack_result import (
    DOCUMENT_OVERHEAD,
    VERSION,
    Origin,
    PackedDocument,
    PackedStatement,
    PackResult,
    PackSource,
)
from scpstudio.engine.profiles import Profile, get_profile
from scpstudio.engine.serialize import to_minified

__all__ = [
    "DOCUMENT_OVERHEAD",
    "MAX_FREE_SLOTS",
    "MAX_PACK_STATEMENTS",
    "MAX_QUOTA",
    "MAX_SOURCES",
    "MIN_QUOTA",
    "Origin",
    "PackResult",
    "PackSource",
    "PackedDocument",
    "PackedStatement",
    "pack",
]
MAX_SOURCES = 50  # policies packed together
MAX_PACK_STATEMENTS = 500  # statements in all of them
MAX_FREE_SLOTS = 100
MIN_QUOTA, MAX_QUOTA = 200, 100_000
_MERGEABLE = frozenset({"Sid", "Effect", "Action", "Resource", "NotResource", "Condition"})
# digits a renamed Sid may gain ("Deny" -> "Deny12"): room kept for them when merging
_SID_ROOM = 4


# -- reading -------------------------------------------------------------------------------


@dataclass(slots=True)
class _Read:
    value: dict[str, Any]
    origin: Origin
    position: int


def _read(sources: Sequence[PackSource]) -> tuple[list[_Read], int]:
    """Every statement of every source, in order, and the sources' minified characters."""
    if not sources:
        raise EngineInputError("Choose at least one policy to pack.")
    if len(sources) > MAX_SOURCES:
        raise EngineInputError(
            f"{len(sources)} policies were given; at most {MAX_SOURCES} are packed together."
        )
    out: list[_Read] = []
    characters = 0
    for source in sources:
        parsed = parse_policy(source.text)
        name = source.name or "the policy"
        if parsed.error is not None:
            raise EngineInputError(f"{name}: {parsed.error.message} Nothing was packed.")
        limit = policy_limit_problem(parsed)
        if limit is not None:
            raise EngineInputError(f"{name}: {limit.message} Nothing was packed.")
        if parsed.has_duplicates:
            raise EngineInputError(
                f"{name} writes a key twice in one object; fix it in the editor first, so "
                "that packing reads each statement as Huawei would."
            )
        value = parsed.value()
        if not isinstance(value, dict):
            raise EngineInputError(f"{name} is not a policy document (a JSON object).")
        extra = sorted(set(value) - {"Version", "Statement"})
        if extra:
            raise EngineInputError(
                f"{name} has {', '.join(extra)} beside Version and Statement; packing would "
                "leave it out, so fix the policy first."
            )
        if value.get("Version") != VERSION:
            raise EngineInputError(f'{name} is not a policy of Version "{VERSION}".')
        characters += len(to_minified(value))
        items = value.get("Statement")
        if isinstance(items, dict):
            items = [items]
        if not isinstance(items, list) or not items:
            raise EngineInputError(f"{name} has no statements to pack.")
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                raise EngineInputError(
                    f"{name}: statement #{index + 1} is not a JSON object, so it cannot be packed."
                )
            sid = item.get("Sid")
            origin = Origin(name, index, sid if isinstance(sid, str) else None)
            out.append(_Read(item, origin, len(out)))
            if len(out) > MAX_PACK_STATEMENTS:
                raise EngineInputError(
                    f"The policies hold more than {MAX_PACK_STATEMENTS} statements; at most "
                    "that many are packed together."
                )
    return out, characters


# -- merging -------------------------------------------------------------------------------


def _strings(value: Any) -> list[str] | None:
    """A string-or-list element's strings; None unless it is one string or a non-empty
    list of strings."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return list(value)
    return None


def _merge_key(value: dict[str, Any]) -> tuple[Any, ...] | None:
    """What two statements must share to be merged by joining their Action lists; None for
    a statement that is kept as written."""
    if not set(value) <= _MERGEABLE or value.get("Effect") not in ("Allow", "Deny"):
        return None
    if _strings(value.get("Action")) is None:
        return None
    if "Resource" in value and "NotResource" in value:
        return None
    element = "NotResource" if "NotResource" in value else "Resource"
    resources = _strings(value.get(element, "*"))
    if resources is None:
        return None
    condition = value.get("Condition")
    if "Condition" in value and not isinstance(condition, dict):
        return None
    written = "" if condition is None else json.dumps(condition, sort_keys=True, ensure_ascii=False)
    return (value["Effect"], element, tuple(sorted(set(resources))), "Condition" in value, written)


def _statement_size(value: dict[str, Any]) -> int:
    return len(to_minified({"Version": VERSION, "Statement": [value]})) - DOCUMENT_OVERHEAD - 1


def _wildcards(value: dict[str, Any]) -> int:
    count = 0
    for element in ("Action", "NotAction"):
        found = value.get(element)
        for item in found if isinstance(found, list) else [found]:
            if isinstance(item, str) and ("*" in item or "?" in item):
                count += 1
    return count


@dataclass(slots=True)
class _Chunk:
    """Statements of one merge key being joined: the first one's elements, every action."""

    members: list[_Read]
    actions: list[str]
    seen: set[str]
    size: int  # minified, with Action written as the list `actions`
    wildcards: int

    def value(self) -> dict[str, Any]:
        if len(self.members) == 1:
            return self.members[0].value
        first = self.members[0].value
        return {k: (list(self.actions) if k == "Action" else v) for k, v in first.items()}


def _start(item: _Read) -> _Chunk:
    actions: list[str] = []
    seen: set[str] = set()
    for action in _strings(item.value["Action"]) or []:
        if action.casefold() not in seen:
            seen.add(action.casefold())
            actions.append(action)
    listed = {**item.value, "Action": actions}
    wild = sum(1 for a in actions if "*" in a or "?" in a)
    return _Chunk([item], actions, seen, _statement_size(listed), wild)


def _merge(items: list[_Read], cap: int) -> list[PackedStatement]:
    """Join the Action lists of statements that differ only there, each merged statement
    kept within one document (and the engine's list limits)."""
    chunks: list[_Chunk] = []
    open_chunk: dict[tuple[Any, ...], _Chunk] = {}
    kept: list[PackedStatement] = []
    for item in items:
        key = _merge_key(item.value)
        if key is None:
            kept.append(_packed(item.value, [item]))
            continue
        chunk = open_chunk.get(key)
        if chunk is not None:
            fresh: list[str] = []
            folded_fresh: set[str] = set()
            for action in _strings(item.value["Action"]) or []:
                folded = action.casefold()
                if folded not in chunk.seen and folded not in folded_fresh:
                    folded_fresh.add(folded)
                    fresh.append(action)
            cost = sum(len(json.dumps(a, ensure_ascii=False)) + 1 for a in fresh)
            wild = sum(1 for a in fresh if "*" in a or "?" in a)
            if (
                chunk.size + cost <= cap - _SID_ROOM
                and chunk.wildcards + wild <= MAX_WILDCARD_ACTIONS
            ):
                chunk.members.append(item)
                chunk.actions.extend(fresh)
                chunk.seen.update(a.casefold() for a in fresh)
                chunk.size += cost
                chunk.wildcards += wild
                continue
        chunk = _start(item)
        open_chunk[key] = chunk
        chunks.append(chunk)
    merged = [_packed(c.value(), c.members) for c in chunks]
    return sorted(kept + merged, key=lambda s: s.position)


def _packed(value: dict[str, Any], members: list[_Read]) -> PackedStatement:
    return PackedStatement(
        value,
        _statement_size(value),
        _wildcards(value),
        tuple(m.origin for m in members),
        members[0].position,
    )


def _unique_sids(
    statements: list[PackedStatement], cap: int
) -> tuple[list[PackedStatement], list[str]]:
    """Each Sid once (case aside) in the whole proposal: a repeated one gains a number (or,
    when the number would make the statement too big for a document, is left out)."""
    taken = {s.value["Sid"].casefold() for s in statements if isinstance(s.value.get("Sid"), str)}
    seen: set[str] = set()
    out: list[PackedStatement] = []
    notes: list[str] = []
    for s in statements:
        sid = s.value.get("Sid")
        if not isinstance(sid, str) or sid.casefold() not in seen:
            if isinstance(sid, str):
                seen.add(sid.casefold())
            out.append(s)
            continue
        n = 2
        while f"{sid}{n}".casefold() in taken:
            n += 1
        renamed = f"{sid}{n}"
        value = {k: (renamed if k == "Sid" else v) for k, v in s.value.items()}
        size = _statement_size(value)
        if size <= cap:
            taken.add(renamed.casefold())
            seen.add(renamed.casefold())
            note = f'The Sid of {s.origins[0].label} is now "{renamed}": "{sid}" was already used.'
        else:
            value = {k: v for k, v in s.value.items() if k != "Sid"}
            size = _statement_size(value)
            note = (
                f"The Sid of {s.origins[0].label} is left out: it was already used, and a "
                "number would make the statement too big for a document."
            )
        out.append(PackedStatement(value, size, s.wildcards, s.origins, s.position))
        notes.append(note)
    return out, notes


def pack(
    sources: Sequence[PackSource],
    *,
    free_slots: int,
    quota: int | None = None,
    profile: str | Profile = "scp",
) -> PackResult:
    """Propose the fewest documents holding every statement of `sources` (see the module's
    docstring); raises EngineInputError with a sentence for input it cannot pack whole."""
    if isinstance(free_slots, bool) or not isinstance(free_slots, int):
        raise EngineInputError("The free slots must be a whole number.")
    if not 0 <= free_slots <= MAX_FREE_SLOTS:
        raise EngineInputError(f"The free slots must be between 0 and {MAX_FREE_SLOTS}.")
    limit = get_profile(profile).max_size if quota is None else quota
    if isinstance(limit, bool) or not isinstance(limit, int) or not MIN_QUOTA <= limit <= MAX_QUOTA:
        raise EngineInputError(
            f"The quota must be a whole number of characters from {MIN_QUOTA} to {MAX_QUOTA:,}."
        )
    capacity = limit - DOCUMENT_OVERHEAD
    read, characters_in = _read(sources)
    statements, notes = _unique_sids(_merge(read, capacity - 1), capacity - 1)
    for s in statements:
        if s.weight > capacity:
            raise EngineInputError(
                f"{s.origins[0].label[0].upper()}{s.origins[0].label[1:]} has {s.size:,} "
                f"characters minified; a document of at most {limit:,} holds at most "
                f"{capacity - 1:,} in one statement, and statements are kept whole: split its "
                "Action list in the editor first."
            )
    order = sorted(statements, key=lambda s: (-s.weight, -s.wildcards, s.position))
    bins = first_fit_decreasing(order, capacity)
    bound = lower_bound(order, capacity)
    # each search for k documents runs only after the search for k - 1 ended without a
    # packing and within its budget: a packing found, or none left to try, is the fewest
    proved = True
    budget = Budget(SEARCH_BUDGET)
    for k in range(bound, len(bins)):
        found = fit(order, k, capacity, budget)
        if found is not None:
            bins = found
            break
        if budget.spent_out:
            proved = False
            break
    documents = sorted(
        (PackedDocument(tuple(sorted(b.items, key=lambda s: s.position)), limit) for b in bins),
        key=lambda d: d.statements[0].position,
    )
    return PackResult(
        tuple(documents),
        limit,
        free_slots,
        bound,
        proved,
        len(sources),
        len(read),
        characters_in,
        tuple(notes),
    )
