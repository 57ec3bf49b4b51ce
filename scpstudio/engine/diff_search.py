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

* each statement (one per URN pattern) is a table per dimension (`engine.diff_problem`):
  its verdict for each representative, computed with the evaluator's own functions, plus
  "unknown" for a dimension not chosen yet; a side's answer comes from the evaluator's
  rules (`level_possible`, `combine_possible`), so a partial request gets what is still
  possible, a superset of every completion's;
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

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import product
from typing import Any, Generic, TypeVar

from scpstudio.engine import diff_clock
from scpstudio.engine.conditions import Tri
from scpstudio.engine.diff_problem import CHECK_EVERY, Item, OutOfTime, Problem
from scpstudio.engine.diff_verdicts import and_
from scpstudio.engine.evaluate import ALLOWED, Outcome, combine_possible, level_possible
from scpstudio.engine.preview import PreviewContext

NEWLY_ALLOWED = "newly_allowed"
NEWLY_DENIED = "newly_denied"
REFUSAL = "refusal_changed"  # refused on both sides, by a Deny on one and by nothing on the other
ALLOWS, REFUSES = "allows", "refuses"
T = TypeVar("T")
OPEN = "open"  # a verdict still waiting on a dimension not chosen yet


def allowedness(possible: frozenset[Outcome]) -> frozenset[str]:
    """Whether an outcome set may allow, may refuse (denied or not allowed), or both."""
    return frozenset(ALLOWS if o is ALLOWED else REFUSES for o in possible)


def view(direction: str, possible: frozenset[Outcome]) -> frozenset[Any]:
    """What a direction compares: allowed or refused, or (REFUSAL) the outcomes."""
    return possible if direction == REFUSAL else allowedness(possible)


def differs(direction: str, before: frozenset[Outcome], after: frozenset[Outcome]) -> bool:
    """Whether two sides' possible outcomes differ that way: `newly_allowed` when after
    may allow where before may refuse, and the two are not the same open question;
    `newly_denied` the reverse; REFUSAL (asked only when neither of those is possible)
    whenever the outcomes differ, which is then a Deny against nothing allowing."""
    if direction == REFUSAL:
        return before != after
    old, new = allowedness(before), allowedness(after)
    if old == new:
        return False
    if direction == NEWLY_ALLOWED:
        return ALLOWS in new and REFUSES in old
    return REFUSES in new and ALLOWS in old


def _possible(direction: str, before: frozenset[Outcome], after: frozenset[Outcome]) -> bool:
    """Whether some completion may still differ that way (the sets over-approximate)."""
    if direction == REFUSAL:
        return not (len(before) == 1 and before == after)
    old, new = allowedness(before), allowedness(after)
    if direction == NEWLY_ALLOWED:
        return ALLOWS in new and REFUSES in old
    return REFUSES in new and ALLOWS in old


# -- one side, under a partial request --------------------------------------------


def value(problem: Problem, item: Item, assign: list[int]) -> Tri | str:
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
        whole = problem.whole_resource(item, assign)
        if whole is False:
            return False
        if whole is None and result is not OPEN:
            open_dims = any(assign[d] < 0 for d in item.resource_dims if d >= 0)
            result = OPEN if open_dims else None
    return result


def side(
    problem: Problem, side: int, assign: list[int], direction: str
) -> tuple[frozenset[Outcome], set[int], set[int], list[list[frozenset[Tri]]]]:
    """What one side may answer for the whole API; the dimensions not chosen yet that
    could still change it (of statements the other side lacks, then of shared ones);
    and per action and level the verdicts of its shared and its own Deny and Allow
    statements (for `settled_alike`).

    Along an organization path each (action, level) is one part: every part must allow,
    a deny in any wins (`combine_possible` over all of them, the rule the preview applies
    over levels, then over an API's actions); a single node is one level."""
    levels = problem.level_count
    count = len(problem.actions) * levels
    deny = [False] * count
    allow = [False] * count
    open_deny: list[list[Item]] = [[] for _ in range(count)]
    open_allow: list[list[Item]] = [[] for _ in range(count)]
    waiting: list[list[Item]] = [[] for _ in range(count)]
    # per action: the verdicts [shared Deny, shared Allow, own Deny, own Allow] may still
    # take, a statement applying when any of its kind does
    may: list[list[frozenset[Tri]]] = [[_NEVER] * 4 for _ in range(count)]
    for item in problem.sides[side]:
        verdict = value(problem, item, assign)
        if verdict is False:
            continue
        a = item.action * levels + item.level
        slot = (0 if item.deny else 1) + (0 if item.common else 2)
        can = reach(problem, item, assign) if isinstance(verdict, str) else _ONLY[verdict]
        may[a][slot] = _any_of(may[a][slot], can)
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
    answer = combine_possible(sets)
    extra_live: set[int] = set()
    shared_live: set[int] = set()
    if len(view(direction, answer)) > 1:
        for i in range(count):
            if deny[i]:
                continue
            for item in waiting[i]:
                if item.deny or not allow[i]:
                    live = extra_live if not item.common else shared_live
                    live.update(d for d in item.dims if assign[d] < 0)
    return answer, extra_live, shared_live, may


