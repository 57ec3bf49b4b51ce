"""Requests against policies, in three values (policy-language.md §5).

A statement applies when its action part, resource part and every condition hold;
each of those is true, false or unknown (`None`). Unknown never becomes a guess:
the outcome is then CONDITIONAL, with the set of outcomes still possible and the
conditions that decide between them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from scpstudio.engine.catalog import Action, Catalog
from scpstudio.engine.conditions import (
    Tri,
    describe_clause,
    evaluate_clause,
    holds_when_absent,
    why_open,
)
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
    normalize_context,
    tri_json,
)
from scpstudio.engine.policy import Clause, Policy, Statement, compile_policy, full_access
from scpstudio.engine.wildcard import wildcard_match

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
    "evaluate_subjects",
    "full_access_policy",
    "level_possible",
    "match_urn",
    "normalize_context",
    "resource_part",
    "tri_json",
]


# -- one statement --------------------------------------------------------------------


def match_urn(pattern: tuple[str, ...], ref: ResourceRef) -> Tri:
    """One URN pattern (five parts) against a resource whose parts may be unknown."""
    if len(pattern) != 5:
        return False
    unknown = False
    for i, (p, r) in enumerate(zip(pattern, ref.parts, strict=True)):
        if p == "*":
            continue
        if r is None:
            if not p or p.strip("*"):
                unknown = True
        elif "*" not in p and "?" not in p:
            if (p.casefold() != r.casefold()) if i in (0, 3) else (p != r):
                return False
        elif not wildcard_match(p, r, ignore_case=i in (0, 3)):
            return False
    return None if unknown else True


def resource_part(statement: Statement, resource: ResourceRef | str) -> Tri:
    if isinstance(resource, str):  # NO_RESOURCE: only "*" applies
        return statement.any_resource != statement.not_resource
    if statement.any_resource:
        return not statement.not_resource
    index: _PatternIndex | None = statement.resource_index
    if index is None:
        index = statement.resource_index = _PatternIndex(statement)
    if resource in index.verdicts:
        return index.verdicts[resource]
    result: Tri = False
    for pattern in _patterns_for(index, resource):
        hit = match_urn(pattern, resource)
        if hit:
            result = True
            break
        if hit is None:
            result = None
    if statement.not_resource and result is not None:
        result = not result
    if len(index.verdicts) < 1_000:
        index.verdicts[resource] = result
    return result


# The group of patterns whose service (or type) part has a wildcard.
_ANY = "*"


class _PatternIndex:
    """A statement's resource patterns grouped by service and type, and the verdict for
    each resource already asked about: the preview's requests share a few resources, so a
    policy of thousands of URNs is compared whole with each resource once, not with each
    request."""

    __slots__ = ("groups", "verdicts")

    def __init__(self, statement: Statement) -> None:
        self.groups: dict[str, dict[str, list[tuple[str, ...]]]] = {}
        self.verdicts: dict[ResourceRef, Tri] = {}
        for pattern in statement.resource_patterns:
            if pattern is None or len(pattern) != 5:
                continue  # never matches (see match_urn)
            service, rtype = (_group(p) for p in (pattern[0], pattern[3]))
            self.groups.setdefault(service, {}).setdefault(rtype, []).append(pattern)


def _patterns_for(index: _PatternIndex, resource: ResourceRef) -> Iterable[tuple[str, ...]]:
    """The patterns that may match `resource`: those of its service and type, and those
    with a wildcard there."""
    groups = index.groups
    if resource.service is None:
        services: Iterable[dict[str, list[tuple[str, ...]]]] = groups.values()
    else:
        services = (groups.get(resource.service.casefold(), {}), groups.get(_ANY, {}))
    for types in services:
        if resource.type is None:
            yield from (p for group in types.values() for p in group)
        else:
            yield from types.get(resource.type.casefold(), ())
            yield from types.get(_ANY, ())


def _group(part: str) -> str:
    """The index group of a service or type part: itself (case-folded), or any."""
    return _ANY if "*" in part or "?" in part else part.casefold()


class _Subject:
    """A request prepared once: the action, its resource, and its key lookup."""

    __slots__ = ("name", "action", "resource", "context", "catalog", "memo")

    def __init__(self, request: Request, catalog: Catalog, context: dict[str, tuple[Any, ...]]):
        self.name = request.action
        self.action: Action | None = catalog.action(request.action)
        self.catalog = catalog
        self.context = context
        self.memo: dict[str, tuple[Any, ...] | None] = {}
        resource = request.resource
        if isinstance(resource, str) and resource != NO_RESOURCE:
            resource = ResourceRef.parse(resource)
        if self.action is not None and not self.action.supports_resources:
            resource = NO_RESOURCE
        elif resource is None:
            resource = default_resource(request.action, self.action)
        self.resource: ResourceRef | str = resource

    def values(self, key: str) -> tuple[Any, ...] | None:
        """The request's values of a key: () when absent, None when unknown."""
        memo = self.memo
        if key in memo:
            return memo[key]
        if self.catalog.action_carries_key(self.name, key) is False:
            found: tuple[Any, ...] | None = ()
        else:
            found = self.context.get(key.casefold())
        memo[key] = found
        return found

    def may_lack(self, key: str) -> bool:
        """Whether the request may not carry the key at all, whatever the context says:
        an action the catalog does not define, with a key that belongs to actions (§4)."""
        return self.catalog.action_carries_key(self.name, key) is None


