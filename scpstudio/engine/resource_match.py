"""Whether a statement's resource part holds for a request's resource, in three values.

A statement's URN patterns are grouped by service and type once (`_PatternIndex`), so a
policy of thousands of URNs is compared whole with each resource once, not with each
request.
"""

from __future__ import annotations

from collections.abc import Iterable

from scpstudio.engine.conditions import Tri
from scpstudio.engine.decision import ResourceRef
from scpstudio.engine.policy import Statement
from scpstudio.engine.wildcard import wildcard_match


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
