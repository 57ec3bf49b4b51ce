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

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from scpstudio.engine.catalog import Catalog, Operation
from scpstudio.engine.context_values import typed_context
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
    default_resource,
    evaluate_subjects,
)
from scpstudio.engine.limits import context_limit_problem
from scpstudio.engine.policy import Policy, compile_policy
from scpstudio.engine.profiles import Profile, get_profile

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
class Need:
    action: str
    dependency_of: str | None = None


@dataclass(frozen=True, slots=True)
class ConditionalNeed:
    action: str
    note: str
    needs: tuple[Need, ...]


@dataclass(frozen=True, slots=True)
class ApiPlan:
    """One distinct `METHOD /path` with every action it needs, from every catalog link."""

    method: str
    path: str
    service: str
    needs: tuple[Need, ...]
    conditional: tuple[ConditionalNeed, ...]
    services: frozenset[str]
    names: tuple[tuple[str, str], ...] = ()  # (case-folded, written) of every action it may need
    # The operation ids (IAM's schema) of this API; an API known only by its id has no
    # method and path.
    operation_ids: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return api_label(self.method, self.path, self.service, self.operation_ids)


def api_label(method: str, path: str, service: str, operation_ids: tuple[str, ...]) -> str:
    """`METHOD /path`, or for an API known only by operation id, `OperationId (service)`."""
    if path:
        return f"{method} {path}"
    return f"{', '.join(operation_ids)} ({service})"


def api_plans(catalog: Catalog) -> tuple[ApiPlan, ...]:
    """The APIs of the catalog grouped by `METHOD /path`, computed once per snapshot."""
    cached = catalog.derived.get("api_plans")
    if isinstance(cached, tuple):
        return cached
    grouped: dict[tuple[str, str], list[Any]] = {}
    for api in catalog.apis:
        key = (api.method.upper(), api.path)
        grouped.setdefault(key, [api.service, [], []])
        entry = grouped[key]
        for link in api.links:
            (entry[2] if link.conditional else entry[1]).append(link)
    joined = _operations_by_page_api(catalog, grouped)
    plans = []
    for (method, path), (service, plain, conditional) in grouped.items():
        ops = joined.get((method, path), ())
        # A dependency that this API's own links mark "required only ..." is needed only
        # in that situation: the API's note is the more specific word, so it wins.
        situational = {link.action.casefold() for link in conditional}
        needs = [
            n
            for n in _needs(catalog, [link.action for link in plain], ops)
            if n.dependency_of is None or n.action.casefold() not in situational
        ]
        plain_names = {n.action.casefold() for n in needs}
        cond: list[ConditionalNeed] = []
        for link in conditional:
            if link.action.casefold() in plain_names:
                continue
            cond.append(
                ConditionalNeed(link.action, link.note, tuple(_needs(catalog, [link.action])))
            )
        services = frozenset(
            n.action.split(":", 1)[0].casefold() for n in needs + [x for c in cond for x in c.needs]
        )
        every = needs + [n for c in cond for n in c.needs]
        names = tuple((n.action.casefold(), n.action) for n in every)
        ids = tuple(op.operation_id for op in ops)
        plans.append(
            ApiPlan(method, path, service, tuple(needs), tuple(cond), services, names, ids)
        )
    taken = {op for ops in joined.values() for op in ops}
    for op in catalog.operations:
        if op in taken:
            continue
        needs = _needs(catalog, [op.action], (op,))
        services = frozenset(n.action.split(":", 1)[0].casefold() for n in needs)
        names = tuple((n.action.casefold(), n.action) for n in needs)
        plans.append(
            ApiPlan("", "", op.service, tuple(needs), (), services, names, (op.operation_id,))
        )
    result = tuple(plans)
    catalog.derived["api_plans"] = result
    return result


def plans_for(catalog: Catalog, services: frozenset[str] | None) -> list[ApiPlan]:
    """The plans needing an action of these services (all when None), in catalog order."""
    plans = api_plans(catalog)
    if services is None:
        return list(plans)
    index = catalog.derived.get("plans_by_service")
    if not isinstance(index, dict):
        grouped: dict[str, list[int]] = {}
        for i, plan in enumerate(plans):
            for service in plan.services:
                grouped.setdefault(service, []).append(i)
        index = grouped
        catalog.derived["plans_by_service"] = index
    positions: set[int] = set()
    for service in services:
        positions.update(index.get(service, ()))
    return [plans[i] for i in sorted(positions)]


