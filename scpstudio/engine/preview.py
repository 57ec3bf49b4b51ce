"""Per-API preview (policy-language.md §6): what happens to every API of the catalog.

An API is usable when every action it needs is allowed: the actions its links name
and, transitively, their dependencies (which may belong to a service the catalog
does not hold; those are evaluated by pattern). Links that hold only in a situation
the catalog names ("required only ...") are reported apart, with their own outcome.

APIs known by operation id (IAM's schema) join the page's APIs by action: an operation whose
action a page API needs lends that API its id and its dependent actions; an operation no page
API matches is an API of its own, shown by its id (its method and path are not known).
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# What each API needs lives in engine.api_plans; the names stay importable from here.
from scpstudio.engine.api_plans import ApiPlan as ApiPlan
from scpstudio.engine.api_plans import ConditionalNeed as ConditionalNeed
from scpstudio.engine.api_plans import Need as Need
from scpstudio.engine.api_plans import api_label as api_label
from scpstudio.engine.api_plans import api_plans as api_plans
from scpstudio.engine.api_plans import plans_for as plans_for
from scpstudio.engine.catalog import Catalog
from scpstudio.engine.context_values import typed_context
from scpstudio.engine.decision import slot_setters
from scpstudio.engine.errors import EngineInputError
from scpstudio.engine.evaluate import (
    ALLOWED,
    CONDITIONAL,
    DENIED,
    NOT_ALLOWED,
    DecidedBy,
    Decision,
    Level,
    Outcome,
    Request,
    combine,
    decide_subjects,
    default_resource,
    evaluate_subjects,
    prepare_subjects,
)
from scpstudio.engine.limits import context_limit_problem
from scpstudio.engine.policy import Policy, compile_policy
from scpstudio.engine.profiles import Profile, get_profile
from scpstudio.engine.statement_memory import BoundedMemo, catalog_serial

_OUTCOME_ORDER = (DENIED, NOT_ALLOWED, ALLOWED)


@dataclass(frozen=True, slots=True)
class PreviewContext:
    """What the user told the preview; everything else stays unknown."""

    region: str | None = None
    account_id: str | None = None
    resource_ids: Mapping[str, str] = field(default_factory=dict)
    keys: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: Any) -> PreviewContext:
        """Read `{"region", "account_id", "resource_ids": {type: id}, "keys": {key: [v]}}`.

        Raises EngineInputError (a ValueError) with a sentence naming what is wrong.
        """
        if data is None:
            return cls()
        if not isinstance(data, dict):
            raise EngineInputError("The context must be a JSON object.")
        unknown = set(data) - {"region", "account_id", "resource_ids", "keys"}
        if unknown:
            raise EngineInputError(f"Unknown context field(s): {', '.join(sorted(unknown))}.")
        region, account = data.get("region"), data.get("account_id")
        for name, value in (("region", region), ("account_id", account)):
            if value is not None and not isinstance(value, str):
                raise EngineInputError(f"The context's {name} must be a string.")
        ids = data.get("resource_ids") or {}
        if not isinstance(ids, dict) or not all(isinstance(v, str) for v in ids.values()):
            raise EngineInputError("The context's resource_ids must map resource types to ids.")
        keys = data.get("keys") or {}
        if not isinstance(keys, dict):
            raise EngineInputError("The context's keys must map condition keys to lists of values.")
        context = cls(region, account, dict(ids), dict(keys))
        context.check_limits()
        return context

    def check_limits(self) -> None:
        """Raise EngineInputError naming the first limit this context passes."""
        problem = context_limit_problem(
            self.keys,
            self.resource_ids,
            {"the region": self.region, "the account id": self.account_id},
        )
        if problem is not None:
            raise EngineInputError(problem)

    def to_json(self) -> dict[str, Any]:
        return {
            "region": self.region,
            "account_id": self.account_id,
            "resource_ids": dict(self.resource_ids),
            "keys": {
                k: list(v) if isinstance(v, list | tuple) else v for k, v in self.keys.items()
            },
        }


@dataclass(frozen=True, slots=True)
class ActionOutcome:
    action: str
    dependency_of: str | None
    decision: Decision

    def __init__(self, action: str, dependency_of: str | None, decision: Decision) -> None:
        set_action, set_dependency_of, set_decision = _ACTION_OUTCOME  # see slot_setters
        set_action(self, action)
        set_dependency_of(self, dependency_of)
        set_decision(self, decision)

    def to_json(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "dependency_of": self.dependency_of,
            **_decision_json(self.decision.outcome, self.decision.possible, self.decision),
        }


_ACTION_OUTCOME = slot_setters(ActionOutcome, "action dependency_of decision")


def _decision_json(
    outcome: Outcome, possible: frozenset[Outcome], deciding: Decision | None
) -> dict[str, Any]:
    decided_by: DecidedBy | None = deciding.decided_by if deciding else None
    return {
        "outcome": outcome.value,
        "possible": [o.value for o in _OUTCOME_ORDER if o in possible],
        "decided_by": decided_by.to_json() if decided_by else None,
        "conditions": list(deciding.conditions) if deciding and outcome is CONDITIONAL else [],
    }


@dataclass(frozen=True, slots=True)
class LinkPreview:
    """A "required only ..." link, with the outcome of its own action and dependencies."""

    action: str
    note: str
    outcome: Outcome
    possible: frozenset[Outcome]
    deciding: Decision | None
    actions: tuple[ActionOutcome, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "note": self.note,
            **_decision_json(self.outcome, self.possible, self.deciding),
            "actions": [a.to_json() for a in self.actions],
        }


@dataclass(frozen=True, slots=True)
class ApiPreview:
    method: str
    path: str
    service: str
    outcome: Outcome
    possible: frozenset[Outcome]
    deciding: Decision | None
    actions: tuple[ActionOutcome, ...]
    conditional_links: tuple[LinkPreview, ...]
    operation_ids: tuple[str, ...] = ()
    # Set when Huawei says SCPs do not govern the API's service: the sentence saying so.
    note: str = ""

    def __init__(
        self,
        method: str,
        path: str,
        service: str,
        outcome: Outcome,
        possible: frozenset[Outcome],
        deciding: Decision | None,
        actions: tuple[ActionOutcome, ...],
        conditional_links: tuple[LinkPreview, ...],
        operation_ids: tuple[str, ...] = (),
        note: str = "",
    ) -> None:
        (set_method, set_path, set_service, set_outcome, set_possible, set_deciding,
         set_actions, set_links, set_operation_ids, set_note) = _API_PREVIEW  # fmt: skip
        set_method(self, method)
        set_path(self, path)
        set_service(self, service)
        set_outcome(self, outcome)
        set_possible(self, possible)
        set_deciding(self, deciding)
        set_actions(self, actions)
        set_links(self, conditional_links)
        set_operation_ids(self, operation_ids)
        set_note(self, note)

    @property
    def label(self) -> str:
        return api_label(self.method, self.path, self.service, self.operation_ids)

    @property
    def decided_by(self) -> DecidedBy | None:
        return self.deciding.decided_by if self.deciding else None

    def to_json(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "path": self.path,
            "service": self.service,
            **_decision_json(self.outcome, self.possible, self.deciding),
            "actions": [a.to_json() for a in self.actions],
            "conditional_links": [c.to_json() for c in self.conditional_links],
            "operation_ids": list(self.operation_ids),
            "note": self.note or None,
        }


_API_PREVIEW = slot_setters(
    ApiPreview,
    "method path service outcome possible deciding actions conditional_links operation_ids note",
)


@dataclass(frozen=True, slots=True)
class Preview:
    # a tuple; the rows of a whole catalog (preview_whole) are made when read
    apis: Sequence[ApiPreview]
    actions: Mapping[str, ActionOutcome]
    # Why nothing was previewed (a policy that is not JSON), in a sentence; "" otherwise.
    problem: str = ""
    # Context values their key cannot hold, each in a sentence naming key and value.
    context_problems: tuple[str, ...] = ()

    @property
    def summary(self) -> dict[str, int]:
        counts = {"apis": len(self.apis)}
        for outcome in (ALLOWED, DENIED, NOT_ALLOWED, CONDITIONAL):
            counts[outcome.value] = sum(1 for a in self.apis if a.outcome is outcome)
        return counts

    def to_json(self) -> dict[str, Any]:
        return {
            "apis": [a.to_json() for a in self.apis],
            "summary": self.summary,
            "problem": self.problem or None,
            "context_problems": list(self.context_problems),
        }


def services_of(policies: Iterable[Policy]) -> frozenset[str] | None:
    services: set[str] = set()
    for p in policies:
        if p.touches_every_service:
            return None
        services |= p.services
    return frozenset(services) or None


def preview_levels(
    levels: Sequence[Level],
    catalog: Catalog,
    context: PreviewContext | None = None,
    *,
    services: Iterable[str] | None = None,
) -> Preview:
    """The outcome of every API along an organization path (one level: one node).

    `services` limits the rows to APIs needing an action of those services; by default,
    the services the policies name (every API when they name every service, or none).
    (`preview_whole.preview_whole_catalog` gives the same answer for every service of a
    large catalog in time that grows with what the policies name.)
    """
    ctx = context or PreviewContext()
    refused = refused_preview(levels, ctx)
    if refused is not None:
        return refused
    if services is None:
        wanted = services_of(p for lv in levels for p in lv.policies)
    else:
        wanted = frozenset(s.casefold() for s in services)
    plans, subjects, context_problems = prepared(catalog, wanted, ctx)
    decisions = decide_subjects(subjects, levels, catalog)
    outcomes: dict[tuple[str, str | None], ActionOutcome] = {}
    outcome_of = outcome_maker(decisions, outcomes)

    serial = catalog_serial(catalog)
    rows = []
    notes: dict[str, str] = {}
    for plan in plans:
        note = notes.get(plan.service)
        if note is None:
            note = notes[plan.service] = not_governed_note(catalog, plan.service, levels)
        # A row is its plan's decisions put together: the row made last time for the
        # same decisions (the same objects, kept in DECISIONS) is that row again.
        decided = tuple([decisions[folded] for folded, _ in plan.names])
        key = (serial, id(plan))
        kept = _ROWS.get(key)
        if kept is not None and kept[1] == note and all(map(operator.is_, kept[0], decided)):
            row: ApiPreview = kept[2]
            for action in row.actions:
                outcomes.setdefault((action.action, action.dependency_of), action)
            for link in row.conditional_links:
                for action in link.actions:
                    outcomes.setdefault((action.action, action.dependency_of), action)
        else:
            row = row_of(plan, outcome_of, note)
            _ROWS.put(key, (decided, note, row))
        rows.append(row)
    by_action = {action.casefold(): found for (action, _), found in outcomes.items()}
    return Preview(tuple(rows), by_action, context_problems=context_problems)


def refused_preview(levels: Sequence[Level], ctx: PreviewContext) -> Preview | None:
    """The preview of a policy that is not JSON (nothing previewed, and why), or None;
    raises EngineInputError for a context or a policy past a limit."""
    ctx.check_limits()
    for lv in levels:
        for p in lv.policies:
            if p.limit is not None:
                raise EngineInputError(p.limit.message)
            if p.parse is not None and p.parse.error is not None:
                where = f"{p.name}: " if p.name else ""
                return Preview((), {}, f"{where}{p.parse.error.message} Nothing was previewed.")
    return None


def outcome_maker(
    decisions: Mapping[str, Decision], outcomes: dict[tuple[str, str | None], ActionOutcome]
) -> Callable[[Need], ActionOutcome]:
    """The outcome of a need from the decision for its action, each made once and kept in
    `outcomes` by action and the action it is a dependency of."""

    def outcome_of(need: Need) -> ActionOutcome:
        key = (need.action, need.dependency_of)
        found = outcomes.get(key)
        if found is None:
            decision = decisions[need.action.casefold()]
            found = outcomes[key] = ActionOutcome(need.action, need.dependency_of, decision)
        return found

    return outcome_of


def row_of(plan: ApiPlan, outcome_of: Callable[[Need], ActionOutcome], note: str) -> ApiPreview:
    """The plan's row from the outcome of each action it needs."""
    actions = tuple([outcome_of(n) for n in plan.needs])
    outcome, possible, deciding = combine([a.decision for a in actions])
    links = []
    for cond in plan.conditional:
        link_actions = tuple([outcome_of(n) for n in cond.needs])
        l_outcome, l_possible, l_deciding = combine([a.decision for a in link_actions])
        links.append(
            LinkPreview(cond.action, cond.note, l_outcome, l_possible, l_deciding, link_actions)
        )
    return ApiPreview(
        plan.method,
        plan.path,
        plan.service,
        outcome,
        possible,
        deciding,
        actions,
        tuple(links),
        plan.operation_ids,
        note,
    )


