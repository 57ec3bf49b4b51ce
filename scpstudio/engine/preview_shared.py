"""The rows of APIs whose every action got the path's one shared decision
(`evaluate_many.decide_many`), made light (`SharedRow`): what every preview shares.

A catalog action no statement on the path names gets the path's shared decision; an API
needing only such actions (and no "required only" link) has a row that is that decision
and the API's plan. `SharedRow` holds just these and makes what names an action when it
is read; `ApiRows` (the organization's whole catalog) makes such rows only when read;
`kept_shared_rows` keeps them for the editor's next keystroke. `PlanIndex` is what these
need of the plans and requests `preview.prepared` keeps, worked out once with them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, overload

from scpstudio.engine.api_plans import ApiPlan, Need
from scpstudio.engine.decision import DecidedBy, Decision, Outcome, slot_setters
from scpstudio.engine.evaluate_many import KnownSubjects, ManyDecisions, given, given_by
from scpstudio.engine.preview_rows import (
    ActionOutcome,
    ApiPreview,
    LinkPreview,
    outcome_maker,
    row_of,
)
from scpstudio.engine.statement_memory import BoundedMemo, forgotten_with_statements


class PlanIndex:
    """What a whole-catalog preview needs of the plans and requests `preview.prepared`
    keeps for a catalog and a context, worked out once with them: the requests by
    action, which plans need each action, the services, and which (action, dependency
    of) outcome `preview_levels` lists under each action (the last one its rows met
    first, its `by_action`). They depend on the catalog and the context only."""

    __slots__ = (
        "plans", "known", "plans_needing", "services", "listed", "first_names", "each",
        "parts",
    )  # fmt: skip

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
        self.each = [i for i, first in enumerate(self.first_names) if first is None]
        # the plans by service, for a preview in parts (preview_segments), made when asked
        self.parts: Any = None


# One index per kept list of requests (`preview._PREPARED` keeps 64 of them).
_INDEXES = BoundedMemo(64)


def plan_index(plans: list[ApiPlan], subjects: list[Any]) -> PlanIndex:
    """The index of the plans and requests `preview.prepared` keeps, kept with them."""
    key = (id(plans), id(subjects))
    found: PlanIndex | None = _INDEXES.get(key)
    if found is None or found.plans is not plans or found.known.subjects is not subjects:
        found = PlanIndex(plans, subjects)
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

    __slots__ = ("_plan", "_first", "_shared", "_names", "_by", "_deciding")

    _plan: ApiPlan
    _first: str  # the first action the plan needs, as its request writes it
    _shared: Decision  # the path's shared decision (naming no action)
    _names: Mapping[str, str]  # the requests' actions: case-folded -> as written
    _by: DecidedBy | None
    _deciding: Decision | None

    def __init__(
        self, plan: ApiPlan, note: str, first: str, shared: Decision, names: Mapping[str, str]
    ) -> None:
        (set_plan, set_first, set_shared, set_names, set_by, set_deciding, set_note,
         set_faces) = _SHARED_ROW  # fmt: skip
        set_plan(self, plan)
        set_first(self, first)
        set_shared(self, shared)
        set_names(self, names)
        set_by(self, None)
        set_deciding(self, None)
        set_note(self, note)
        set_faces(self, None)

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
        return self._shared.outcome

    @property
    def possible(self) -> frozenset[Outcome]:
        return self._shared.possible

    @property
    def conditional_links(self) -> tuple[LinkPreview, ...]:
        return ()

    @property
    def decided_by(self) -> DecidedBy | None:
        found = self._by
        if found is None:
            shared = self._shared.decided_by
            if shared is None:
                return None
            found = given_by(shared, self._first)
            _SHARED_ROW[4](self, found)
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
            _SHARED_ROW[5](self, found)
        return found

    @property
    def actions(self) -> tuple[ActionOutcome, ...]:
        needs = self._plan.needs
        first = ActionOutcome(needs[0].action, needs[0].dependency_of, self.deciding)
        shared, names = self._shared, self._names
        rest = [
            ActionOutcome(n.action, n.dependency_of, given(shared, names[n.action.casefold()]))
            for n in needs[1:]
        ]
        return (first, *rest)

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
    *slot_setters(SharedRow, "_plan _first _shared _names _by _deciding"),
    *slot_setters(ApiPreview, "note faces"),
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
        shared = decisions.shared
        if first is None or shared is None:
            return row_of(plan, outcome_maker(decisions, {}), self.notes[plan.service])
        return SharedRow(plan, self.notes[plan.service], first, shared, decisions.names)

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
        shared, names = decisions.shared, decisions.names
        for i, plan in enumerate(self.plans):  # `_row`, written out: a page reads 10,000
            first = first_names[i]
            found = rows.get(i)
            if found is not None:
                yield found
            elif first is None or shared is None:
                yield row_of(plan, outcome_maker(decisions, {}), notes[plan.service])
            else:
                yield SharedRow(plan, notes[plan.service], first, shared, names)

    def outcomes(self) -> Iterator[Outcome]:
        """Each row's outcome, without making the rows that share the path's decision."""
        shared = self.decisions.shared
        for i, first in enumerate(self.first_names):
            found = self.rows.get(i)
            if found is None and first is not None and shared is not None:
                yield shared.outcome
            else:
                yield self._row(i).outcome

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


# -- kept for the next keystroke ---------------------------------------------------------

# The path's shared decision as first met, with the decisions given to each action from
# it, by the requests' names: a preview asked again gets the same objects (what the row
# memos of the editor and the REST API recognise).
_SHARED = forgotten_with_statements(BoundedMemo(64))
# The SharedRows of a list of plans under one kept shared decision, by plan index: a few
# lists of at most KEPT_ROWS rows (the rows of a policy naming every service of a large
# catalog are made each time, as the organization's are, rather than kept by the
# thousand).
_SHARED_ROWS = forgotten_with_statements(BoundedMemo(16))
KEPT_ROWS = 4_096


def kept_decisions(decisions: ManyDecisions) -> ManyDecisions:
    """The same decisions, the shared one replaced by the first equal one met for the same
    requests, and the decisions it gives each action kept with it."""
    shared = decisions.shared
    if shared is None:
        return decisions
    key = (id(decisions.names), shared)
    found = _SHARED.get(key)
    if found is None or found[0] is not decisions.names:
        found = (decisions.names, shared, {})
        _SHARED.put(key, found)
    return ManyDecisions(decisions.decided, found[1], decisions.names, found[2])


def kept_shared_rows(
    index: PlanIndex, decisions: ManyDecisions, notes: Mapping[str, str]
) -> list[ApiPreview | None]:
    """A SharedRow per plan that can be one (None for the others), the same objects each
    time for the same plans (up to KEPT_ROWS of them), kept shared decision
    (`kept_decisions`) and notes."""
    shared = decisions.shared
    assert shared is not None
    noted = tuple(notes.items())
    key = (id(index), id(shared), noted)
    found = _SHARED_ROWS.get(key)
    if found is not None and found[0] is index and found[1] is shared:
        return found[2]  # type: ignore[no-any-return]
    names = decisions.names
    rows: list[ApiPreview | None] = [
        None if first is None else SharedRow(plan, notes[plan.service], first, shared, names)
        for plan, first in zip(index.plans, index.first_names, strict=True)
    ]
    if len(rows) <= KEPT_ROWS:
        _SHARED_ROWS.put(key, (index, shared, rows))
    return rows


# The rows of the latest preview of each plan index (of at most MAX_LATEST_PLANS plans:
# 4,096 rows in all, the bound `preview._ROWS` has), with the decisions they were made of.
# An edit changes the decisions of the few actions its statement names, and the other
# rows are these again: taken from here, not looked up one by one in `preview._ROWS`.
_LATEST_ROWS = forgotten_with_statements(BoundedMemo(16))
MAX_LATEST_PLANS = 256


def latest_rows(
    index: PlanIndex, key: Any, decisions: ManyDecisions
) -> tuple[list[ApiPreview | None], set[int]] | None:
    """The rows of the latest preview of these plans under `key` (what else a row depends
    on: the catalog snapshot, the notes) and the places of those needing an action whose
    decision is not the same object now (to be made again); None when no rows are kept,
    or they were made under another shared decision."""
    found = _LATEST_ROWS.get((id(index), key))
    if found is None or found[0] is not index or found[1] is not decisions.shared:
        return None
    before: dict[str, Decision] = found[2]
    now = decisions.decided
    changed = [f for f, d in now.items() if before.get(f) is not d]
    changed += [f for f in before if f not in now]
    needing = index.plans_needing
    return found[3], {i for f in changed for i in needing.get(f, ())}


def keep_latest_rows(
    index: PlanIndex, key: Any, decisions: ManyDecisions, rows: list[ApiPreview | None]
) -> None:
    """Keep a whole preview's rows (`rows`, not changed after) for `latest_rows`."""
    if len(index.plans) <= MAX_LATEST_PLANS:
        _LATEST_ROWS.put((id(index), key), (index, decisions.shared, decisions.decided, rows))
