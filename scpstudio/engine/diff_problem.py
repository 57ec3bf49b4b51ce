"""One API's question for the exact diff, as tables: the parts of a request and, for each
statement of either policy that names an action the API needs, its verdict on each part.

A request matters to an API only through its *dimensions*: the region, the account, the id
of each resource type, and each condition key (its values, or its absence). Every dimension
gets the representatives `engine.diff_values` finds for all the atoms both policies write
(built once per diff), narrowed per API to one value per class its own statements tell
apart. Each statement becomes one item per URN pattern (a statement applies when any of its
patterns does), with the verdict of each of its parts on each representative, computed
with the evaluator's own functions (`match_urn`, `resource_part`, `evaluate_clause`); an
item is *common* when the other side has one written alike (same effect, pattern and
conditions), which is what lets `diff_search` prune and `same_structure` skip a search.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from scpstudio.engine import diff_clock
from scpstudio.engine.catalog import Catalog
from scpstudio.engine.conditions import Tri, evaluate_clause
from scpstudio.engine.context_values import typed_context
from scpstudio.engine.decision import NO_RESOURCE, ResourceRef, normalize_context
from scpstudio.engine.diff_values import element_values, set_values, string_values
from scpstudio.engine.diff_verdicts import (
    and_,
    clause_verdict,
    segment,
    segment_matches,
    segment_verdict,
)
from scpstudio.engine.evaluate import default_resource, resource_part
from scpstudio.engine.policy import Clause, Policy, Statement
from scpstudio.engine.preview import PreviewContext

CHECK_EVERY = 32  # steps between two looks at the clock


class OutOfTime(Exception):
    """The search passed its deadline."""


class TooLarge(Exception):
    """The statements of one API have more parts than the search takes (a sentence)."""


# The search goes one level deeper per part of the request; no real policy comes near.
MAX_DIMENSIONS = 300


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


@dataclass(frozen=True, slots=True)
class Action:
    name: str
    service: str
    rtype: str | None
    resource_level: bool


@dataclass(slots=True, eq=False)
class _Spec:
    """One way a statement of one side can apply to one needed action: through one of its
    URN patterns (`pattern`), or as a whole (`pattern` None: "*", NotResource, or an
    action without resources). A statement applies when any of its specs does."""

    side: int
    statement: Statement
    action: int
    pattern: tuple[str, ...] | None
    shape: Any
    level: int = 0
    common: bool = False


@dataclass(slots=True, eq=False)
class Item:
    """A spec ready to evaluate: a fixed part and one verdict table per dimension."""

    deny: bool
    action: int
    common: bool
    fixed: Tri
    # (dimension, verdict per representative followed by None for "not chosen yet")
    # (dimension, its table, the verdicts the table holds); narrowed by `Problem._narrow`
    factors: tuple[tuple[int, tuple[Tri, ...], frozenset[Tri]], ...]
    # NotResource: the statement, judged on the whole resource (region, account, id dims)
    whole: Statement | None
    resource_dims: tuple[int, int, int]
    dims: tuple[int, ...]
    level: int = 0  # the node of an organization path it is attached at (0: one node)


class Problem:
    """The dimensions and statements that decide one API's outcome under two policies, or
    under two organization paths (`paths`: per side, the policies of each level, both
    sides with the same number of levels); `sides` is then ignored."""

    def __init__(
        self,
        names: Sequence[str],
        sides: tuple[Sequence[Policy], Sequence[Policy]],
        catalog: Catalog,
        context: PreviewContext,
        cache: dict[Any, Any] | None = None,
        *,
        paths: tuple[Sequence[Sequence[Policy]], Sequence[Sequence[Policy]]] | None = None,
    ) -> None:
        self.catalog = catalog
        self.context = context
        self.paths = paths if paths is not None else ([sides[0]], [sides[1]])
        if len(self.paths[0]) != len(self.paths[1]):
            raise ValueError("both paths must have the same number of levels")
        self.level_count = len(self.paths[0])
        self.policies = tuple([p for level in path for p in level] for path in self.paths)
        # representatives already found, shared by the problems of one diff
        self.cache: dict[Any, Any] = {} if cache is None else cache
        self.deadline = math.inf
        self.actions: list[Action] = []
        for name in names:
            action = catalog.action(name)
            ref = default_resource(name, action)
            resource_level = action is None or action.supports_resources
            self.actions.append(Action(name, ref.service or "", ref.type, resource_level))
        self.specs: list[_Spec] = []
        for side, path in enumerate(self.paths):
            for level, policies in enumerate(path):
                for i, act in enumerate(self.actions):
                    in_catalog = catalog.action(act.name) is not None
                    for policy in policies:
                        for st in policy.candidates(act.name, in_catalog):
                            if st.usable and st.matches_action(act.name, in_catalog):
                                self.specs.extend(self._specs(side, st, i, level))
        # common: the other side has a statement written alike for the same action at the
        # same level, so both take the same verdict under every request
        shapes: list[set[tuple[int, int, Any]]] = [set(), set()]
        for spec in self.specs:
            shapes[spec.side].add((spec.action, spec.level, spec.shape))
        for spec in self.specs:
            spec.common = (spec.action, spec.level, spec.shape) in shapes[1 - spec.side]
        self.dims: list[Dimension] = []
        self._dim_index: dict[tuple[str, str], int] = {}
        self.sides: tuple[list[Item], list[Item]] = ([], [])
        self._whole: dict[tuple[int, ...], Tri] = {}

    # -- what can apply, and whether both sides write the same -------------------------------

    def _patterns(self, s: Statement, act: Action) -> list[tuple[str, ...]]:
        """The statement's URN patterns that can name this action's resource."""
        return [
            p
            for p in s.resource_patterns
            if p is not None
            and len(p) == 5
            and segment_matches(p[0], act.service)
            and segment_matches(p[3], act.rtype)
        ]

    def _specs(self, side: int, s: Statement, i: int, level: int = 0) -> list[_Spec]:
        act = self.actions[i]
        clauses = frozenset(
            (c.operator, c.folded_key, frozenset(c.prepared if c.parsed else c.values))
            for c in s.clauses
        )
        deny = s.effect == "Deny"
        if not act.resource_level or s.any_resource:
            whole = resource_part(s, NO_RESOURCE) if not act.resource_level else not s.not_resource
            return [_Spec(side, s, i, None, (deny, "*", clauses), level)] if whole else []
        patterns = self._patterns(s, act)
        if s.not_resource:
            shape = (deny, ("not", frozenset(patterns)), clauses)
            return [_Spec(side, s, i, None, shape, level)]
        return [_Spec(side, s, i, p, (deny, p, clauses), level) for p in dict.fromkeys(patterns)]

    def shape(self) -> Any:
        """What the question depends on besides the actions' names: per action, its
        resource's service and type, the statements that name it, and which of their keys
        it carries. Two problems of one diff with the same shape have the same answer."""
        per_action = []
        for i, act in enumerate(self.actions):
            specs = tuple(
                (sp.side, sp.level, id(sp.statement), sp.pattern)
                for sp in self.specs
                if sp.action == i
            )
            keys = sorted(
                {c.key for sp in self.specs if sp.action == i for c in sp.statement.clauses}
            )
            carries = tuple(self.catalog.action_carries_key(act.name, k) for k in keys)
            per_action.append(
                (act.service.casefold(), act.rtype, act.resource_level, specs, carries)
            )
        return tuple(sorted(per_action, key=repr))

    def same_structure(self) -> bool:
        """Whether, action by action, the two sides hold statements of the same meaning
        written alike (order, duplicates, lists split or merged by resource aside): then no
        request can tell them apart."""
        return all(spec.common for spec in self.specs)

    # -- the dimensions, then each spec as verdict tables --------------------------------------

    def prepare(self, deadline: float) -> None:
        """Find the representatives and turn every spec into an item (after
        `same_structure`, which needs neither), then keep of each dimension one
        representative per class this problem's statements tell apart. Raises OutOfTime
        past the deadline."""
        self.deadline = deadline
        self._build_dims()
        if diff_clock.now() > deadline:
            raise OutOfTime
        for n, spec in enumerate(self.specs):
            if n % CHECK_EVERY == 0 and diff_clock.now() > deadline:
                raise OutOfTime
            item = self._item(spec)
            if item.fixed is not False:
                self.sides[spec.side].append(item)
        self._narrow()

    def _universe(self) -> dict[str, Any]:
        """Every URN part and every clause per key that the two policies write, once per
        diff: each problem's representatives come from these, then are narrowed."""
        found = self.cache.get("universe")
        if isinstance(found, dict):
            return found
        patterns: list[tuple[str, ...]] = []
        keys: dict[str, list[Clause]] = {}
        for policies in self.policies:
            for policy in policies:
                for st in policy.statements:
                    if not st.usable:
                        continue
                    patterns.extend(p for p in st.resource_patterns if p and len(p) == 5)
                    for clause in st.clauses:
                        keys.setdefault(clause.folded_key, []).append(clause)
        universe = {"patterns": patterns, "keys": keys}
        self.cache["universe"] = universe
        return universe

    def _build_dims(self) -> None:
        used_keys: dict[str, None] = {}
        rtypes: dict[str, None] = {}
        place = False
        for spec in self.specs:
            act = self.actions[spec.action]
            s = spec.statement
            if spec.pattern is not None or (
                s.not_resource and act.resource_level and not s.any_resource
            ):
                place = True
                if act.rtype is not None:
                    rtypes[act.rtype] = None
            for clause in s.clauses:
                used_keys[clause.folded_key] = None
        universe = self._universe()
        patterns: list[tuple[str, ...]] = universe["patterns"] if place else []
        ctx = self.context
        preferred = [r.id for r in self.catalog.regions]
        self._string_dim("region", "", {p[1] for p in patterns}, ctx.region, preferred)
        self._string_dim("account", "", {p[2] for p in patterns}, ctx.account_id, ())
        for rtype in sorted(rtypes):
            ids = {p[4] for p in patterns if segment_matches(p[3], rtype)}
            self._string_dim("id", rtype, ids, ctx.resource_ids.get(rtype), ())
        given = normalize_context(ctx.keys)
        typed_given = typed_context(ctx.keys, self.catalog).values
        if len(used_keys) > MAX_DIMENSIONS:
            raise TooLarge(f"the statements compare more than {MAX_DIMENSIONS} condition keys")
        for folded in used_keys:
            self._dim_index[("key", folded)] = len(self.dims)
            if folded in given:
                values = (given[folded],)
                self.dims.append(Dimension("key", folded, values, (typed_given[folded],)))
                continue
            memo = ("key", folded)
            dim = self.cache.get(memo)
            if dim is None:
                dim = self.cache[memo] = self._key_dim(universe["keys"][folded])
            self.dims.append(dim)

    def _narrow(self) -> None:
        """Keep, of each dimension, the first representative of every combination of
        verdicts this problem's tables give (the others change nothing here)."""
        tables: dict[int, list[tuple[Tri, ...]]] = {}
        whole: set[int] = set()
        for items in self.sides:
            for item in items:
                for d, table, _ in item.factors:
                    tables.setdefault(d, []).append(table)
                if item.whole is not None:
                    whole.update(d for d in item.resource_dims if d >= 0)
        kept: dict[int, list[int]] = {}
        for d, found in tables.items():
            if d in whole or len(self.dims[d].values) < 2:
                continue
            seen: dict[tuple[Tri, ...], int] = {}
            for j in range(len(self.dims[d].values)):
                seen.setdefault(tuple(t[j] for t in found), j)
            if len(seen) < len(self.dims[d].values):
                kept[d] = sorted(seen.values())
        if not kept:
            return
        for d, chosen in kept.items():
            dim = self.dims[d]
            self.dims[d] = Dimension(
                dim.kind,
                dim.name,
                tuple(dim.values[j] for j in chosen),
                tuple(dim.typed[j] for j in chosen),
                dim.complete,
            )
        for items in self.sides:
            for item in items:
                factors = []
                for d, table, held in item.factors:
                    if d in kept:
                        table = (*(table[j] for j in kept[d]), None)
                        held = frozenset(table[:-1])
                    factors.append((d, table, held))
                item.factors = tuple(factors)

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
        key = ("strings", kind, name, frozenset(atoms))
        dim = self.cache.get(key)
        if dim is None:
            found = string_values((), atoms, (), preferred, self.deadline)
            dim = self.cache[key] = Dimension(
                kind, name, found.values, found.values, found.complete
            )
        self.dims.append(dim)

    def _key_dim(self, clauses: list[Clause]) -> Dimension:
        key = clauses[0].key
        known = self.catalog.condition_key(key)
        singles = element_values(clauses, known.value_type if known else None, self.deadline)
        written: list[tuple[Any, ...]] = [(v,) for v in singles.values]
        folded = key.casefold()
        typed = [typed_context({key: list(w)}, self.catalog).values[folded] for w in written]
        sets, finished = set_values(typed, clauses, self.deadline)
        values = [*written, ()]
        readings = [*typed, ()]
        for chosen in sets:
            values.append(tuple(written[j][0] for j in chosen))
            readings.append(tuple(typed[j][0] for j in chosen))
        return Dimension("key", key, tuple(values), tuple(readings), singles.complete and finished)

    def _table(
        self, d: int, what: tuple[Any, ...], verdict: Callable[[Any], Tri]
    ) -> tuple[Tri, ...]:
        """Verdict per representative of dimension `d`, then None (not chosen yet); kept
        for the diff's other problems, which share dimensions and statements."""
        dim = self.dims[d]
        key = ("table", id(dim), *what)
        found = self.cache.get(key)
        if found is None:
            if diff_clock.now() > self.deadline:
                raise OutOfTime
            found = self.cache[key] = (*(verdict(v) for v in dim.typed), None)
        return found

    def _item(self, spec: _Spec) -> Item:
        """The spec as an item; its tables are the same in every problem of the diff
        (dimensions are built from the whole of both policies), so they are made once."""
        act = self.actions[spec.action]
        s = spec.statement
        key = ("item", id(s), spec.pattern, act.name.casefold())
        template = self.cache.get(key)
        if template is None:
            template = self.cache[key] = self._template(spec)
        fixed, named, whole, parts_named = template
        index = self._dim_index
        factors = tuple((index[k], table, values) for k, table, values in named)
        parts = tuple(index.get(k, -1) for k in parts_named)
        dims = [d for d, _, _ in factors] + ([d for d in parts if d >= 0] if whole else [])
        return Item(
            s.effect == "Deny",
            spec.action,
            spec.common,
            fixed,
            factors,
            s if whole else None,
            (parts[0], parts[1], parts[2]),
            tuple(dict.fromkeys(dims)),
            spec.level,
        )

    def _template(self, spec: _Spec) -> tuple[Tri, tuple[Any, ...], bool, tuple[Any, ...]]:
        """(fixed verdict, (dimension key, table, verdicts it holds) per factor, NotResource
        judged whole, the resource's dimension keys)."""
        act = self.actions[spec.action]
        s = spec.statement
        fixed: Tri = True
        factors: list[tuple[Any, tuple[Tri, ...], frozenset[Tri]]] = []
        named = (("region", ""), ("account", ""), ("id", act.rtype or ""))

        def add(dim_key: tuple[str, str], what: tuple[Any, ...], verdict: Any) -> None:
            table = self._table(self._dim_index[dim_key], what, verdict)
            factors.append((dim_key, table, frozenset(table[:-1])))

        if spec.pattern is not None:
            p = spec.pattern
            fixed = and_(segment(p[0], 0, act.service), segment(p[3], 3, act.rtype))
            for place, dim_key in zip((1, 2, 4), named, strict=True):
                if dim_key not in self._dim_index or (place == 4 and act.rtype is None):
                    fixed = and_(fixed, segment(p[place], place, None))
                else:
                    add(dim_key, ("segment", p[place], place), segment_verdict(p[place], place))
        whole = spec.pattern is None and bool(
            s.not_resource and act.resource_level and not s.any_resource
        )
        for clause in s.clauses:
            carries = self.catalog.action_carries_key(act.name, clause.key)
            if carries is False:
                fixed = and_(fixed, evaluate_clause(clause, ()))
                continue
            what = ("clause", id(clause), carries)
            add(("key", clause.folded_key), what, clause_verdict(clause, carries))
        return fixed, tuple(factors), whole, named

    # -- evaluating ------------------------------------------------------------------------

    def whole_resource(self, item: Item, assign: list[int]) -> Tri:
        chosen = tuple(assign[d] if d >= 0 else -1 for d in item.resource_dims)
        key = (id(item), *chosen)
        if key in self._whole:
            return self._whole[key]
        act = self.actions[item.action]
        region, account, rid = (
            self.dims[d].values[c] if d >= 0 and c >= 0 else None
            for d, c in zip(item.resource_dims, chosen, strict=True)
        )
        assert item.whole is not None
        ref = ResourceRef(act.service, region, account, act.rtype, rid)
        found = self._whole[key] = resource_part(item.whole, ref)
        return found

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
