"""One statement against one request, in three values, and the words that say why.

`engine.evaluate` puts the statements' verdicts together per node and along a path; what
a statement alone says of a request is kept with the statement (`Statement.verdicts`),
keyed by the request and its context (`ContextKey`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from scpstudio.engine.catalog import Action, Catalog
from scpstudio.engine.conditions import (
    Tri,
    describe_clause,
    evaluate_clause,
    holds_when_absent,
    why_open,
)
from scpstudio.engine.decision import (
    NO_RESOURCE,
    ConditionTrace,
    Request,
    ResourceRef,
    StatementTrace,
)
from scpstudio.engine.policy import MAX_VERDICTS, Clause, Statement
from scpstudio.engine.resource_match import resource_part
from scpstudio.engine.statement_memory import catalog_serial, request_serial

# Condition keys a prepared request remembers its values of (`Subject.values`, `may_lack`):
# prepared requests are kept between previews (preview.prepared), and the keys come from
# the policies, so what they remember is bounded, emptied when full.
MAX_KEYS_REMEMBERED = 1_024
_UNKNOWN: Any = object()


class Subject:
    """A request prepared once: the action, its resource, and its key lookup."""

    __slots__ = ("name", "action", "resource", "context", "catalog", "memo", "lacks", "key")

    def __init__(
        self,
        request: Request,
        catalog: Catalog,
        context: dict[str, tuple[Any, ...]],
        context_key: ContextKey | None = None,
    ):
        self.name = request.action
        self.action: Action | None = catalog.action(request.action)
        self.catalog = catalog
        self.context = context
        self.memo: dict[str, tuple[Any, ...] | None] = {}
        self.lacks: dict[str, bool] = {}  # may_lack, by key
        resource = request.resource
        if isinstance(resource, str) and resource != NO_RESOURCE:
            resource = ResourceRef.parse(resource)
        if self.action is not None and not self.action.supports_resources:
            resource = NO_RESOURCE
        elif resource is None:
            resource = default_resource(request.action, self.action)
        self.resource: ResourceRef | str = resource
        # What a statement's verdict on this request depends on besides the statement: the
        # statement keeps its verdicts under it (Statement.verdicts). None: not kept.
        self.key: int | None = (
            None
            if context_key is None
            else request_serial((catalog_serial(catalog), context_key, self.name, resource))
        )

    def values(self, key: str) -> tuple[Any, ...] | None:
        """The request's values of a key: () when absent, None when unknown."""
        memo = self.memo
        known = memo.get(key, _UNKNOWN)  # one read: another thread may empty the memo
        if known is not _UNKNOWN:
            return known  # type: ignore[no-any-return]
        if self.catalog.action_carries_key(self.name, key) is False:
            found: tuple[Any, ...] | None = ()
        else:
            found = self.context.get(key.casefold())
        if len(memo) >= MAX_KEYS_REMEMBERED:
            memo.clear()  # a prepared request lives on: the keys policies name must not pile up
        memo[key] = found
        return found

    def may_lack(self, key: str) -> bool:
        """Whether the request may not carry the key at all, whatever the context says:
        an action the catalog does not define, with a key that belongs to actions (§4)."""
        lacks = self.lacks
        found = lacks.get(key)
        if found is None:
            if len(lacks) >= MAX_KEYS_REMEMBERED:
                lacks.clear()
            found = lacks[key] = self.catalog.action_carries_key(self.name, key) is None
        return found


class ContextKey:
    """A typed context (or a request under one) as a key: compared by value, hashed once."""

    __slots__ = ("items", "hash")

    def __init__(self, items: tuple[Any, ...]) -> None:
        self.items = items
        self.hash = hash(items)

    def __hash__(self) -> int:
        return self.hash

    def __eq__(self, other: object) -> bool:
        return self is other or (
            isinstance(other, ContextKey) and self.hash == other.hash and self.items == other.items
        )


def context_key(context: Mapping[str, tuple[Any, ...]]) -> ContextKey | None:
    """The key of a typed context, or None when a value cannot be a key."""
    try:
        return ContextKey(tuple(sorted((k, typed_values(v)) for k, v in context.items())))
    except TypeError:
        return None


def typed_values(values: tuple[Any, ...] | None) -> tuple[Any, ...] | None:
    """Values as a key that tells their types apart: Python holds `True == 1 == 1.0`, but
    a condition does not (`"true"`, `"1"` and `"1.0"` under a string operator)."""
    if not values:
        return values
    return tuple([(type(v), v) for v in values])


