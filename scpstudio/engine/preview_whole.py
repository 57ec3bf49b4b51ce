"""The preview of every API of a catalog along an organization path, in time that grows
with what the policies name rather than with the catalog: the organization's effective
preview (a catalog may hold 10,000 APIs; a path's SCPs name a few hundred actions).

The actions no statement on the path names share one decision (`evaluate_many`); an API
needing only such actions shares its outcome too. Its row (and each of its actions'
outcome) is the one `preview.preview_levels` makes, made when it is read rather than
kept: a page or the REST API reads each row once, and a catalog's worth of rows kept
with every preview would cost their memory, and the garbage collector's walks over them,
for nothing. The rows of the APIs a statement decides are made at once. The answer equals
`preview_levels(levels, catalog, context, services=catalog.services)`
(tests/engine/test_preview_whole.py checks it on generated paths and catalogs).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, overload

from scpstudio.engine.catalog import Catalog
from scpstudio.engine.decision import Level
from scpstudio.engine.evaluate_many import KnownSubjects, ManyDecisions, decide_many, given
from scpstudio.engine.preview import (
    ActionOutcome,
    ApiPlan,
    ApiPreview,
    Need,
    Preview,
    PreviewContext,
    not_governed_note,
    outcome_maker,
    prepared,
    refused_preview,
    row_of,
)
from scpstudio.engine.statement_memory import BoundedMemo


def preview_whole_catalog(
    levels: Sequence[Level], catalog: Catalog, context: PreviewContext | None = None
) -> Preview:
    """`preview_levels(levels, catalog, context, services=catalog.services)`."""
    ctx = context or PreviewContext()
    refused = refused_preview(levels, ctx)
    if refused is not None:
        return refused
    wanted = frozenset(s.casefold() for s in catalog.services)
    plans, subjects, context_problems = prepared(catalog, wanted, ctx)
    index = _index(plans, subjects)
    decisions = decide_many(index.known, levels, catalog)
    notes = {service: not_governed_note(catalog, service, levels) for service in index.services}
    outcomes: dict[tuple[str, str | None], ActionOutcome] = {}
    outcome_of = outcome_maker(decisions, outcomes)

    made: Iterable[int]
    if decisions.shared is None:
        made = range(len(plans))  # nothing shared: every row decided here
    else:  # the rows of the APIs needing an action decided one by one
        made = sorted({i for f in decisions.decided for i in index.plans_needing.get(f, ())})
    rows = {i: row_of(plans[i], outcome_of, notes[plans[i].service]) for i in made}
    return Preview(
        ApiRows(plans, rows, notes, decisions),
        ActionsListed(index.listed, outcomes, decisions),
        context_problems=context_problems,
    )


class _Index:
    """What a whole-catalog preview needs of the plans and requests `preview.prepared`
    keeps for a catalog and a context, worked out once with them: the requests by
    action, which plans need each action, the services, and which (action, dependency
    of) outcome `preview_levels` lists under each action (the last one its rows met
    first, its `by_action`). They depend on the catalog and the context only."""

    __slots__ = ("plans", "known", "plans_needing", "services", "listed")

    def __init__(self, plans: list[ApiPlan], subjects: list[Any]) -> None:
        self.plans = plans
        self.known = KnownSubjects(subjects)
        self.plans_needing: dict[str, list[int]] = {}
        self.listed: dict[str, tuple[str, str | None]] = {}
        seen: set[tuple[str, str | None]] = set()
        services: dict[str, None] = {}
        for i, plan in enumerate(plans):
            services[plan.service] = None
            for folded in {f for f, _ in plan.names}:
                self.plans_needing.setdefault(folded, []).append(i)
            for need in _needs(plan):
                key = (need.action, need.dependency_of)
                if key not in seen:
                    seen.add(key)
                    self.listed[need.action.casefold()] = key
        self.services = list(services)


# One index per kept list of requests (`preview._PREPARED` keeps 64 of them).
_INDEXES = BoundedMemo(64)


def _index(plans: list[ApiPlan], subjects: list[Any]) -> _Index:
    key = (id(plans), id(subjects))
    found: _Index | None = _INDEXES.get(key)
    if found is None or found.plans is not plans or found.known.subjects is not subjects:
        found = _Index(plans, subjects)
        _INDEXES.put(key, found)
    return found


def _needs(plan: ApiPlan) -> Iterator[Need]:
    """The plan's needs in the order its row asks for their outcomes (`row_of`)."""
    yield from plan.needs
    for link in plan.conditional:
        yield from link.needs