def clause_value(clause: Clause, subject: _Subject) -> Tri:
    """The clause for this request; a given value counts only if the key is present, so
    when presence is unknown both cases must agree."""
    values = subject.values(clause.key)
    result = evaluate_clause(clause, values)
    unsure = result is not None and values and subject.may_lack(clause.key)
    return None if unsure and evaluate_clause(clause, ()) is not result else result


def default_resource(
    name: str,
    action: Action | None,
    region: str | None = None,
    account: str | None = None,
    ids: Mapping[str, str] | None = None,
) -> ResourceRef:
    """The resource a request for this action acts on, with what the context knows."""
    service = action.service if action else name.split(":", 1)[0]
    rtype: str | None = None
    if action is not None and action.resource_types:
        required = [r.name for r in action.resource_types if r.required]
        names = required or [r.name for r in action.resource_types]
        rtype = names[0] if len(names) == 1 else None
    rid = (ids or {}).get(rtype) if rtype else None
    return ResourceRef(service, region, account, rtype, rid)


def _applies(statement: Statement, subject: _Subject) -> Tri:
    if not statement.usable:
        return False
    if not statement.matches_action(subject.name, subject.action is not None):
        return False
    result: Tri = resource_part(statement, subject.resource)
    if result is False:
        return False
    for clause in statement.clauses:
        value = clause_value(clause, subject)
        if value is False:
            return False
        if value is None:
            result = None
    return result


def _trace(
    statement: Statement, subject: _Subject, policy: str | None, level: str | None
) -> StatementTrace:
    """Every part of the statement judged on its own, so the user sees all the reasons."""
    usable = statement.usable
    action = usable and statement.matches_action(subject.name, subject.action is not None)
    element = statement.action_element or "Action"
    if not usable:
        action_reason = "the statement is not valid and is ignored"
    elif action:
        action_reason = (
            f"{element} {'does not list' if statement.not_action else 'lists'} {subject.name}"
        )
    else:
        action_reason = (
            f"{element} {'lists' if statement.not_action else 'does not list'} {subject.name}"
        )
    resource = resource_part(statement, subject.resource)
    resource_reason = _resource_reason(statement, subject.resource, resource)
    traces = []
    for clause in statement.clauses:
        result = clause_value(clause, subject)
        text = _open_clause_text(clause, subject) if result is None else clause_text(clause)
        traces.append(ConditionTrace(clause.operator, clause.key, clause.values, result, text))
    applies = _applies(statement, subject)
    return StatementTrace(
        level,
        policy,
        statement.index,
        statement.sid,
        statement.effect,
        applies,
        action,
        action_reason,
        resource,
        resource_reason,
        tuple(traces),
    )


# Open conditions named in a conditional row, per statement, and statements named: a
# statement of a thousand undecided conditions is not spelt out a thousand times per API.
MAX_OPEN_PARTS = 5
MAX_DECIDING = 10


def _unknown_parts(statement: Statement, subject: _Subject) -> list[str]:
    """What the context would have to say for this (unknown) statement to apply: the first
    `MAX_OPEN_PARTS` of it, and how many more there are."""
    parts = []
    more = 0
    if resource_part(statement, subject.resource) is None:
        parts.append(_resource_reason(statement, subject.resource, None))
    for clause in statement.clauses:
        if clause_value(clause, subject) is None:
            if len(parts) < MAX_OPEN_PARTS:
                parts.append(_open_clause_text(clause, subject))
            else:
                more += 1
    if more:
        parts.append(f"{more:,} more condition{'s' if more > 1 else ''} hold")
    return parts


def _open_clause_text(clause: Clause, subject: _Subject) -> str:
    """An undecided clause in words, with what keeps it open besides an unknown value."""
    values = subject.values(clause.key)
    reasons = [why_open(clause, values)]
    if subject.may_lack(clause.key):
        absent = "holds" if holds_when_absent(clause) else "does not hold"
        reasons.append(
            f"only if a request for {subject.name} carries {clause.key}: the catalog does "
            f"not define {subject.name}, so whether it does is unknown, and without the key "
            f"the condition {absent}"
        )
    said = "; ".join(r for r in reasons if r)
    return f"{clause_text(clause)} ({said})" if said else clause_text(clause)


def clause_text(clause: Clause) -> str:
    """`describe_clause`, computed once per clause."""
    if not clause.text:
        clause.text = describe_clause(clause)
    return clause.text


def _resource_reason(statement: Statement, resource: ResourceRef | str, result: Tri) -> str:
    element = statement.resource_element or "Resource"
    listed = ", ".join(statement.resources) or "nothing"
    if isinstance(resource, str):
        return f'{element} is {listed}; this action takes only "*"'
    shown = str(resource) if resource.known else f"({resource.in_words()})"
    if result is None:
        return f"the resource {shown} matches {listed}" + (
            " (negated by NotResource)" if statement.not_resource else ""
        )
    verb = "matches" if result != statement.not_resource else "does not match"
    return f"the resource {shown} {verb} {element} {listed}"


