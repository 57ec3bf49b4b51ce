"""The search behind the exact diff: one API's needs, two policies, every request.

An API's outcome under a policy depends on the request only through which statements
apply to each action it needs; a statement applies when one of its URN patterns (or its
NotResource list, or "*") and each of its conditions hold. Those depend on a few
*dimensions* of the request: the region, the account, the id of each resource type, and
each condition key (its values, or its absence). `engine.diff_values` gives every
dimension one representative per class of values the two policies can tell apart, so a
request made of representatives stands for every request with the same truths: trying
every combination would decide the question exactly. A depth-first search does it with
pruning:

* each statement (one per URN pattern) becomes a table per dimension: its verdict for
  each representative, computed once with the evaluator's own functions (`match_urn`,
  `resource_part`, `evaluate_clause`), plus "unknown" for a dimension not chosen yet; a
  side's answer comes from the evaluator's rules (`level_possible`, `combine_possible`),
  so a partial request gets what is still possible, a superset of every completion's;
* a branch stops when the wanted difference (before refuses and after allows, or the
  reverse) is impossible; or when, trying every verdict each statement may still reach
  (those both sides share take the same verdict on both), no combination differs: most
  "no change" proofs end here at once, since only the statements one side lacks matter;
* it branches only on dimensions an undecided statement still reads, those of statements
  one side lacks first, then the one with the fewest representatives.

A request found this way is a candidate; the caller keeps it only after the preview itself
(`preview.needs_outcome`) gives the two sides different outcomes under it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import product
from typing import Any, Generic, TypeVar

from scpstudio.engine.catalog import Catalog
from scpstudio.engine.conditions import Tri, evaluate_clause
from scpstudio.engine.context_values import typed_context
from scpstudio.engine.decision import NO_RESOURCE, ResourceRef, normalize_context
from scpstudio.engine.diff_values import element_values, set_values, string_values
from scpstudio.engine.evaluate import (
    ALLOWED,
    Outcome,
    combine_possible,
    default_resource,
    level_possible,
    match_urn,
    resource_part,
)
from scpstudio.engine.policy import Clause, Policy, Statement
from scpstudio.engine.preview import PreviewContext
from scpstudio.engine.wildcard import wildcard_match

NEWLY_ALLOWED = "newly_allowed"
NEWLY_DENIED = "newly_denied"
ALLOWS, REFUSES = "allows", "refuses"
T = TypeVar("T")
OPEN = "open"  # a verdict still waiting on a dimension not chosen yet
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


def _and(a: Tri, b: Tri) -> Tri:
    if a is False or b is False:
        return False
    return None if a is None or b is None else True


@dataclass(frozen=True, slots=True)
class _Action:
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
    common: bool = False


@dataclass(slots=True, eq=False)
class _Item:
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


def _segment_matches(pattern: str, value: str | None) -> bool:
    return value is None or wildcard_match(pattern, value, ignore_case=True)


def _segment(pattern: str, place: int, value: str | None) -> Tri:
    """One part of a URN pattern against one part of a resource, by the evaluator."""
    parts: list[str | None] = ["x"] * 5
    parts[place] = value
    alone = tuple(pattern if i == place else "*" for i in range(5))
    return match_urn(alone, ResourceRef(*parts))


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
        self.policies = sides
        # representatives already found, shared by the problems of one diff
        self.cache: dict[Any, Any] = {} if cache is None else cache
        self.deadline = math.inf
        self.actions: list[_Action] = []
        for name in names:
            action = catalog.action(name)
            ref = default_resource(name, action)
            level = action is None or action.supports_resources
            self.actions.append(_Action(name, ref.service or "", ref.type, level))
        self.specs: list[_Spec] = []
        for side, policies in enumerate(sides):
            for i, act in enumerate(self.actions):
                in_catalog = catalog.action(act.name) is not None
                for policy in policies:
                    for st in policy.candidates(act.name, in_catalog):
                        if st.usable and st.matches_action(act.name, in_catalog):
                            self.specs.extend(self._specs(side, st, i))
        shapes: list[set[tuple[int, Any]]] = [set(), set()]
        for spec in self.specs:
            shapes[spec.side].add((spec.action, spec.shape))
        for spec in self.specs:
            spec.common = (spec.action, spec.shape) in shapes[1 - spec.side]
        self.dims: list[Dimension] = []
        self._dim_index: dict[tuple[str, str], int] = {}
        self.sides: tuple[list[_Item], list[_Item]] = ([], [])
        self._whole: dict[tuple[int, ...], Tri] = {}

    # -- what can apply, and whether both sides write the same -------------------------------

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

    def _specs(self, side: int, s: Statement, i: int) -> list[_Spec]:
        act = self.actions[i]
        clauses = frozenset(
            (c.operator, c.folded_key, frozenset(c.prepared if c.parsed else c.values))
            for c in s.clauses
        )
        deny = s.effect == "Deny"
        if not act.resource_level or s.any_resource:
            whole = resource_part(s, NO_RESOURCE) if not act.resource_level else not s.not_resource
            return [_Spec(side, s, i, None, (deny, "*", clauses))] if whole else []
        patterns = self._patterns(s, act)
        if s.not_resource:
            return [_Spec(side, s, i, None, (deny, ("not", frozenset(patterns)), clauses))]
        return [_Spec(side, s, i, p, (deny, p, clauses)) for p in dict.fromkeys(patterns)]

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
        if time.monotonic() > deadline:
            raise OutOfTime
        for n, spec in enumerate(self.specs):
            if n % _CHECK_EVERY == 0 and time.monotonic() > deadline:
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
            ids = {p[4] for p in patterns if _segment_matches(p[3], rtype)}
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
            if time.monotonic() > self.deadline:
                raise OutOfTime
            found = self.cache[key] = (*(verdict(v) for v in dim.typed), None)
        return found

    def _item(self, spec: _Spec) -> _Item:
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
        return _Item(
            s.effect == "Deny",
            spec.action,
            spec.common,
            fixed,
            factors,
            s if whole else None,
            (parts[0], parts[1], parts[2]),
            tuple(dict.fromkeys(dims)),
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
            fixed = _and(_segment(p[0], 0, act.service), _segment(p[3], 3, act.rtype))
            for place, dim_key in zip((1, 2, 4), named, strict=True):
                if dim_key not in self._dim_index or (place == 4 and act.rtype is None):
                    fixed = _and(fixed, _segment(p[place], place, None))
                else:
                    add(dim_key, ("segment", p[place], place), _segment_verdict(p[place], place))
        whole = spec.pattern is None and bool(
            s.not_resource and act.resource_level and not s.any_resource
        )
        for clause in s.clauses:
            carries = self.catalog.action_carries_key(act.name, clause.key)
            if carries is False:
                fixed = _and(fixed, evaluate_clause(clause, ()))
                continue
            what = ("clause", id(clause), carries)
            add(("key", clause.folded_key), what, _clause_verdict(clause, carries))
        return fixed, tuple(factors), whole, named

    # -- evaluating ------------------------------------------------------------------------

    def _whole_resource(self, item: _Item, assign: list[int]) -> Tri:
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

    def value(self, item: _Item, assign: list[int]) -> Tri | str:
        """True, False, None (undecided whatever is chosen next: a fact the catalog leaves
        open), or OPEN (undecided until a dimension not chosen yet is)."""
        result: Tri | str = item.fixed
        for d, table, _ in item.factors:
            verdict = table[assign[d]]
            if verdict is False:
                return False
            if verdict is None and result is not OPEN:
                result = OPEN if assign[d] < 0 else None
        if item.whole is not None and result is not False:
            whole = self._whole_resource(item, assign)
            if whole is False:
                return False
            if whole is None and result is not OPEN:
                open_dims = any(assign[d] < 0 for d in item.resource_dims if d >= 0)
                result = OPEN if open_dims else None
        return result

    def side(
        self, side: int, assign: list[int]
    ) -> tuple[frozenset[str], set[int], set[int], list[list[frozenset[Tri]]]]:
        """What one side may answer for the whole API; the dimensions not chosen yet that
        could still change it (of statements the other side lacks, then of shared ones);
        and per action the verdicts of its shared and its own Deny and Allow statements
        (for `settled_alike`)."""
        count = len(self.actions)
        deny = [False] * count
        allow = [False] * count
        open_deny: list[list[_Item]] = [[] for _ in range(count)]
        open_allow: list[list[_Item]] = [[] for _ in range(count)]
        waiting: list[list[_Item]] = [[] for _ in range(count)]
        # per action: the verdicts [shared Deny, shared Allow, own Deny, own Allow] may still
        # take, a statement applying when any of its kind does
        reach: list[list[frozenset[Tri]]] = [[_NEVER] * 4 for _ in range(count)]
        for item in self.sides[side]:
            verdict = self.value(item, assign)
            if verdict is False:
                continue
            a = item.action
            slot = (0 if item.deny else 1) + (0 if item.common else 2)
            can = self.reach(item, assign) if isinstance(verdict, str) else _ONLY[verdict]
            reach[a][slot] = _any_of(reach[a][slot], can)
            if verdict is True:
                if item.deny:
                    deny[a] = True
                else:
                    allow[a] = True
                continue
            (open_deny if item.deny else open_allow)[a].append(item)
            if verdict is OPEN:
                waiting[a].append(item)
        sets = [
            level_possible(deny[i], allow[i], bool(open_deny[i]), bool(open_allow[i]))
            for i in range(count)
        ]
        answer = allowedness(combine_possible(sets))
        extra_live: set[int] = set()
        shared_live: set[int] = set()
        if len(answer) > 1:
            for i in range(count):
                if deny[i]:
                    continue
                for item in waiting[i]:
                    if item.deny or not allow[i]:
                        live = extra_live if not item.common else shared_live
                        live.update(d for d in item.dims if assign[d] < 0)
        return answer, extra_live, shared_live, reach

    def reach(self, item: _Item, assign: list[int]) -> frozenset[Tri]:
        """The verdicts a statement may still take, its dimensions taken one by one (a
        superset when two of its conditions read the same key)."""
        can: frozenset[Tri] = _ONLY[item.fixed]
        for d, table, held in item.factors:
            chosen = assign[d]
            values = _ONLY[table[chosen]] if chosen >= 0 else held
            if values is not _ONLY[True]:
                can = _all_of(can, values)
        if item.whole is not None:
            whole = self._whole_resource(item, assign)
            open_dims = any(assign[d] < 0 for d in item.resource_dims if d >= 0)
            values = _ANY if whole is None and open_dims else _ONLY[whole]
            can = _all_of(can, values)
        return can

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


_ONLY: dict[Tri, frozenset[Tri]] = {v: frozenset({v}) for v in (True, False, None)}
_NEVER = _ONLY[False]
_ANY: frozenset[Tri] = frozenset({True, False, None})
_MAX_COMBINATIONS = 2_000


@lru_cache(maxsize=64)
def _all_of(a: frozenset[Tri], b: frozenset[Tri]) -> frozenset[Tri]:
    """What `x and y` (three-valued) may be, x from a and y from b."""
    return frozenset(_and(x, y) for x in a for y in b)


@lru_cache(maxsize=64)
def _any_of(a: frozenset[Tri], b: frozenset[Tri]) -> frozenset[Tri]:
    """What `x or y` (three-valued) may be, x from a and y from b."""
    out = set()
    for x in a:
        for y in b:
            out.add(True if x is True or y is True else None if x is None or y is None else False)
    return frozenset(out)


def settled_alike(
    direction: str, before: list[list[frozenset[Tri]]], after: list[list[frozenset[Tri]]]
) -> bool:
    """Whether no completion of the request can make the sides differ that way.

    Per action, each side's answer depends only on whether a shared Deny, a shared Allow,
    one of its own Denies and one of its own Allows apply. Shared statements take the same
    verdict on both sides under every request; so trying every verdict each of the four
    may still take (independently: a superset of what requests reach) and finding no
    difference shows there is none.
    """
    per_action: list[set[tuple[frozenset[Outcome], frozenset[Outcome]]]] = []
    size = 1
    for mine, theirs in zip(before, after, strict=True):
        pairs: set[tuple[frozenset[Outcome], frozenset[Outcome]]] = set()
        for sd in mine[0]:
            for sa in mine[1]:
                mine_can = {_level(sd, sa, md, ma) for md in mine[2] for ma in mine[3]}
                theirs_can = {_level(sd, sa, td, ta) for td in theirs[2] for ta in theirs[3]}
                pairs.update((o, n) for o in mine_can for n in theirs_can)
        size *= len(pairs)
        if size > _MAX_COMBINATIONS:
            return False
        per_action.append(pairs)
    for combination in product(*per_action):
        old = _whole(tuple(pair[0] for pair in combination))
        new = _whole(tuple(pair[1] for pair in combination))
        if differs(direction, old, new):
            return False
    return True


@lru_cache(maxsize=4096)
def _whole(parts: tuple[frozenset[Outcome], ...]) -> frozenset[str]:
    return allowedness(combine_possible(parts))


@cache
def _level(
    shared_deny: Tri, shared_allow: Tri, own_deny: Tri, own_allow: Tri
) -> frozenset[Outcome]:
    return level_possible(
        shared_deny is True or own_deny is True,
        shared_allow is True or own_allow is True,
        shared_deny is None or own_deny is None,
        shared_allow is None or own_allow is None,
    )


def _clause_verdict(clause: Clause, carries: bool | None) -> Callable[[Any], Tri]:
    """The clause on one representative, as `evaluate.clause_value` decides it."""

    def verdict(values: Any) -> Tri:
        result = evaluate_clause(clause, values)
        if carries is None and result is not None and values:
            # the action may not carry the key at all: only what holds either way counts
            result = result if evaluate_clause(clause, ()) is result else None
        return result

    return verdict


def _segment_verdict(pattern: str, place: int) -> Callable[[Any], Tri]:
    def verdict(value: Any) -> Tri:
        return _segment(pattern, place, value)

    return verdict


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
        before, extra_a, shared_a, found_a = self.problem.side(0, assign)
        after, extra_b, shared_b, found_b = self.problem.side(1, assign)
        if not _possible(self.direction, before, after):
            return None
        if settled_alike(self.direction, found_a, found_b):
            return None
        live = extra_a | extra_b or shared_a | shared_b
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