# The last row made for each plan, with the decisions it was made of.
_ROWS = BoundedMemo(4_096)


# The requests a preview asks, by catalog snapshot, services and context: what every
# keystroke of one editor asks again.
_PREPARED = BoundedMemo(64)


def prepared(
    catalog: Catalog, wanted: frozenset[str] | None, ctx: PreviewContext
) -> tuple[list[ApiPlan], list[Any], tuple[str, ...]]:
    """The plans of these services, a prepared request per action they need, and what
    the context's values cannot be."""
    try:
        key: Any = (
            catalog_serial(catalog),
            wanted,
            ctx.region,
            ctx.account_id,
            tuple(sorted(ctx.resource_ids.items())),
            json.dumps(ctx.keys, sort_keys=True),
        )
    except (TypeError, ValueError):
        key = None
    found = _PREPARED.get(key) if key is not None else None
    if found is None:
        plans = plans_for(catalog, wanted)
        names: dict[str, str] = {}
        for plan in plans:
            for folded, name in plan.names:
                names.setdefault(folded, name)
        requests = [_request(name, catalog, ctx) for name in names.values()]
        typed = typed_context(ctx.keys, catalog)
        found = (plans, prepare_subjects(requests, catalog, typed.values), typed.problems)
        if key is not None:
            _PREPARED.put(key, found)
    return found


