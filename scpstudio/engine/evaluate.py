"""Requests against policies, in three values (policy-language.md §5).

A statement applies when its action part, resource part and every condition hold;
each of those is true, false or unknown (`None`). Unknown never becomes a guess:
the outcome is then CONDITIONAL, with the set of outcomes still possible and the
conditions that decide between them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from scpstudio.engine.catalog import Catalog
from scpstudio.engine.conditions import Tri
from scpstudio.engine.context_values import typed_context
from scpstudio.engine.decision import (
    ALLOWED,
    CONDITIONAL,
    DENIED,
    NO_RESOURCE,
    NOT_ALLOWED,
    ConditionTrace,
    DecidedBy,
    Decision,
    Level,
    Outcome,
    Request,
    ResourceRef,
    StatementTrace,
    combine,
    combine_possible,
    level_possible,
    normalize_context,
    tri_json,
)
from scpstudio.engine.evaluate_statement import (
    MAX_DECIDING,
    Subject,
    context_key,
    default_resource,
    kept_verdict,
    open_text,
    statement_applies,
    statement_trace,
)
from scpstudio.engine.policy import Policy, Statement, compile_policy, full_access
from scpstudio.engine.resource_match import match_urn, resource_part
from scpstudio.engine.statement_memory import DECISIONS

__all__ = [
    "ALLOWED",
    "CONDITIONAL",
    "DENIED",
    "NOT_ALLOWED",
    "NO_RESOURCE",
    "ConditionTrace",
    "DecidedBy",
    "Decision",
    "Level",
    "Outcome",
    "Request",
    "ResourceRef",
    "StatementTrace",
    "combine",
    "combine_possible",
    "default_resource",
    "evaluate",
    "evaluate_path",
    "decide_subjects",
    "evaluate_subjects",
    "prepare_subjects",
    "full_access_policy",
    "level_possible",
    "match_urn",
    "normalize_context",
    "resource_part",
    "tri_json",
]


# -- one node, then a path --------------------------------------------------------------


def _statement_ref(subject: Subject, policy: Policy, s: Statement, level: str | None) -> DecidedBy:
    return DecidedBy(subject.name, policy.name or None, s.index, s.sid, level, s.effect)


def _decide_level(
    subject: Subject, policies: Sequence[Policy], level: str | None, explain: bool
) -> Decision:
    in_catalog = subject.action is not None
    name = subject.name
    if explain or subject.key is None:
        groups = [(policy, policy.candidates(name, in_catalog)) for policy in policies]
        return _decide(subject, groups, level, explain)
    # Without explanations the decision is the candidates' verdicts put together: the
    # same request and the same statements (by serial) give the same decision.
    key = (
        subject.key,
        level,
        tuple([(policy.name, policy.candidate_serials(name, in_catalog)) for policy in policies]),
    )
    decision: Decision | None = DECISIONS.get(key)
    if decision is None:
        groups = [(policy, policy.candidates(name, in_catalog)) for policy in policies]
        decision = _decide(subject, groups, level, explain)
        DECISIONS.put(key, decision)
    return decision


_UNSEEN: Any = object()


def _decide(
    subject: Subject,
    groups: list[tuple[Policy, tuple[Statement, ...]]],
    level: str | None,
    explain: bool,
) -> Decision:
    deny_true: tuple[Policy, Statement] | None = None
    allow_true: tuple[Policy, Statement] | None = None
    deny_unknown: list[tuple[Policy, Statement]] = []
    allow_unknown: list[tuple[Policy, Statement]] = []
    policies = [policy for policy, _ in groups]
    verdict_key = (statement_applies, subject.key)
    for policy, found in groups:
        for s in found:
            # kept_verdict(s, subject, statement_applies), its lookup written out: this
            # runs for every statement and request of every preview
            applies: Tri = s.verdicts.get(verdict_key, _UNSEEN)
            if applies is _UNSEEN:
                applies = kept_verdict(s, subject, statement_applies)
            if applies is False:
                continue
            deny = s.effect == "Deny"
            if applies:
                if deny and deny_true is None:
                    deny_true = (policy, s)
                elif not deny and allow_true is None:
                    allow_true = (policy, s)
            else:
                (deny_unknown if deny else allow_unknown).append((policy, s))
    traces: tuple[StatementTrace, ...] = ()
    if explain:
        traces = tuple(
            statement_trace(s, subject, p.name or None, level)
            for p in policies
            for s in p.statements
        )
    if deny_true is not None:
        ref = _statement_ref(subject, *deny_true, level)
        return Decision(DENIED, frozenset({DENIED}), ref, (), traces)
    if not deny_unknown and allow_true is not None:
        ref = _statement_ref(subject, *allow_true, level)
        return Decision(ALLOWED, frozenset({ALLOWED}), ref, (), traces)
    if not deny_unknown and not allow_unknown:
        ref = DecidedBy(subject.name, None, None, None, level)
        return Decision(NOT_ALLOWED, frozenset({NOT_ALLOWED}), ref, (), traces)
    possible = level_possible(
        False, allow_true is not None, bool(deny_unknown), bool(allow_unknown)
    )
    deciding = deny_unknown + ([] if allow_true else allow_unknown)
    conditions = []
    for policy, s in deciding[:MAX_DECIDING]:
        verb = "denied" if s.effect == "Deny" else "allowed"
        where = f"statement {s.label}" + (f" of {policy.name}" if policy.name else "")
        where += f" at {level}" if level else ""
        parts = kept_verdict(s, subject, open_text)
        conditions.append(f"{verb} when {parts} ({where})")
    if len(deciding) > MAX_DECIDING:
        others = len(deciding) - MAX_DECIDING
        conditions.append(f"and {others:,} more statement{'s' if others > 1 else ''} like these")
    ref = _statement_ref(subject, *deciding[0], level)
    return Decision(CONDITIONAL, frozenset(possible), ref, tuple(conditions), traces)


def evaluate_path(
    request: Request, levels: Sequence[Level], catalog: Catalog, *, explain: bool = True
) -> Decision:
    """Along an organization path every level must allow; a deny at any level wins.

    The management account is not affected by SCPs: evaluate it with no levels (allowed).
    """
    subject = Subject(request, catalog, typed_context(request.context, catalog).values)
    return _evaluate_subject(subject, levels, catalog, explain)


def _evaluate_subject(
    subject: Subject, levels: Sequence[Level], catalog: Catalog, explain: bool
) -> Decision:
    decisions = []
    for level in levels:
        policies = list(level.policies)
        if level.full_access:
            policies.append(full_access_policy(catalog))
        decisions.append(_decide_level(subject, policies, level.name or None, explain))
    if len(decisions) == 1:
        return decisions[0]
    return _along_path(decisions)


def _along_path(decisions: list[Decision]) -> Decision:
    """The decisions of the levels of one path put together: every level must allow."""
    outcome, possible, deciding = combine(decisions)
    conditions = tuple(c for d in decisions for c in d.conditions)
    traces = tuple(t for d in decisions for t in d.statements)
    decided_by = deciding.decided_by if deciding else None
    return Decision(outcome, possible, decided_by, conditions, traces)


def evaluate(
    request: Request,
    policies: Sequence[Policy | Any],
    catalog: Catalog,
    *,
    full_access: bool = False,
    explain: bool = True,
) -> Decision:
    """The outcome of one request against the policies attached to one node.

    `policies` may hold compiled `Policy` objects, JSON text or decoded values.
    With `full_access`, the built-in FullAccess policy is attached too (an SCP node).
    """
    compiled = [p if isinstance(p, Policy) else compile_policy(p, catalog) for p in policies]
    return evaluate_path(request, [Level("", compiled, full_access)], catalog, explain=explain)


def full_access_policy(catalog: Catalog) -> Policy:
    cached = catalog.derived.get("full_access")
    if not isinstance(cached, Policy):
        cached = full_access(catalog)
        catalog.derived["full_access"] = cached
    return cached


def evaluate_subjects(
    requests: Iterable[Request],
    levels: Sequence[Level],
    catalog: Catalog,
    context: dict[str, tuple[Any, ...]],
) -> dict[str, Decision]:
    """Many requests sharing one context, without explanations (the preview); the context
    is normalized and typed once by the caller (`typed_context`)."""
    return decide_subjects(prepare_subjects(requests, catalog, context), levels, catalog)


def prepare_subjects(
    requests: Iterable[Request], catalog: Catalog, context: dict[str, tuple[Any, ...]]
) -> list[Subject]:
    """The requests prepared for `decide_subjects`: they depend on the catalog and the
    context only, so the preview keeps them for the next keystroke."""
    key = context_key(context)
    return [Subject(request, catalog, context, key) for request in requests]


def attached_policies(
    levels: Sequence[Level], catalog: Catalog
) -> list[tuple[str | None, list[Policy]]]:
    """Each level's name (None for an unnamed one) and the policies that act there,
    FullAccess included where the level has it."""
    return [
        (
            level.name or None,
            [*level.policies, full_access_policy(catalog)]
            if level.full_access
            else list(level.policies),
        )
        for level in levels
    ]


def decide_subjects(
    subjects: Iterable[Subject], levels: Sequence[Level], catalog: Catalog
) -> dict[str, Decision]:
    """The decision for each prepared request, by its case-folded action."""
    attached = attached_policies(levels, catalog)
    out: dict[str, Decision] = {}
    for subject in subjects:
        decisions = [_decide_level(subject, policies, name, False) for name, policies in attached]
        out[subject.name.casefold()] = (
            decisions[0] if len(decisions) == 1 else _along_path(decisions)
        )
    return out
