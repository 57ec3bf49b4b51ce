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

import itertools
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
from scpstudio.engine.errors import EngineInputError
from scpstudio.engine.evaluate import (
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
from scpstudio.engine.evaluate_many import ManyDecisions, decide_many
from scpstudio.engine.limits import context_limit_problem
from scpstudio.engine.policy import Policy, compile_policy
from scpstudio.engine.preview_rows import ActionOutcome as ActionOutcome
from scpstudio.engine.preview_rows import ApiPreview as ApiPreview
from scpstudio.engine.preview_rows import LinkPreview as LinkPreview
from scpstudio.engine.preview_rows import Preview as Preview
from scpstudio.engine.preview_rows import outcome_maker as outcome_maker
from scpstudio.engine.preview_rows import row_of as row_of
from scpstudio.engine.preview_segments import (
    MAX_SEGMENTED_SERVICES,
    Part,
    ServiceParts,
    fingerprints,
    keep_part,
    kept_part,
    part_of,
)
from scpstudio.engine.preview_shared import (
    ActionsListed,
    PlanIndex,
    keep_latest_rows,
    kept_decisions,
    kept_shared_rows,
    latest_rows,
    plan_index,
)
from scpstudio.engine.profiles import Profile, get_profile
from scpstudio.engine.statement_memory import BoundedMemo, catalog_serial


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

    The actions no statement on the path names share one decision (`decide_many`), and
    the rows of APIs needing only such actions are `SharedRow`s kept from one call to the
    next (`preview_shared.kept_shared_rows`); the other rows are made from their
    decisions, and kept while those hold. A preview of a few services (two or more: one
    service's part would be the whole, and its fingerprint mere cost) is made in parts,
    one per service, each kept by the statements that can decide it
    (`preview_segments`): an edit previews only the services its statements reach. So an
    edit costs what its statements name, and the rows that did not change are the same
    objects as before (what the editor's and the REST API's row memos recognise). The
    answer is `preview_each`'s (tests/engine/test_preview_whole.py,
    tests/engine/test_preview_segments.py).
    """
    opened = _opened(levels, catalog, context, services)
    if isinstance(opened, Preview):
        return opened
    plans, subjects, context_problems, few = opened
    index = plan_index(plans, subjects)
    notes = {service: not_governed_note(catalog, service, levels) for service in index.services}
    if few and len(index.services) > 1:
        return _in_parts(levels, catalog, index, notes, context_problems)
    decisions = kept_decisions(decide_many(index.known, levels, catalog, keep=True))
    outcomes: dict[tuple[str, str | None], ActionOutcome] = {}
    rows = _rows(catalog, index, decisions, outcomes, notes, range(len(plans)))
    return Preview(
        tuple(rows),  # type: ignore[arg-type]  # every place is filled
        ActionsListed(index.listed, outcomes, decisions),
        context_problems=context_problems,
    )


def _opened(
    levels: Sequence[Level],
    catalog: Catalog,
    context: PreviewContext | None,
    services: Iterable[str] | None,
) -> Preview | tuple[list[ApiPlan], list[Any], tuple[str, ...], bool]:
    """What every preview starts with: the refusal (a Preview), or the plans of the
    services wanted, a prepared request per action they need, what the context's values
    cannot be, and whether the services wanted are few enough to preview in parts."""
    ctx = context or _NO_CONTEXT
    refused = refused_preview(levels, ctx)
    if refused is not None:
        return refused
    if services is None:
        wanted = services_of(p for lv in levels for p in lv.policies)
    else:
        wanted = frozenset(s.casefold() for s in services)
    few = wanted is not None and len(wanted) <= MAX_SEGMENTED_SERVICES
    return (*prepared(catalog, wanted, ctx), few)


def _rows(
    catalog: Catalog,
    index: PlanIndex,
    decisions: ManyDecisions,
    outcomes: dict[tuple[str, str | None], ActionOutcome],
    notes: Mapping[str, str],
    wanted: Sequence[int],
) -> list[ApiPreview | None]:
    """The rows at the `wanted` places (the others None): kept SharedRows, and the rows
    needing an action a statement names (or no SharedRow can be) made or kept."""
    plans = index.plans
    rows: list[ApiPreview | None]
    each: Iterable[int]
    if decisions.shared is None:  # every action decided one by one
        rows, each = [None] * len(plans), wanted
    else:
        rows = list(kept_shared_rows(index, decisions, notes))
        touched = {i for f in decisions.decided for i in index.plans_needing.get(f, ())}
        each = sorted(touched.union(index.each))
        if len(wanted) < len(plans):
            places = set(wanted)
            each = [i for i in each if i in places]
    serial = catalog_serial(catalog)
    outcome_of = outcome_maker(decisions, outcomes)
    whole = len(wanted) == len(plans)
    key = (serial, tuple(notes.items()))
    latest = latest_rows(index, key, decisions) if whole else None
    for i in each:
        if latest is not None and i not in latest[1]:
            row = latest[0][i]  # needs no action whose decision changed
            if row is not None:
                rows[i] = row
                continue
        plan = plans[i]
        rows[i] = _kept_row(serial, plan, decisions, outcome_of, notes[plan.service])
    if whole:
        keep_latest_rows(index, key, decisions, rows)
    return rows


def _in_parts(
    levels: Sequence[Level],
    catalog: Catalog,
    index: PlanIndex,
    notes: Mapping[str, str],
    context_problems: tuple[str, ...],
) -> Preview:
    """`preview_levels` in parts, one per service (`preview_segments`): the parts kept
    under the fingerprint their service has on this path taken as they are, the others
    previewed (their actions alone decided) and kept."""
    parts: ServiceParts | None = index.parts
    if parts is None:
        parts = index.parts = ServiceParts(index.plans)
    found: dict[str, Part] = {}
    missing: list[tuple[str, tuple[Any, ...]]] = []
    for service, fingerprint in fingerprints(parts, levels).items():
        part = kept_part(index, service, fingerprint)
        if part is None:
            missing.append((service, fingerprint))
        else:
            found[service] = part
    if missing:
        only = frozenset().union(*(parts.needed[service] for service, _ in missing))
        made = kept_decisions(decide_many(index.known, levels, catalog, keep=True, only=only))
        outcomes: dict[tuple[str, str | None], ActionOutcome] = {}
        places = [i for service, _ in missing for i in parts.positions[service]]
        rows = _rows(catalog, index, made, outcomes, notes, places)
        for service, fingerprint in missing:
            part = part_of(
                rows,
                parts.positions[service],
                parts.needed[service],
                made.decided,
                outcomes,
                made.shared,
            )
            keep_part(index, service, fingerprint, part)
            found[service] = part
    decided: dict[str, Decision] = {}
    outcomes = {}
    for part in found.values():
        decided.update(part.decided)
        outcomes.update(part.outcomes)
    in_order = tuple([found[service].rows for service in parts.positions])
    joined: tuple[ApiPreview, ...]
    if parts.contiguous:
        joined = tuple(itertools.chain.from_iterable(in_order))
    else:
        placed: list[Any] = [None] * len(index.plans)
        for service, part in found.items():
            for i, row in zip(parts.positions[service], part.rows, strict=True):
                placed[i] = row
        joined = tuple(placed)
    # every part holds the path's shared decision (its fingerprint holds every statement
    # that may apply to any action)
    shared = next(iter(found.values())).shared
    decisions = kept_decisions(ManyDecisions(decided, shared, index.known.names))
    return Preview(
        joined,
        ActionsListed(index.listed, outcomes, decisions),
        context_problems=context_problems,
        parts=in_order if parts.contiguous else (),
    )


def _kept_row(
    serial: int,
    plan: ApiPlan,
    decisions: Mapping[str, Decision],
    outcome_of: Callable[[Need], ActionOutcome],
    note: str,
) -> ApiPreview:
    """The plan's row: the one made last time for the same decisions (the same objects,
    kept in DECISIONS) again, or a new one (its actions' outcomes left in `outcome_of`'s
    dict; `ActionsListed` makes the others, equal, when read)."""
    decided = tuple([decisions[folded] for folded, _ in plan.names])
    key = (serial, id(plan))
    kept = _ROWS.get(key)
    # the plan is kept with its row: a plan made later at the same address (after this
    # one was dropped) is another API, whose actions may have got the same decisions
    if (
        kept is not None
        and kept[0] is plan
        and kept[2] == note
        and all(map(operator.is_, kept[1], decided))
    ):
        return kept[3]  # type: ignore[no-any-return]
    row = row_of(plan, outcome_of, note)
    _ROWS.put(key, (plan, decided, note, row))
    return row


def preview_each(
    levels: Sequence[Level],
    catalog: Catalog,
    context: PreviewContext | None = None,
    *,
    services: Iterable[str] | None = None,
) -> Preview:
    """`preview_levels`, every action decided one by one and every row made: the
    definition the quicker previews are held equal to (tests), and nothing else."""
    opened = _opened(levels, catalog, context, services)
    if isinstance(opened, Preview):
        return opened
    plans, subjects, context_problems, _ = opened
    decisions = decide_subjects(subjects, levels, catalog)
    outcomes: dict[tuple[str, str | None], ActionOutcome] = {}
    outcome_of = outcome_maker(decisions, outcomes)

    notes: dict[str, str] = {}
    rows = []
    for plan in plans:
        note = notes.get(plan.service)
        if note is None:
            note = notes[plan.service] = not_governed_note(catalog, plan.service, levels)
        rows.append(row_of(plan, outcome_of, note))
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


# The context of a preview given none (never changed: what `prepared` reads of it).
_NO_CONTEXT = PreviewContext()

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
            # no keys (most previews): nothing to write out
            json.dumps(ctx.keys, sort_keys=True) if ctx.keys else "",
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
