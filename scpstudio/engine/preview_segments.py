"""A preview in parts, one per service: the rows of a service's APIs, kept by the
statements that can decide them.

A policy naming ten services previews some 460 APIs; an edit of one statement changes the
rows of the services that statement can reach and no others. The rows of the APIs of one
service (`plan.service`) depend on the catalog, the context, the levels' names and
whether FullAccess is attached, and on the statements that may apply to an action those
APIs need (their own service's and their dependencies'). A statement names the services
it may apply to (`statement_reach`: the literal service part of each pattern, and the
services of the catalog actions it matched), or may apply to any (a wildcard in the
service part, "*", NotAction). So a service's part is kept under its fingerprint: each
level's name and FullAccess, and each policy's name with the place and serial of each
statement that may reach the services the part needs (a serial names one compiled
statement, never reused). `preview.preview_levels` previews only the services whose
part is not kept under the fingerprint they have now, and joins the parts; the answer is
`preview_each`'s (tests/engine/test_preview_segments.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from scpstudio.engine.decision import Decision, Level
from scpstudio.engine.preview_rows import ActionOutcome, ApiPreview
from scpstudio.engine.statement_memory import BoundedMemo, forgotten_with_statements
from scpstudio.engine.wildcard import has_wildcard

# Past this many services in one preview, it is made whole (an organization's preview
# of a whole catalog has its own road, `preview_whole`).
MAX_SEGMENTED_SERVICES = 64

_REACH = ("reach",)  # where a statement keeps its reach among its verdicts
_UNSET = object()


def statement_reach(s: Any) -> frozenset[str] | None:
    """The services (case-folded) whose actions this compiled statement may apply to, or
    None when it may apply to an action of any service. Kept with the statement."""
    found = s.verdicts.get(_REACH, _UNSET)
    if found is _UNSET:
        found = s.verdicts[_REACH] = _reach(s)
    return found  # type: ignore[no-any-return]


def _reach(s: Any) -> frozenset[str] | None:
    # a statement the engine ignores (an Effect it does not know) is still read as the
    # others: what a decision lists of the statements it met may name it
    if s.any_action or s.not_action:
        return None
    services: set[str] = set()
    for pattern in s.folded_actions:
        prefix = pattern.split(":", 1)[0]
        if has_wildcard(prefix):
            return None
        services.add(prefix)
    # an alias is matched like its action: the action's own service too
    services.update(m.split(":", 1)[0] for m in s.matched)
    return frozenset(services)


class ServiceParts:
    """What the parts need of a list of plans, worked out once with it: each service's
    plan positions, the actions those plans need (case-folded), those actions' services,
    and whether the plans stand in parts."""

    __slots__ = ("positions", "needed", "reach", "contiguous")

    def __init__(self, plans: Sequence[Any]) -> None:
        positions: dict[str, list[int]] = {}
        needed: dict[str, set[str]] = {}
        for i, plan in enumerate(plans):
            positions.setdefault(plan.service, []).append(i)
            needed.setdefault(plan.service, set()).update(f for f, _ in plan.names)
        self.positions = positions
        # whether each service's plans stand together, the services in their plans' order:
        # the preview's rows are then its parts one after the other (`Preview.parts`)
        self.contiguous = [i for found in positions.values() for i in found] == list(
            range(len(plans))
        )
        self.needed = {service: frozenset(names) for service, names in needed.items()}
        self.reach = {
            service: frozenset(f.split(":", 1)[0] for f in names)
            for service, names in self.needed.items()
        }


def fingerprints(parts: ServiceParts, levels: Sequence[Level]) -> dict[str, tuple[Any, ...]]:
    """Each service's fingerprint on this path (see the module's text): the levels' names
    and FullAccess, then the level, policy (place and name), place and serial of each
    statement that may reach an action the service's plans need, in the path's order."""
    heads = tuple([(level.name, level.full_access) for level in levels])
    flat = [
        ((li, pj, policy.name, s.index, s.serial), reach)
        for li, level in enumerate(levels)
        for pj, policy in enumerate(level.policies)
        for s in policy.statements
        if (reach := statement_reach(s)) is None or reach
    ]
    return {
        service: (
            heads,
            tuple(
                [key for key, touched in flat if touched is None or not touched.isdisjoint(reach)]
            ),
        )
        for service, reach in parts.reach.items()
    }


class Part:
    """One service's rows (in its plans' order), the decisions of the actions its plans
    need that a statement names, the outcomes its made rows hold, and the path's shared
    decision (None when every action is decided one by one)."""

    __slots__ = ("rows", "decided", "outcomes", "shared")

    def __init__(
        self,
        rows: tuple[ApiPreview, ...],
        decided: dict[str, Decision],
        outcomes: dict[tuple[str, str | None], ActionOutcome],
        shared: Decision | None,
    ) -> None:
        self.rows = rows
        self.decided = decided
        self.outcomes = outcomes
        self.shared = shared


def part_of(
    rows: Sequence[ApiPreview | None],
    positions: Sequence[int],
    needed: frozenset[str],
    decided: Mapping[str, Decision],
    outcomes: Mapping[tuple[str, str | None], ActionOutcome],
    shared: Decision | None,
) -> Part:
    """The part of one service from a preview's rows and what decided them."""
    made = tuple([rows[i] for i in positions])
    assert all(row is not None for row in made)
    return Part(
        made,  # type: ignore[arg-type]  # checked above
        {f: d for f, d in decided.items() if f in needed},
        {key: o for key, o in outcomes.items() if key[0].casefold() in needed},
        shared,
    )


# The parts kept, by plan index (the plans and requests of one catalog, services and
# context), service and fingerprint; the index is kept with its parts and compared.
_PARTS = forgotten_with_statements(BoundedMemo(2_048))


def kept_part(index: Any, service: str, fingerprint: tuple[Any, ...]) -> Part | None:
    found = _PARTS.get((id(index), service, fingerprint))
    if found is None or found[0] is not index:
        return None
    return found[1]  # type: ignore[no-any-return]


def keep_part(index: Any, service: str, fingerprint: tuple[Any, ...], part: Part) -> None:
    _PARTS.put((id(index), service, fingerprint), (index, part))
