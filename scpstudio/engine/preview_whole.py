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
from scpstudio.engine.decision import DecidedBy, Decision, Level, Outcome, slot_setters
from scpstudio.engine.evaluate_many import KnownSubjects, ManyDecisions, decide_many, given_by
from scpstudio.engine.preview import (
    ActionOutcome,
    ApiPlan,
    ApiPreview,
    LinkPreview,
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
        ApiRows(plans, rows, notes, decisions, index.first_names),
        ActionsListed(index.listed, outcomes, decisions),
        context_problems=context_problems,
    )


class _Index:
    """What a whole-catalog preview needs of the plans and requests `preview.prepared`
    keeps for a catalog and a context, worked out once with them: the requests by
    action, which plans need each action, the services, and which (action, dependency
    of) outcome `preview_levels` lists under each action (the last one its rows met
    first, its `by_action`). They depend on the catalog and the context only."""

    __slots__ = ("plans", "known", "plans_needing", "services", "listed", "first_names")

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
        # per plan: the first action it needs as its request writes it, for a `SharedRow`
        # (None for a plan that cannot be one)
        self.first_names = [
            self.known.names[plan.needs[0].action.casefold()]
            if plan.needs and not plan.conditional
            else None
            for plan in plans
        ]


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


class SharedRow(ApiPreview):
    """The row `row_of` makes for an API whose every action got the path's one shared
    decision and that has no "required only" link, made light: it holds the plan and the
    path's decisions, and makes what names an action (what decided, each action's
    outcome) when first read. A page reads a few fields of each of 10,000 such rows, once;
    making the five objects of a full row for each cost more than the rest of the preview.

    Its fields read as `row_of`'s (its actions all answer the shared outcome, decided by
    the first of them: `decision.combine`), and it equals that row
    (tests/engine/test_preview_whole.py)."""

    __slots__ = ("_plan", "_first", "_many", "_by", "_deciding")

    _plan: ApiPlan
    _first: str  # the first action the plan needs, as its request writes it
    _many: ManyDecisions  # its `shared` is set
    _by: DecidedBy | None
    _deciding: Decision | None

    def __init__(self, plan: ApiPlan, note: str, first: str, decisions: ManyDecisions) -> None:
        set_plan, set_first, set_many, set_by, set_deciding, set_note = _SHARED_ROW
        set_plan(self, plan)
        set_first(self, first)
        set_many(self, decisions)
        set_by(self, None)
        set_deciding(self, None)
        set_note(self, note)

    @property
    def method(self) -> str:
        return self._plan.method

    @property
    def path(self) -> str:
        return self._plan.path

    @property
    def service(self) -> str:
        return self._plan.service

    @property
    def operation_ids(self) -> tuple[str, ...]:
        return self._plan.operation_ids

    @property
    def outcome(self) -> Outcome:
        return self._many.shared.outcome  # type: ignore[union-attr]

    @property
    def possible(self) -> frozenset[Outcome]:
        return self._many.shared.possible  # type: ignore[union-attr]

    @property
    def conditional_links(self) -> tuple[LinkPreview, ...]:
        return ()

    @property
    def _shared(self) -> Decision:
        return self._many.shared  # type: ignore[return-value]

    @property
    def decided_by(self) -> DecidedBy | None:
        found = self._by
        if found is None:
            shared = self._many.shared.decided_by  # type: ignore[union-attr]
            if shared is None:
                return None
            found = given_by(shared, self._first)
            _SHARED_ROW[3](self, found)
        return found

    @property
    def deciding(self) -> Decision:
        found = self._deciding
        if found is None:
            shared = self._shared
            by = self.decided_by
            found = Decision(
                shared.outcome, shared.possible, by, shared.conditions, shared.statements
            )
            _SHARED_ROW[4](self, found)
        return found

    @property
    def actions(self) -> tuple[ActionOutcome, ...]:
        needs = self._plan.needs
        first = ActionOutcome(needs[0].action, needs[0].dependency_of, self.deciding)
        many = self._many
        return (first, *[ActionOutcome(n.action, n.dependency_of, many[n.action.casefold()])
                         for n in needs[1:]])  # fmt: skip

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ApiPreview):
            return NotImplemented
        return _row_fields(self) == _row_fields(other)

    def __hash__(self) -> int:
        return hash(_row_fields(self))


def _row_fields(row: ApiPreview) -> tuple[Any, ...]:
    """A row's fields in `ApiPreview`'s order (what its generated `__eq__` compares)."""
    return (row.method, row.path, row.service, row.outcome, row.possible, row.deciding,
            row.actions, row.conditional_links, row.operation_ids, row.note)  # fmt: skip


_SHARED_ROW = (
    *slot_setters(SharedRow, "_plan _first _many _by _deciding"),
    *slot_setters(ApiPreview, "note"),
)


class ApiRows(Sequence[ApiPreview]):
    """The preview's rows in the catalog's order: those made, the others made when read."""

    __slots__ = ("plans", "rows", "notes", "decisions", "first_names")

    def __init__(
        self,
        plans: list[ApiPlan],
        rows: dict[int, ApiPreview],
        notes: dict[str, str],
        decisions: ManyDecisions,
        first_names: list[str | None],
    ) -> None:
        self.plans = plans
        self.rows = rows
        self.notes = notes
        self.decisions = decisions
        self.first_names = first_names

    def _row(self, i: int) -> ApiPreview:
        found = self.rows.get(i)
        if found is not None:
            return found
        plan = self.plans[i]
        first = self.first_names[i]
        decisions = self.decisions
        if first is None or decisions.shared is None:
            return row_of(plan, outcome_maker(decisions, {}), self.notes[plan.service])
        return SharedRow(plan, self.notes[plan.service], first, decisions)

    @overload
    def __getitem__(self, index: int) -> ApiPreview: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[ApiPreview, ...]: ...

    def __getitem__(self, index: int | slice) -> ApiPreview | tuple[ApiPreview, ...]:
        if isinstance(index, slice):
            return tuple(map(self._row, range(len(self.plans))[index]))
        return self._row(range(len(self.plans))[index])

    def __iter__(self) -> Iterator[ApiPreview]:
        rows, notes, decisions, first_names = (
            self.rows,
            self.notes,
            self.decisions,
            self.first_names,
        )
        for i, plan in enumerate(self.plans):  # `_row`, written out: a page reads 10,000
            first = first_names[i]
            found = rows.get(i)
            if found is not None:
                yield found
            elif first is None or decisions.shared is None:
                yield row_of(plan, outcome_maker(decisions, {}), notes[plan.service])
            else:
                yield SharedRow(plan, notes[plan.service], first, decisions)

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