_UNSEEN: Any = object()


def kept_verdict(
    statement: Statement, subject: Subject, work: Callable[[Statement, Subject], Any]
) -> Any:
    """`work(statement, subject)`, the statement's verdict on the subject, kept with the
    statement."""
    if subject.key is None:
        return work(statement, subject)
    key = (work, subject.key)
    verdicts = statement.verdicts
    found = verdicts.get(key, _UNSEEN)
    if found is _UNSEEN:
        found = work(statement, subject)
        if len(verdicts) >= MAX_VERDICTS:
            verdicts.clear()
        verdicts[key] = found
    return found


def clause_value(clause: Clause, subject: Subject) -> Tri:
    """The clause for this request; a given value counts only if the key is present, so
    when presence is unknown both cases must agree."""
    values = subject.values(clause.key)
    result = evaluate_clause(clause, values)
    unsure = result is not None and values and subject.may_lack(clause.key)
    return None if unsure and evaluate_clause(clause, ()) is not result else result


_CLAUSE_KEYS = "clause keys"
# Clauses on more distinct keys than this are evaluated one by one (what a request says of
# each key would be a long tuple to build and compare, and most differ by action anyway).
MAX_SHARED_KEYS = 8


def clause_values(statement: Statement, subject: Subject) -> Iterator[Tri]:
    """`clause_value` of each of the statement's clauses, in order. A clause's value
    depends only on the request's values of its key and whether the request may lack the
    key, so where the clauses name a few keys the values are kept with the statement by
    what the request says of them: requests for different actions that agree on them
    (most do) share one evaluation, and a statement of a thousand conditions on one key
    is evaluated once, not once per API. Otherwise they are worked out as they are read."""
    clauses = statement.clauses
    if not clauses:
        return iter(())
    verdicts = statement.verdicts
    keys: tuple[str, ...] | None = verdicts.get(_CLAUSE_KEYS)
    if keys is None:
        keys = verdicts[_CLAUSE_KEYS] = tuple(dict.fromkeys(c.key for c in clauses))
    if len(keys) > MAX_SHARED_KEYS:
        return (clause_value(c, subject) for c in clauses)
    said = (
        _CLAUSE_KEYS,
        tuple([(typed_values(subject.values(k)), subject.may_lack(k)) for k in keys]),
    )
    try:
        found: tuple[Tri, ...] | None = verdicts.get(said)
    except TypeError:  # a value that cannot be a key: work them out as they are read
        return (clause_value(c, subject) for c in clauses)
    if found is None:
        found = tuple([clause_value(c, subject) for c in clauses])
        if len(verdicts) >= MAX_VERDICTS:
            verdicts.clear()
            verdicts[_CLAUSE_KEYS] = keys
        verdicts[said] = found
    return iter(found)


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


def statement_applies(statement: Statement, subject: Subject) -> Tri:
    if not statement.usable:
        return False
    if not statement.matches_action(subject.name, subject.action is not None):
        return False
    result: Tri = resource_part(statement, subject.resource)
    if result is False:
        return False
    for value in clause_values(statement, subject):
        if value is False:
            return False
        if value is None:
            result = None
    return result


def statement_trace(
    statement: Statement, subject: Subject, policy: str | None, level: str | None
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
    for clause, result in zip(statement.clauses, clause_values(statement, subject), strict=True):
        text = _open_clause_text(clause, subject) if result is None else clause_text(clause)
        traces.append(ConditionTrace(clause.operator, clause.key, clause.values, result, text))
    applies = statement_applies(statement, subject)
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


def open_text(statement: Statement, subject: Subject) -> str:
    return " and ".join(_unknown_parts(statement, subject))


def _unknown_parts(statement: Statement, subject: Subject) -> list[str]:
    """What the context would have to say for this (unknown) statement to apply: the first
    `MAX_OPEN_PARTS` of it, and how many more there are."""
    parts = []
    more = 0
    if resource_part(statement, subject.resource) is None:
        parts.append(_resource_reason(statement, subject.resource, None))
    for clause, value in zip(statement.clauses, clause_values(statement, subject), strict=True):
        if value is None:
            if len(parts) < MAX_OPEN_PARTS:
                parts.append(_open_clause_text(clause, subject))
            else:
                more += 1
    if more:
        parts.append(f"{more:,} more condition{'s' if more > 1 else ''} hold")
    return parts


def _open_clause_text(clause: Clause, subject: Subject) -> str:
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
