"""What each API of the catalog needs (policy-language.md §6), worked out once per snapshot.

An API needs the actions its links name and, transitively, their dependencies; links that
hold only in a situation the catalog names ("required only ...") are kept apart. APIs known
by operation id (IAM's schema) join the page's APIs by action: an operation whose action a
page API needs lends that API its id and its dependent actions; an operation no page API
matches is an API of its own. `engine.preview` decides each plan's outcome.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from scpstudio.engine.catalog import Catalog, Operation


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