# -- one node, then a path --------------------------------------------------------------


def _statement_ref(subject: _Subject, policy: Policy, s: Statement, level: str | None) -> DecidedBy:
    return DecidedBy(subject.name, policy.name or None, s.index, s.sid, level, s.effect)


def _decide_level(
    subject: _Subject, policies: Sequence[Policy], level: str | None, explain: bool
) -> Decision:
    deny_true: tuple[Policy, Statement] | None = None
    allow_true: tuple[Policy, Statement] | None = None
    deny_unknown: list[tuple[Policy, Statement]] = []
    allow_unknown: list[tuple[Policy, Statement]] = []
    in_catalog = subject.action is not None
    for policy in policies:
        for s in policy.candidates(subject.name, in_catalog):
            applies = _applies(s, subject)
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
            _trace(s, subject, p.name or None, level) for p in policies for s in p.statements
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
        parts = " and ".join(_unknown_parts(s, subject))
        conditions.append(f"{verb} when {parts} ({where})")
    if len(deciding) > MAX_DECIDING:
        others = len(deciding) - MAX_DECIDING
        conditions.append(f"and {others:,} more statement{'s' if others > 1 else ''} like these")
    ref = _statement_ref(subject, *deciding[0], level)
    return Decision(CONDITIONAL, frozenset(possible), ref, tuple(conditions), traces)


def level_possible(
    deny_true: bool, allow_true: bool, deny_unknown: bool, allow_unknown: bool
) -> frozenset[Outcome]:
    """What one node may answer, from whether an applying (or maybe applying) Deny and
    Allow exist: the rule of `_decide_level`, shared with the exact diff's search."""
    if deny_true:
        return _ONLY_DENIED
    if not deny_unknown and allow_true:
        return _ONLY_ALLOWED
    if not deny_unknown and not allow_unknown:
        return _ONLY_NOT_ALLOWED
    possible = {DENIED} if deny_unknown else set()
    possible.add(ALLOWED if allow_true or allow_unknown else NOT_ALLOWED)
    if not allow_true:
        possible.add(NOT_ALLOWED)
    return frozenset(possible)


_ONLY_DENIED = frozenset({DENIED})
_ONLY_ALLOWED = frozenset({ALLOWED})
_ONLY_NOT_ALLOWED = frozenset({NOT_ALLOWED})


def combine_possible(sets: Sequence[frozenset[Outcome]]) -> frozenset[Outcome]:
    """What a whole made of parts may answer: every part must allow, a deny anywhere wins."""
    if not sets:
        return _ONLY_ALLOWED
    if len(sets) == 1:
        return sets[0]
    possible: set[Outcome] = set()
    if any(DENIED in s for s in sets):
        possible.add(DENIED)
    if all(ALLOWED in s for s in sets):
        possible.add(ALLOWED)
    if all(s - _ONLY_DENIED for s in sets) and any(NOT_ALLOWED in s for s in sets):
        possible.add(NOT_ALLOWED)
    return frozenset(possible)


def combine(decisions: Sequence[Decision]) -> tuple[Outcome, frozenset[Outcome], Decision | None]:
    """Every part must allow; a deny anywhere wins. Returns the outcome, what is still
    possible, and the part that decided (None when there are no parts)."""
    if not decisions:  # nothing has to allow: vacuously allowed
        return ALLOWED, frozenset({ALLOWED}), None
    if len(decisions) == 1:
        return decisions[0].outcome, decisions[0].possible, decisions[0]
    possible = combine_possible([d.possible for d in decisions])
    outcome = next(iter(possible)) if len(possible) == 1 else CONDITIONAL
    deciding = decisions[0]
    if outcome is not ALLOWED:
        same = [d for d in decisions if d.outcome is outcome]
        deciding = same[0] if same else next(d for d in decisions if d.outcome is not ALLOWED)
    return outcome, frozenset(possible), deciding


def evaluate_path(
    request: Request, levels: Sequence[Level], catalog: Catalog, *, explain: bool = True
) -> Decision:
    """Along an organization path every level must allow; a deny at any level wins.

    The management account is not affected by SCPs: evaluate it with no levels (allowed).
    """
    subject = _Subject(request, catalog, typed_context(request.context, catalog).values)
    return _evaluate_subject(subject, levels, catalog, explain)


def _evaluate_subject(
    subject: _Subject, levels: Sequence[Level], catalog: Catalog, explain: bool
) -> Decision:
    decisions = []
    for level in levels:
        policies = list(level.policies)
        if level.full_access:
            policies.append(full_access_policy(catalog))
        decisions.append(_decide_level(subject, policies, level.name or None, explain))
    if len(decisions) == 1:
        return decisions[0]
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
    out: dict[str, Decision] = {}
    for request in requests:
        subject = _Subject(request, catalog, context)
        out[request.action.casefold()] = _evaluate_subject(subject, levels, catalog, False)
    return out