def _operations_by_page_api(
    catalog: Catalog, grouped: Mapping[tuple[str, str], list[Any]]
) -> dict[tuple[str, str], tuple[Operation, ...]]:
    """The operations each page API is, joined by an action its links always need."""
    if not catalog.operations:
        return {}
    by_action = catalog.operations_by_action
    out: dict[tuple[str, str], tuple[Operation, ...]] = {}
    for key, (_, plain, _) in grouped.items():
        ops: dict[Operation, None] = {}
        for link in plain:
            ops.update(dict.fromkeys(by_action.get(link.action.casefold(), ())))
        if ops:
            out[key] = tuple(ops)
    return out


def _needs(
    catalog: Catalog, names: Iterable[str], operations: Iterable[Operation] = ()
) -> list[Need]:
    out: list[Need] = []
    seen: set[str] = set()
    queue: deque[Need] = deque(Need(n) for n in names)
    # an operation's dependent actions are needed as its action's dependencies are
    extra: dict[str, list[str]] = {}
    for op in operations:
        extra.setdefault(op.action.casefold(), []).extend(op.dependent_actions)
    while queue:
        need = queue.popleft()
        folded = need.action.casefold()
        if folded in seen:
            continue
        seen.add(folded)
        out.append(need)
        action = catalog.action(need.action)
        if action is not None:
            queue.extend(Need(dep, action.name) for dep in action.dependencies)
        if folded in extra:
            queue.extend(Need(dep, need.action) for dep in extra.pop(folded))
    return out


@dataclass(frozen=True, slots=True)
class ActionOutcome:
    action: str
    dependency_of: str | None
    decision: Decision

    def to_json(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "dependency_of": self.dependency_of,
            **_decision_json(self.decision.outcome, self.decision.possible, self.decision),
        }


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


@dataclass(frozen=True, slots=True)
class Preview:
    apis: tuple[ApiPreview, ...]
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
    """
    ctx = context or PreviewContext()
    ctx.check_limits()
    for lv in levels:
        for p in lv.policies:
            if p.limit is not None:
                raise EngineInputError(p.limit.message)
            if p.parse is not None and p.parse.error is not None:
                where = f"{p.name}: " if p.name else ""
                return Preview((), {}, f"{where}{p.parse.error.message} Nothing was previewed.")
    if services is None:
        wanted = services_of(p for lv in levels for p in lv.policies)
    else:
        wanted = frozenset(s.casefold() for s in services)
    plans = plans_for(catalog, wanted)
    names: dict[str, str] = {}
    for plan in plans:
        for folded, name in plan.names:
            names.setdefault(folded, name)
    requests = [_request(name, catalog, ctx) for name in names.values()]
    typed = typed_context(ctx.keys, catalog)
    decisions = evaluate_subjects(requests, levels, catalog, typed.values)
    outcomes: dict[tuple[str, str | None], ActionOutcome] = {}

    def outcome_of(need: Need) -> ActionOutcome:
        key = (need.action, need.dependency_of)
        found = outcomes.get(key)
        if found is None:
            decision = decisions[need.action.casefold()]
            found = outcomes[key] = ActionOutcome(need.action, need.dependency_of, decision)
        return found

    rows = []
    for plan in plans:
        actions = tuple([outcome_of(n) for n in plan.needs])
        outcome, possible, deciding = combine([a.decision for a in actions])
        links = []
        for cond in plan.conditional:
            link_actions = tuple([outcome_of(n) for n in cond.needs])
            l_outcome, l_possible, l_deciding = combine([a.decision for a in link_actions])
            links.append(
                LinkPreview(cond.action, cond.note, l_outcome, l_possible, l_deciding, link_actions)
            )
        rows.append(
            ApiPreview(
                plan.method,
                plan.path,
                plan.service,
                outcome,
                possible,
                deciding,
                actions,
                tuple(links),
                plan.operation_ids,
                _not_governed_note(catalog, plan.service, levels),
            )
        )
    by_action = {action.casefold(): found for (action, _), found in outcomes.items()}
    return Preview(tuple(rows), by_action, context_problems=typed.problems)


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


def _not_governed_note(catalog: Catalog, service: str, levels: Sequence[Level]) -> str:
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