def _request(name: str, catalog: Catalog, ctx: PreviewContext) -> Request:
    """The request the preview asks for one action under a context."""
    action = catalog.action(name)
    resource = default_resource(name, action, ctx.region, ctx.account_id, ctx.resource_ids)
    return Request(name, resource)


def needs_outcome(
    needs: Sequence[Need], levels: Sequence[Level], catalog: Catalog, context: PreviewContext
) -> tuple[Outcome, frozenset[Outcome], Decision | None]:
    """The preview's outcome for one API's needs (or one "required only" link's) under a
    context: what `preview_levels` computes for that row, asked alone. The exact diff
    confirms every witness with it."""
    names: dict[str, str] = {}
    for need in needs:
        names.setdefault(need.action.casefold(), need.action)
    requests = [_request(name, catalog, context) for name in names.values()]
    typed = typed_context(context.keys, catalog)
    decisions = evaluate_subjects(requests, levels, catalog, typed.values)
    return combine([decisions[need.action.casefold()] for need in needs])


def not_governed_note(catalog: Catalog, service: str, levels: Sequence[Level]) -> str:
    """For an SCP and a service Huawei says SCPs do not govern: the sentence saying so."""
    if catalog.is_scp_governed(service) is not False or not any(lv.full_access for lv in levels):
        return ""
    return (
        f"SCPs do not govern {service}: an SCP statement about it has no effect, so this "
        "outcome is what the policy says, not what Huawei enforces."
    )


def preview_policy(
    document: Any,
    catalog: Catalog,
    profile: str | Profile = "scp",
    context: PreviewContext | Mapping[str, Any] | None = None,
    *,
    full_access: bool = True,
    services: Iterable[str] | None = None,
) -> Preview:
    """Preview one policy: an SCP next to FullAccess (unless `full_access` is off), an
    identity policy alone. `document` is text, a decoded value, a ParseResult or a Policy."""
    policy = document if isinstance(document, Policy) else compile_policy(document, catalog)
    prof = get_profile(profile)
    if context is not None and not isinstance(context, PreviewContext):
        context = PreviewContext.from_json(context)
    level = Level("", [policy], full_access and prof.is_scp)
    return preview_levels([level], catalog, context, services=services)