def _made(plan: ApiPlan, note: str, decisions: ManyDecisions) -> ApiPreview:
    """The row of an API whose every action got the path's shared decision: `row_of`'s,
    written out for the usual API (no "required only" link), whose actions all answer
    the shared outcome, decided by the first of them (`decision.combine`)."""
    shared = decisions.shared
    if shared is not None and plan.needs and not plan.conditional:
        names = decisions.names
        actions = tuple(
            [
                ActionOutcome(
                    need.action,
                    need.dependency_of,
                    given(shared, names[need.action.casefold()]),
                )
                for need in plan.needs
            ]
        )
        deciding = actions[0].decision
        return ApiPreview(
            plan.method,
            plan.path,
            plan.service,
            deciding.outcome,
            deciding.possible,
            deciding,
            actions,
            (),
            plan.operation_ids,
            note,
        )
    return row_of(plan, outcome_maker(decisions, {}), note)


class ApiRows(Sequence[ApiPreview]):
    """The preview's rows in the catalog's order: those made, the others made when read."""

    __slots__ = ("plans", "rows", "notes", "decisions")

    def __init__(
        self,
        plans: list[ApiPlan],
        rows: dict[int, ApiPreview],
        notes: dict[str, str],
        decisions: ManyDecisions,
    ) -> None:
        self.plans = plans
        self.rows = rows
        self.notes = notes
        self.decisions = decisions

    def _row(self, i: int) -> ApiPreview:
        found = self.rows.get(i)
        if found is not None:
            return found
        plan = self.plans[i]
        return _made(plan, self.notes[plan.service], self.decisions)

    @overload
    def __getitem__(self, index: int) -> ApiPreview: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[ApiPreview, ...]: ...

    def __getitem__(self, index: int | slice) -> ApiPreview | tuple[ApiPreview, ...]:
        if isinstance(index, slice):
            return tuple(map(self._row, range(len(self.plans))[index]))
        return self._row(range(len(self.plans))[index])

    def __iter__(self) -> Iterator[ApiPreview]:
        return map(self._row, range(len(self.plans)))

    def __len__(self) -> int:
        return len(self.plans)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"ApiRows({len(self.plans)} rows, {len(self.rows)} made)"


class ActionsListed(Mapping[str, ActionOutcome]):
    """The preview's outcome of each action, by its case-folded name (`Preview.actions`):
    the one a made row holds, or one made when read."""

    __slots__ = ("listed", "outcomes", "decisions")

    def __init__(
        self,
        listed: dict[str, tuple[str, str | None]],
        outcomes: dict[tuple[str, str | None], ActionOutcome],
        decisions: ManyDecisions,
    ) -> None:
        self.listed = listed
        self.outcomes = outcomes
        self.decisions = decisions

    def __getitem__(self, folded: str) -> ActionOutcome:
        key = self.listed[folded]
        found = self.outcomes.get(key)
        if found is None:
            action, dependency_of = key
            found = ActionOutcome(action, dependency_of, self.decisions[action.casefold()])
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self.listed)

    def __len__(self) -> int:
        return len(self.listed)

    def __eq__(self, other: Any) -> bool:
        if not isinstance(other, Mapping):
            return NotImplemented
        return dict(self.items()) == dict(other.items())

    def __hash__(self) -> int:
        return hash(tuple(self.items()))
