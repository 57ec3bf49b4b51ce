"""The search behind the exact diff: one API's needs, two policies, every request.

An API's outcome under a policy depends on the request only through which statements
apply to each action it needs; a statement applies when its resource part and each of
its conditions hold. Those depend on a few *dimensions* of the request: the region, the
account, the id of each resource type, and each condition key (its values, or its
absence). `engine.diff_values` gives every dimension one representative per class of
values the two policies can tell apart, so a request made of representatives stands for
every request with the same truths; trying every combination would decide the question
exactly, and a depth-first search does it with pruning:

* it evaluates the partial request in three values (a dimension not chosen yet is
  unknown), with the evaluator's own functions (`resource_part`, `evaluate_clause`, the
  rules `level_possible` and `combine_possible`), so what is still possible for each side
  is an over-approximation of every completion;
* a branch stops as soon as the wanted difference (before refuses and after allows, or
  the reverse) is impossible, or both sides are decided;
* it only branches on dimensions some undecided statement still needs, the one with the
  fewest representatives first.

A request found this way is a candidate; the diff keeps it only after the preview itself
(`preview.needs_outcome`) gives the two sides different outcomes under it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from scpstudio.engine.catalog import Catalog
from scpstudio.engine.conditions import Tri, evaluate_clause
from scpstudio.engine.context_values import typed_context
from scpstudio.engine.decision import NO_RESOURCE, ResourceRef, normalize_context
from scpstudio.engine.diff_values import Values, element_values, set_values, string_values
from scpstudio.engine.evaluate import (
    ALLOWED,
    Outcome,
    combine_possible,
    default_resource,
    level_possible,
    resource_part,
)
from scpstudio.engine.policy import Clause, Policy, Statement
from scpstudio.engine.preview import PreviewContext
from scpstudio.engine.wildcard import wildcard_match

NEWLY_ALLOWED = "newly_allowed"
NEWLY_DENIED = "newly_denied"
ALLOWS, REFUSES = "allows", "refuses"
T = TypeVar("T")
_CHECK_EVERY = 32  # nodes between two looks at the clock


def allowedness(possible: frozenset[Outcome]) -> frozenset[str]:
    """Whether an outcome set may allow, may refuse (denied or not allowed), or both."""
    return frozenset(ALLOWS if o is ALLOWED else REFUSES for o in possible)


def differs(direction: str, before: frozenset[str], after: frozenset[str]) -> bool:
    """Whether the two sides differ that way: `newly_allowed` when after may allow where
    before may refuse, and the two are not the same open question."""
    if before == after:
        return False
    if direction == NEWLY_ALLOWED:
        return ALLOWS in after and REFUSES in before
    return REFUSES in after and ALLOWS in before


def _possible(direction: str, before: frozenset[str], after: frozenset[str]) -> bool:
    if direction == NEWLY_ALLOWED:
        return ALLOWS in after and REFUSES in before
    return REFUSES in after and ALLOWS in before


class OutOfTime(Exception):
    """The search passed its deadline."""


@dataclass(slots=True)
class Dimension:
    """One part of the request: `region`, `account`, `id` (of `name`, a resource type) or
    `key` (`name` as first written); `values` are the representatives (a key's: tuples of
    values, () for absent), `typed` what the evaluator reads for each."""

    kind: str
    name: str
    values: tuple[Any, ...]
    typed: tuple[Any, ...]
    complete: bool = True


@dataclass(slots=True, eq=False)
class _Item:
    """One statement of one side that names one needed action."""

    deny: bool
    statement: Statement
    action: int  # index into the problem's actions
    # (clause, dimension index or -1, whether the action carries the key: True/False/None)
    clauses: tuple[tuple[Clause, int, bool | None], ...]
    resource: Tri | None  # fixed resource verdict, or None when it depends on the request
    # the region, account and id dimensions of its resource (-1: none), then every one
    resource_dims: tuple[int, int, int]
    dims: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class _Action:
    name: str
    service: str
    rtype: str | None
    resource_level: bool


def _segment_matches(pattern: str, value: str | None) -> bool:
    return value is None or wildcard_match(pattern, value, ignore_case=True)


class Problem:
    """The dimensions and statements that decide one API's outcome under two policies."""

    def __init__(
        self,
        names: Sequence[str],
        sides: tuple[Sequence[Policy], Sequence[Policy]],
        catalog: Catalog,
        context: PreviewContext,
        cache: dict[Any, Any] | None = None,
    ) -> None:
        self.catalog = catalog
        self.context = context
        # representatives already found, shared by the problems of one diff
        self.cache: dict[Any, Any] = {} if cache is None else cache
        self.actions: list[_Action] = []
        for name in names:
            action = catalog.action(name)
            ref = default_resource(name, action)
            level = action is None or action.supports_resources
            self.actions.append(_Action(name, ref.service or "", ref.type, level))
        self.dims: list[Dimension] = []
        self._dim_index: dict[tuple[str, str], int] = {}
        self.sides: tuple[list[_Item], list[_Item]] = ([], [])
        raw: list[tuple[Statement, int, int]] = []
        for side, policies in enumerate(sides):
            for i, act in enumerate(self.actions):
                in_catalog = catalog.action(act.name) is not None
                for policy in policies:
                    for s in policy.candidates(act.name, in_catalog):
                        if s.usable and s.matches_action(act.name, in_catalog):
                            raw.append((s, i, side))
        self._build_dims(raw)
        for s, i, side in raw:
            self.sides[side].append(self._item(s, i))
        self.memo: dict[tuple[int, int, int], Tri] = {}
        self.resource_memo: dict[tuple[int, ...], Tri] = {}

    # -- building ------------------------------------------------------------------------

    def _patterns(self, s: Statement, act: _Action) -> list[tuple[str, ...]]:
        """The statement's URN patterns that can name this action's resource."""
        return [
            p
            for p in s.resource_patterns
            if p is not None
            and len(p) == 5
            and _segment_matches(p[0], act.service)
            and _segment_matches(p[3], act.rtype)
        ]

    def _build_dims(self, raw: list[tuple[Statement, int, int]]) -> None:
        regions: set[str] = set()
        accounts: set[str] = set()
        ids: dict[str, set[str]] = {}
        keys: dict[str, list[Clause]] = {}
        for s, i, _ in raw:
            act = self.actions[i]
            if act.resource_level and not s.any_resource:
                for p in self._patterns(s, act):
                    regions.add(p[1])
                    accounts.add(p[2])
                    if act.rtype is not None:
                        ids.setdefault(act.rtype, set()).add(p[4])
            for clause in s.clauses:
                keys.setdefault(clause.folded_key, []).append(clause)
        ctx = self.context
        preferred = [r.id for r in self.catalog.regions]
        self._string_dim("region", "", regions, ctx.region, preferred)
        self._string_dim("account", "", accounts, ctx.account_id, ())
        for rtype, found in sorted(ids.items()):
            self._string_dim("id", rtype, found, ctx.resource_ids.get(rtype), ())
        given = normalize_context(ctx.keys)
        typed_given = typed_context(ctx.keys, self.catalog).values
        for folded, clauses in keys.items():
            self._dim_index[("key", folded)] = len(self.dims)
            if folded in given:
                values = (given[folded],)
                self.dims.append(Dimension("key", folded, values, (typed_given[folded],)))
                continue
            memo = ("key", tuple(dict.fromkeys(id(c) for c in clauses)))
            dim = self.cache.get(memo)
            if dim is None:
                dim = self.cache[memo] = self._key_dim(clauses)
            self.dims.append(dim)

    def _string_dim(
        self, kind: str, name: str, parts: set[str], fixed: str | None, preferred: Any
    ) -> None:
        atoms = {p for p in parts if p.strip("*")} | ({""} if "" in parts else set())
        if fixed is None and not atoms:
            return  # nothing here tells two values apart: it stays unknown
        self._dim_index[(kind, name)] = len(self.dims)
        if fixed is not None:
            self.dims.append(Dimension(kind, name, (fixed,), (fixed,)))
            return
        key = ("strings", kind, frozenset(atoms))
        found = self.cache.get(key)
        if found is None:
            found = self.cache[key] = string_values((), atoms, (), preferred)
        self.dims.append(Dimension(kind, name, found.values, found.values, found.complete))

    def _key_dim(self, clauses: list[Clause]) -> Dimension:
        key = clauses[0].key
        known = self.catalog.condition_key(key)
        singles: Values = element_values(clauses, known.value_type if known else None)
        written: list[tuple[Any, ...]] = [(v,) for v in singles.values]
        typed = [
            typed_context({key: list(w)}, self.catalog).values[key.casefold()] for w in written
        ]
        sets, finished = set_values(typed, clauses)
        values = [*written, ()]
        readings = [*typed, ()]
        for chosen in sets:
            values.append(tuple(written[j][0] for j in chosen))
            readings.append(tuple(typed[j][0] for j in chosen))
        return Dimension("key", key, tuple(values), tuple(readings), singles.complete and finished)

    def _item(self, s: Statement, i: int) -> _Item:
        act = self.actions[i]
        resource: Tri | None = None
        parts = [-1, -1, -1]
        if not act.resource_level:
            resource = resource_part(s, NO_RESOURCE)
        elif s.any_resource:
            resource = not s.not_resource
        else:
            for n, (kind, name) in enumerate(
                (("region", ""), ("account", ""), ("id", act.rtype or ""))
            ):
                parts[n] = self._dim_index.get((kind, name), -1)
        dims = [d for d in parts if d >= 0]
        clauses = []
        for clause in s.clauses:
            carries = self.catalog.action_carries_key(act.name, clause.key)
            index = self._dim_index[("key", clause.folded_key)]
            clauses.append((clause, index if carries is not False else -1, carries))
            if carries is not False:
                dims.append(index)
        region, account, rid = parts
        return _Item(
            s.effect == "Deny",
            s,
            i,
            tuple(clauses),
            resource,
            (region, account, rid),
            tuple(dict.fromkeys(dims)),
        )

    # -- evaluating ------------------------------------------------------------------------

    def _clause(self, clause: Clause, dim: int, carries: bool | None, chosen: int) -> Tri:
        if dim < 0:
            return evaluate_clause(clause, ())
        if chosen < 0:
            return None
        key = (id(clause), dim, chosen)
        if key in self.memo:
            return self.memo[key]
        values = self.dims[dim].typed[chosen]
        result = evaluate_clause(clause, values)
        if carries is None and result is not None and values:
            # the action may not carry the key at all: only what holds either way counts
            result = result if evaluate_clause(clause, ()) is result else None
        self.memo[key] = result
        return result

    def _resource(self, item: _Item, assign: list[int]) -> Tri:
        if item.resource is not None:
            return item.resource
        chosen = [assign[d] if d >= 0 else -1 for d in item.resource_dims]
        key = (id(item.statement), item.action, *chosen)
        if key in self.resource_memo:
            return self.resource_memo[key]
        act = self.actions[item.action]
        region, account, rid = (
            self.dims[d].values[c] if d >= 0 and c >= 0 else None
            for d, c in zip(item.resource_dims, chosen, strict=True)
        )
        ref = ResourceRef(act.service, region, account, act.rtype, rid)
        found = resource_part(item.statement, ref)
        self.resource_memo[key] = found
        return found

    def value(self, item: _Item, assign: list[int]) -> Tri:
        result = self._resource(item, assign)
        if result is False:
            return False
        for clause, dim, carries in item.clauses:
            verdict = self._clause(clause, dim, carries, assign[dim] if dim >= 0 else -1)
            if verdict is False:
                return False
            if verdict is None:
                result = None
        return result

    def side(self, side: int, assign: list[int]) -> tuple[frozenset[str], set[int]]:
        """What one side may answer for the whole API, and the dimensions not chosen yet
        that could still change it."""
        count = len(self.actions)
        deny_true = [False] * count
        allow_true = [False] * count
        open_denies: list[list[_Item]] = [[] for _ in range(count)]
        open_allows: list[list[_Item]] = [[] for _ in range(count)]
        for item in self.sides[side]:
            if deny_true[item.action]:
                continue
            verdict = self.value(item, assign)
            if verdict is False:
                continue
            if verdict:
                if item.deny:
                    deny_true[item.action] = True
                else:
                    allow_true[item.action] = True
            else:
                (open_denies if item.deny else open_allows)[item.action].append(item)
        sets = [
            level_possible(deny_true[i], allow_true[i], bool(open_denies[i]), bool(open_allows[i]))
            for i in range(count)
        ]
        answer = allowedness(combine_possible(sets))
        live: set[int] = set()
        if len(answer) > 1:
            for i in range(count):
                if deny_true[i]:
                    continue
                items = open_denies[i] + ([] if allow_true[i] else open_allows[i])
                for item in items:
                    live.update(d for d in item.dims if assign[d] < 0)
        return answer, live

    def same_structure(self) -> bool:
        """Whether, action by action, the two sides hold statements of the same meaning
        written alike (order, duplicates, lists split or merged by resource aside): then no
        request can tell them apart."""
        for i, act in enumerate(self.actions):
            shapes = []
            for side in (0, 1):
                found: set[Any] = set()
                for item in self.sides[side]:
                    if item.action == i:
                        found.update(self._shapes(item, act))
                shapes.append(found)
            if shapes[0] != shapes[1]:
                return False
        return True

    def _shapes(self, item: _Item, act: _Action) -> list[Any]:
        s = item.statement
        clauses = frozenset(
            (c.operator, c.folded_key, frozenset(c.prepared if c.parsed else c.values))
            for c in s.clauses
        )
        if item.resource is not None:
            return [(item.deny, "*", clauses)] if item.resource else []
        patterns = frozenset(self._patterns(s, act))
        if s.not_resource:
            return [(item.deny, ("not", patterns), clauses)]
        return [(item.deny, p, clauses) for p in patterns]

    # -- the request a choice stands for -----------------------------------------------------

    def context_for(self, assign: list[int]) -> PreviewContext:
        ctx = self.context
        region, account = ctx.region, ctx.account_id
        ids = dict(ctx.resource_ids)
        keys: dict[str, Any] = dict(ctx.keys)
        for d, chosen in enumerate(assign):
            if chosen < 0:
                continue
            dim = self.dims[d]
            value = dim.values[chosen]
            if dim.kind == "region":
                region = value
            elif dim.kind == "account":
                account = value
            elif dim.kind == "id":
                ids[dim.name] = value
            elif not any(k.casefold() == dim.name.casefold() for k in keys):
                keys[dim.name] = list(value)
        return PreviewContext(region, account, ids, keys)


