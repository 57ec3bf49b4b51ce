"""Two versions of a policy: what the new one newly allows or denies, exactly, with proof.

For every API (and every "required only" link of one, and every action an API needs) the
diff answers: is there any request (region, account, resource ids, condition key values,
a key present or absent, several values of a multivalued key) under which the two
versions give different outcomes, as the preview computes them (an SCP beside FullAccess,
the API's dependencies and situations as `api_plans.api_plans` plans them)? When there is,
the entry says which way: `newly_allowed` (some request the old version refused is
allowed now), `newly_denied` (the reverse), `both`, or, when every request is allowed
alike, `refusal_changed` (some request refused by both is denied by a statement on one
side and merely not allowed on the other, which matters beside other policies; never for
an SCP beside FullAccess). Each way has a **witness**: a request context in the shape
`scp_preview --context` reads (a key given `[]` is absent; a part left out does not
matter), evaluated by the preview itself on both sides before it is returned. Where the
catalog leaves a fact open (an action it does not define may or may not carry a key, or
have that resource type) the preview may answer "denied or allowed" whatever the request;
such a witness says so (`certain` false).

How (`engine.diff_problem`, `diff_search`, `diff_values`): an API's outcome depends on a
request only through the truths of finitely many atoms, the patterns, constants and
bounds the two policies write about each part of the request. Each part gets one
representative value per realizable combination of its atoms; a depth-first search over
the combinations, pruned by the evaluator's three-valued answers on partial requests,
finds a request that differs or shows that none does. APIs whose statements are the same
on both sides (order, layout, duplicates and lists split by resource aside) are settled
without a search; APIs asking the same question (the same actions, or actions differing
only by name) share one.

Bounded: past `budget_ms` (the whole diff's, 800 ms by default; one API's search gets at
most a quarter of it; counted in the CPU time of the thread at work, `diff_clock`, so the
answer does not depend on the machine's load) an API is `undecided` ("not decided within
N ms"), never a false "no change"; so is one whose values could not all be told apart
within the walks' bounds (`diff_values`), or whose statements compare more than
`diff_problem.MAX_DIMENSIONS` keys.
Several values under an operator without `ForAnyValue:`/`ForAllValues:` are not tried
(Huawei documents no reading; the preview leaves such a clause undecided).

Each change also names the statement that explains it (`decided_by`, from the preview
under the given context): the one deciding the new outcome when that is not "allowed",
otherwise the one that decided the old outcome.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from scpstudio.engine import diff_clock
from scpstudio.engine.api_plans import Need, plans_for
from scpstudio.engine.catalog import Catalog
from scpstudio.engine.diff_problem import OutOfTime, Problem, TooLarge
from scpstudio.engine.diff_search import NEWLY_ALLOWED, NEWLY_DENIED, REFUSAL, Search, differs
from scpstudio.engine.errors import EngineInputError
from scpstudio.engine.evaluate import DecidedBy, Level, Outcome, full_access_policy
from scpstudio.engine.policy import Policy, compile_policy
from scpstudio.engine.preview import PreviewContext, needs_outcome, services_of
from scpstudio.engine.profiles import Profile, get_profile

BOTH = "both"
UNDECIDED = "undecided"
DIRECTIONS = (NEWLY_ALLOWED, NEWLY_DENIED)
CHANGES = (NEWLY_ALLOWED, NEWLY_DENIED, BOTH, REFUSAL, UNDECIDED)  # what `change` may say
DEFAULT_BUDGET_MS = 800
_ORDER = (Outcome.DENIED, Outcome.NOT_ALLOWED, Outcome.ALLOWED)


def _possible(values: frozenset[Outcome]) -> list[str]:
    return [o.value for o in _ORDER if o in values]


@dataclass(frozen=True, slots=True)
class SideOutcome:
    """What one version answers under a witness."""

    outcome: Outcome
    possible: frozenset[Outcome]
    decided_by: DecidedBy | None

    def to_json(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome.value,
            "possible": _possible(self.possible),
            "decided_by": self.decided_by.to_json() if self.decided_by else None,
        }


@dataclass(frozen=True, slots=True)
class Witness:
    """A request under which the two versions differ in `direction`, confirmed."""

    direction: str
    context: PreviewContext
    before: SideOutcome
    after: SideOutcome

    @property
    def certain(self) -> bool:
        """Both outcomes decided (else a fact the catalog leaves open keeps one undecided)."""
        return len(self.before.possible) == 1 and len(self.after.possible) == 1

    def to_json(self) -> dict[str, Any]:
        return {
            "direction": self.direction,
            "context": self.context.to_json(),
            "before": self.before.to_json(),
            "after": self.after.to_json(),
            "certain": self.certain,
        }


@dataclass(frozen=True, slots=True)
class ExactAnswer:
    """Per direction: a witness, or "none" (no request differs so), or "undecided"."""

    witnesses: tuple[Witness, ...] = ()
    status: tuple[tuple[str, str], ...] = ((NEWLY_ALLOWED, "none"), (NEWLY_DENIED, "none"))
    undecided: str = ""  # why a direction is undecided, in a sentence

    @property
    def change(self) -> str:
        states = dict(self.status)
        if UNDECIDED in states.values():
            return UNDECIDED
        found = [d for d in DIRECTIONS if states.get(d) == "found"]
        if found:
            return BOTH if len(found) == 2 else found[0]
        return REFUSAL if states.get(REFUSAL) == "found" else ""


NO_CHANGE = ExactAnswer()


@dataclass(frozen=True, slots=True)
class OutcomeChange:
    """One API (`action` empty), action (`method`, `path` empty) or "required only" link.

    `before`/`after` are the preview's outcomes under the diff's context; `change` and
    `witnesses` the exact answer over every request matching that context.
    """

    kind: str  # "api", "action" or "conditional_link"
    method: str
    path: str
    action: str
    note: str
    before: Outcome
    after: Outcome
    before_possible: frozenset[Outcome]
    after_possible: frozenset[Outcome]
    before_decided_by: DecidedBy | None = None
    after_decided_by: DecidedBy | None = None
    exact: ExactAnswer = NO_CHANGE

    @property
    def change(self) -> str:
        """`newly_allowed`, `newly_denied`, `both`, `refusal_changed` or `undecided`."""
        return self.exact.change

    @property
    def witnesses(self) -> tuple[Witness, ...]:
        return self.exact.witnesses

    @property
    def witness(self) -> Witness | None:
        return self.exact.witnesses[0] if self.exact.witnesses else None

    @property
    def decided_by(self) -> DecidedBy | None:
        """The statement that explains the change (see the module's docstring)."""
        if self.after is not Outcome.ALLOWED and self.after_decided_by is not None:
            return self.after_decided_by
        return self.before_decided_by or self.after_decided_by

    @property
    def decided_by_side(self) -> str:
        """ "after" when `decided_by` is a statement of the new version, else "before"."""
        chosen = self.decided_by
        return "after" if chosen is not None and chosen is self.after_decided_by else "before"

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.kind != "action":
            out.update(method=self.method, path=self.path)
        if self.kind != "api":
            out["action"] = self.action
        if self.kind == "conditional_link":
            out["note"] = self.note
        out.update(
            {
                "from": self.before.value,
                "to": self.after.value,
                "from_possible": _possible(self.before_possible),
                "to_possible": _possible(self.after_possible),
            }
        )
        if self.kind != "action":
            deciding = self.decided_by
            out["decided_by"] = (
                None if deciding is None else {**deciding.to_json(), "side": self.decided_by_side}
            )
        out.update(exact_json(self))
        return out


def exact_json(change: OutcomeChange) -> dict[str, Any]:
    """The exact answer's fields of a change: `change`, the deciding statement of each side
    under the diff's context, `witness` (the first witness's context, ready for
    `scp_preview --context`), `witnesses` (each with its direction and both outcomes),
    `directions` (each "found", "none" or "undecided") and `undecided` (why, or null)."""
    first = change.witness
    before, after = change.before_decided_by, change.after_decided_by
    return {
        "change": change.change,
        "decided_by_before": before.to_json() if before else None,
        "decided_by_after": after.to_json() if after else None,
        "witness": first.context.to_json() if first else None,
        "witnesses": [w.to_json() for w in change.witnesses],
        "directions": dict(change.exact.status),
        "undecided": change.exact.undecided or None,
    }


@dataclass(frozen=True, slots=True)
class PolicyDiff:
    changes: tuple[OutcomeChange, ...]

    def of_kind(self, kind: str) -> list[OutcomeChange]:
        return [c for c in self.changes if c.kind == kind]

    def to_json(self) -> dict[str, Any]:
        return {
            "apis": [c.to_json() for c in self.of_kind("api")],
            "actions": [c.to_json() for c in self.of_kind("action")],
            "conditional_links": [c.to_json() for c in self.of_kind("conditional_link")],
        }


class _Exact:
    """The exact answers of one diff, one search per distinct set of needed actions."""

    def __init__(
        self,
        catalog: Catalog,
        levels: tuple[Sequence[Level], Sequence[Level]],
        refusals: bool,
        context: PreviewContext,
        budget_ms: float,
    ) -> None:
        self.catalog = catalog
        self.context = context
        self.levels = levels
        # per side, the policies of each level as the evaluator reads them
        extra = [full_access_policy(catalog)]
        before, after = (
            [[*lv.policies, *(extra if lv.full_access else [])] for lv in path] for path in levels
        )
        self.paths = (before, after)
        self.refusals = refusals
        self.budget = max(0.0, budget_ms) / 1000
        self.deadline = diff_clock.now() + self.budget
        self.answers: dict[frozenset[str], tuple[ExactAnswer, tuple[str, ...]]] = {}
        self.values: dict[Any, Any] = {}
        self.shapes: dict[Any, ExactAnswer] = {}

    def outcome(self, side: int, needs: Sequence[Need], context: PreviewContext) -> SideOutcome:
        outcome, possible, deciding = needs_outcome(needs, self.levels[side], self.catalog, context)
        return SideOutcome(outcome, possible, deciding.decided_by if deciding else None)

    def change(
        self,
        kind: str,
        method: str,
        path: str,
        action: str,
        note: str,
        needs: Sequence[Need],
        found: ExactAnswer,
    ) -> OutcomeChange:
        """An entry, with the preview's outcomes under the diff's context on each side."""
        old, new = self.outcome(0, needs, self.context), self.outcome(1, needs, self.context)
        return OutcomeChange(
            kind, method, path, action, note, old.outcome, new.outcome, old.possible,
            new.possible, old.decided_by, new.decided_by, found,
        )  # fmt: skip

    def answer(self, needs: Sequence[Need]) -> ExactAnswer:
        names = tuple(dict.fromkeys(n.action for n in needs))
        key = frozenset(n.casefold() for n in names)
        if key not in self.answers:
            self.answers[key] = (self._search(needs, names), names)
        found, first = self.answers[key]
        if first == names or not found.witnesses:
            return found
        # the same actions in another order: the deciding statements are said for these needs
        return self._again(needs, found) or found

    def _again(self, needs: Sequence[Need], found: ExactAnswer) -> ExactAnswer | None:
        """The answer for these needs, from one found for a question of the same shape:
        each witness evaluated again by the preview; None when one no longer differs."""
        witnesses = []
        for w in found.witnesses:
            before, after = self.outcome(0, needs, w.context), self.outcome(1, needs, w.context)
            if not differs(w.direction, before.possible, after.possible):
                return None
            witnesses.append(Witness(w.direction, w.context, before, after))
        return ExactAnswer(tuple(witnesses), found.status, found.undecided)

    def _search(self, needs: Sequence[Need], names: tuple[str, ...]) -> ExactAnswer:
        problem = Problem(
            names, ((), ()), self.catalog, self.context, self.values, paths=self.paths
        )
        if problem.same_structure():
            return NO_CHANGE
        # APIs whose actions differ only by name (same statements, resource shape and keys
        # carried) ask the same question: one search answers them all
        shape = problem.shape()
        known = self.shapes.get(shape)
        if known is not None:
            again = self._again(needs, known)
            if again is not None:
                return again
        answer = self._decide(needs, problem)
        self.shapes[shape] = answer
        return answer

    def _decide(self, needs: Sequence[Need], problem: Problem) -> ExactAnswer:
        now = diff_clock.now()
        allotted = min(self.deadline - now, self.budget / 4)
        deadline = now + max(0.0, allotted)
        if allotted > 0:
            waited = f"not decided within {round(allotted * 1000)} ms"
        else:
            waited = f"not decided: the diff's {round(self.budget * 1000)} ms were spent"
        try:
            if allotted <= 0:
                raise OutOfTime
            problem.prepare(deadline)
        except OutOfTime:
            return ExactAnswer((), tuple((d, UNDECIDED) for d in DIRECTIONS), waited)
        except TooLarge as exc:
            return ExactAnswer((), tuple((d, UNDECIDED) for d in DIRECTIONS), str(exc))
        witnesses: list[Witness] = []
        status: list[tuple[str, str]] = []
        reasons: list[str] = []
        ways = list(DIRECTIONS)
        for direction in ways:

            def confirm(context: PreviewContext, way: str = direction) -> Witness | None:
                before = self.outcome(0, needs, context)
                after = self.outcome(1, needs, context)
                if not differs(way, before.possible, after.possible):
                    return None
                return Witness(way, context, before, after)

            try:
                found = Search(problem, direction, deadline, confirm).run()
            except OutOfTime:
                status.append((direction, UNDECIDED))
                reasons.append(waited)
                continue
            if found is not None:
                witnesses.append(found)
                status.append((direction, "found"))
            elif all(d.complete for d in problem.dims):
                status.append((direction, "none"))
            else:
                status.append((direction, UNDECIDED))
                reasons.append(
                    "the values the policies compare could not all be told apart within the "
                    "engine's bounds"
                )
            if direction == NEWLY_DENIED and self.refusals and {s for _, s in status} == {"none"}:
                ways.append(REFUSAL)  # allowed alike everywhere: is anything refused otherwise?
        undecided = "; ".join(dict.fromkeys(reasons))
        return ExactAnswer(tuple(witnesses), tuple(status), undecided)


def diff_policies(
    before: Any,
    after: Any,
    catalog: Catalog,
    profile: str | Profile = "scp",
    context: PreviewContext | Mapping[str, Any] | None = None,
    *,
    full_access: bool = True,
    budget_ms: float = DEFAULT_BUDGET_MS,
) -> PolicyDiff:
    """What changes between two documents (text, values, ParseResults or Policies): every
    API, "required only" link and action that some request matching `context` treats
    differently (or that the budget left undecided)."""
    a = before if isinstance(before, Policy) else compile_policy(before, catalog)
    b = after if isinstance(after, Policy) else compile_policy(after, catalog)
    prof = get_profile(profile)
    if context is not None and not isinstance(context, PreviewContext):
        context = PreviewContext.from_json(context)
    ctx = context or PreviewContext()
    ctx.check_limits()
    for p in (a, b):
        if p.limit is not None:
            raise EngineInputError(p.limit.message)
    if any(p.parse is not None and p.parse.error is not None for p in (a, b)):
        return PolicyDiff(())  # a side that is not JSON: nothing to compare (as the preview)
    with_full_access = full_access and prof.is_scp
    levels = ([Level("", [a], with_full_access)], [Level("", [b], with_full_access)])
    # beside FullAccess nothing is "not allowed": refusals are all Denies
    exact = _Exact(catalog, levels, not with_full_access, ctx, budget_ms)
    return _changes(exact, plans_for(catalog, services_of([a, b])))


def diff_paths(
    before: Sequence[Level],
    after: Sequence[Level],
    catalog: Catalog,
    context: PreviewContext | Mapping[str, Any] | None = None,
    *,
    refusals: bool = False,
    budget_ms: float = DEFAULT_BUDGET_MS,
) -> PolicyDiff:
    """What changes for an account (or an OU) of an organization when the SCPs along its
    path change: the levels from the root down before and after (a policy attached,
    detached, or the OU moved elsewhere), each level a node whose attached SCPs must allow
    and where any Deny wins, as `preview.preview_levels` evaluates them. The answers are
    those of `diff_policies` (exact, with witnesses, `undecided` past the budget).

    Paths of different lengths are compared as if the shorter one went on with levels
    holding FullAccess alone, which allow everything and so change no outcome. With
    `refusals`, an API refused on both sides but by a Deny on one and by nothing allowing
    it on the other is listed too (`refusal_changed`)."""
    if context is not None and not isinstance(context, PreviewContext):
        context = PreviewContext.from_json(context)
    ctx = context or PreviewContext()
    ctx.check_limits()
    policies = [p for path in (before, after) for lv in path for p in lv.policies]
    for p in policies:
        if p.limit is not None:
            raise EngineInputError(p.limit.message)
    if any(p.parse is not None and p.parse.error is not None for p in policies):
        return PolicyDiff(())
    depth = max(len(before), len(after))
    padding = Level("", [full_access_policy(catalog)], False)
    sides = tuple([*path, *[padding] * (depth - len(path))] for path in (before, after))
    exact = _Exact(catalog, (sides[0], sides[1]), refusals, ctx, budget_ms)
    # every API: a change of what allows (FullAccess detached) may touch any of them
    return _changes(exact, plans_for(catalog, None))


def _changes(exact: _Exact, plans: Sequence[Any]) -> PolicyDiff:
    """Every API, "required only" link and action of `plans` some request treats
    differently (or that the budget left undecided)."""
    changes: list[OutcomeChange] = []
    names: dict[str, str] = {}
    for plan in plans:
        for folded, name in plan.names:
            names.setdefault(folded, name)
        found = exact.answer(plan.needs)
        if found.change:
            # an API known only by its operation id (IAM's schema) has no path: its label
            # (`DeleteServers (ecs)`) names it instead
            path = plan.path or plan.label
            changes.append(exact.change("api", plan.method, path, "", "", plan.needs, found))
        for cond in plan.conditional:
            found = exact.answer(cond.needs)
            if found.change:
                changes.append(
                    exact.change(
                        "conditional_link", plan.method, plan.path, cond.action, cond.note,
                        cond.needs, found,
                    )
                )  # fmt: skip
    for _, name in sorted(names.items()):
        needs = (Need(name),)
        found = exact.answer(needs)
        if found.change:
            changes.append(exact.change("action", "", "", name, "", needs, found))
    return PolicyDiff(tuple(changes))