def reach(problem: Problem, item: Item, assign: list[int]) -> frozenset[Tri]:
    """The verdicts a statement may still take, its dimensions taken one by one (a
    superset when two of its conditions read the same key)."""
    can: frozenset[Tri] = _ONLY[item.fixed]
    for d, table, held in item.factors:
        chosen = assign[d]
        values = _ONLY[table[chosen]] if chosen >= 0 else held
        if values is not _ONLY[True]:
            can = _all_of(can, values)
    if item.whole is not None:
        whole = problem.whole_resource(item, assign)
        open_dims = any(assign[d] < 0 for d in item.resource_dims if d >= 0)
        values = _ANY if whole is None and open_dims else _ONLY[whole]
        can = _all_of(can, values)
    return can


_ONLY: dict[Tri, frozenset[Tri]] = {v: frozenset({v}) for v in (True, False, None)}
_NEVER = _ONLY[False]
_ANY: frozenset[Tri] = frozenset({True, False, None})
_MAX_COMBINATIONS = 2_000


@lru_cache(maxsize=64)
def _all_of(a: frozenset[Tri], b: frozenset[Tri]) -> frozenset[Tri]:
    """What `x and y` (three-valued) may be, x from a and y from b."""
    return frozenset(and_(x, y) for x in a for y in b)


@lru_cache(maxsize=64)
def _any_of(a: frozenset[Tri], b: frozenset[Tri]) -> frozenset[Tri]:
    """What `x or y` (three-valued) may be, x from a and y from b."""
    out = set()
    for x in a:
        for y in b:
            out.add(True if x is True or y is True else None if x is None or y is None else False)
    return frozenset(out)


def settled_alike(
    direction: str,
    before: list[list[frozenset[Tri]]],
    after: list[list[frozenset[Tri]]],
    decided: bool = False,
) -> bool:
    """Whether no completion of the request can make the sides differ that way.

    Per action, each side's answer depends only on whether a shared Deny, a shared Allow,
    one of its own Denies and one of its own Allows apply. Shared statements take the same
    verdict on both sides under every request; so trying every verdict each of the four
    may still take (independently: a superset of what requests reach) and finding no
    difference shows there is none. With `decided`, only a difference with both sides
    decided counts.
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
        if differs(direction, old, new) and not (decided and _open(direction, old, new)):
            return False
    return True


def _open(direction: str, before: frozenset[Outcome], after: frozenset[Outcome]) -> bool:
    """Whether a side is still undecided in what the direction compares."""
    return len(view(direction, before)) > 1 or len(view(direction, after)) > 1


@lru_cache(maxsize=4096)
def _whole(parts: tuple[frozenset[Outcome], ...]) -> frozenset[Outcome]:
    return combine_possible(parts)


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


@dataclass(slots=True)
class Search(Generic[T]):
    """One direction's depth-first search, with a deadline (`diff_clock.now()` seconds).

    `confirm` turns a request found into what the caller keeps (a witness) once the
    preview agrees it differs, or None, and the search goes on. A request under which
    the preview leaves a side open (a fact the catalog does not settle) is kept aside
    while the search looks a little further for one where both sides are decided.
    """

    problem: Problem
    direction: str
    deadline: float
    confirm: Callable[[PreviewContext], T | None]
    nodes: int = 0
    aside: T | None = None
    aside_at: int = 0

    def run(self) -> T | None:
        """A confirmed request differing that way, or None when there is none among the
        representatives. Raises OutOfTime past the deadline."""
        assign = [0 if len(d.values) == 1 else -1 for d in self.problem.dims]
        try:
            found = self._node(assign)
        except _Enough:
            found = None
        return found if found is not None else self.aside

    def _node(self, assign: list[int]) -> T | None:
        self.nodes += 1
        if self.nodes % CHECK_EVERY == 0 and diff_clock.now() > self.deadline:
            if self.aside is not None:
                raise _Enough
            raise OutOfTime
        if self.aside is not None and self.nodes - self.aside_at > MAX_NODES_FOR_DECIDED:
            raise _Enough
        before, extra_a, shared_a, found_a = side(self.problem, 0, assign, self.direction)
        after, extra_b, shared_b, found_b = side(self.problem, 1, assign, self.direction)
        if not _possible(self.direction, before, after):
            return None
        if settled_alike(self.direction, found_a, found_b, self.aside is not None):
            return None
        live = extra_a | extra_b or shared_a | shared_b
        if not live:
            if not differs(self.direction, before, after):
                return None
            found = self.confirm(self.problem.context_for(assign))
            if found is not None and _open(self.direction, before, after):
                if self.aside is None:
                    self.aside, self.aside_at = found, self.nodes
                return None
            return found
        dims = self.problem.dims
        d = min(live, key=lambda i: (len(dims[i].values), i))
        for chosen in range(len(dims[d].values)):
            assign[d] = chosen
            found = self._node(assign)
            if found is not None:
                return found
        assign[d] = -1
        return None


class _Enough(Exception):
    """A witness is kept aside and the search for a better one has gone far enough."""


# nodes a search goes on for a witness with both sides decided, once it has an open one
MAX_NODES_FOR_DECIDED = 200