@dataclass(slots=True)
class Search(Generic[T]):
    """One direction's depth-first search, with a deadline (`time.monotonic()` seconds).

    `confirm` turns a request found into what the caller keeps (a witness) once the
    preview agrees it differs, or None, and the search goes on.
    """

    problem: Problem
    direction: str
    deadline: float
    confirm: Callable[[PreviewContext], T | None]
    nodes: int = 0

    def run(self) -> T | None:
        """A confirmed request differing that way, or None when there is none among the
        representatives. Raises OutOfTime past the deadline."""
        assign = [0 if len(d.values) == 1 else -1 for d in self.problem.dims]
        return self._node(assign)

    def _node(self, assign: list[int]) -> T | None:
        self.nodes += 1
        if self.nodes % _CHECK_EVERY == 0 and time.monotonic() > self.deadline:
            raise OutOfTime
        before, live_a = self.problem.side(0, assign)
        after, live_b = self.problem.side(1, assign)
        if not _possible(self.direction, before, after):
            return None
        live = live_a | live_b
        if not live:
            if differs(self.direction, before, after):
                return self.confirm(self.problem.context_for(assign))
            return None
        dims = self.problem.dims
        d = min(live, key=lambda i: (len(dims[i].values), i))
        for chosen in range(len(dims[d].values)):
            assign[d] = chosen
            found = self._node(assign)
            if found is not None:
                return found
        assign[d] = -1
        return None
