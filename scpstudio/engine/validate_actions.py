"""Checks of Action / NotAction: shape, profile rules, and names against the catalog."""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

from scpstudio.engine.catalog import Catalog
from scpstudio.engine.document import JsonArray, JsonNode, JsonScalar, Member
from scpstudio.engine.findings import Code, Fix, pointer
from scpstudio.engine.near_miss import NOT_LOOKED_UP, NameIndex, catalog_index
from scpstudio.engine.policy import Statement
from scpstudio.engine.report import Report, quote
from scpstudio.engine.wildcard import has_wildcard

_SEGMENT = re.compile(r"[A-Za-z0-9_\-.*?]+")
_ACTION = re.compile(r"[A-Za-z0-9_\-.*?]+:[A-Za-z0-9_\-.*?]+:[A-Za-z0-9_\-.*?]+")
FULL_WILDCARDS = ("*", "*:*:*")


def element_items(
    report: Report, statement: Statement, member: Member, what: str
) -> list[tuple[str, JsonNode, str]]:
    """The strings of an Action-like element with their nodes and paths; reports wrong types."""
    i = statement.index
    base = f"/Statement/{i}/{member.key}"  # element names need no escaping
    value = member.value
    if isinstance(value, JsonScalar) and isinstance(value.value, str):
        return [(value.value, value, base)]
    if not isinstance(value, JsonArray):
        report.add(
            Code.INVALID_POLICY_ELEMENT,
            f"{member.key} must be a string or an array of {what} strings, not a "
            f"{value.type_name}.",
            base,
            value,
        )
        return []
    items: list[tuple[str, JsonNode, str]] = []
    for j, item in enumerate(value.items):
        if isinstance(item, JsonScalar) and isinstance(item.value, str):
            items.append((item.value, item, f"{base}/{j}"))
        else:
            report.add(
                Code.INVALID_POLICY_ELEMENT,
                f"Each entry of {member.key} must be a string, not a {item.type_name}.",
                base + pointer(j),
                item,
            )
    return items


def check_actions(report: Report, statement: Statement) -> None:
    node = statement.node
    assert node is not None
    i = statement.index
    action, not_action = node.get("Action"), node.get("NotAction")
    if action is None and not_action is None:
        report.add(
            Code.MISSING_ACTION,
            f"Statement {i} has neither Action nor NotAction.",
            pointer("Statement", i, "Action"),
            node,
        )
        return
    check_element_pair(report, i, action, not_action, Code.EMPTY_ARRAY_ACTION, "action")
    for member in (action, not_action):
        if member is None:
            continue
        for text, item, path in element_items(report, statement, member, "action"):
            check_action(report, text, item, path)


def check_action(report: Report, text: str, node: JsonNode, path: str) -> None:
    profile = report.profile
    catalog = report.catalog
    folded = text.casefold()
    if folded in FULL_WILDCARDS:
        if profile.is_scp:
            report.add(
                Code.SCP_ACTION_WILDCARD,
                f"{quote(text)} names every action of every service, which SCPs do not "
                'accept; name the service, e.g. "ims:*:*".',
                path,
                node,
            )
        return
    parts = text.split(":")
    if len(parts) != 3 or not _ACTION.fullmatch(text):
        fix, names, note = _three_part_repairs(report, parts, text)
        hint = f" Did you mean {' or '.join(quote(n) for n in names)}?" if names else ""
        report.add(
            Code.INVALID_ACTION_FORMAT,
            f"The action {quote(text)} is not of the form service:resourceType:operation "
            f"(letters, digits, _, -, and the wildcards * and ?).{hint}{note}",
            path,
            node,
            fix=Fix("replace", path, fix) if fix else None,
            suggestions=names,
            choices=() if fix else tuple(Fix("replace", path, n) for n in names),
        )
        return
    service = parts[0]
    if has_wildcard(service):
        if profile.is_scp:
            report.add(
                Code.SCP_ACTION_WILDCARD,
                f"The action {quote(text)} has a wildcard in its service part, which SCPs do "
                "not accept.",
                path,
                node,
            )
        else:
            report.add(
                Code.WILDCARD_IN_SERVICE_NAME,
                f"The action {quote(text)} has a wildcard in its service part: it reaches "
                "services you may not mean, including future ones.",
                path,
                node,
            )
        return
    if not profile.segment_wildcards and any(has_wildcard(p.rstrip("*?")) for p in parts):
        report.add(
            Code.INVALID_ACTION_FORMAT,
            f"The action {quote(text)} has a wildcard inside a segment; the {profile.name} "
            "rules accept * and ? only alone or at the end of a segment.",
            path,
            node,
        )
    if catalog.service(service) is None:
        report.add(
            Code.INVALID_SERVICE,
            f"The catalog does not hold the service {quote(service)}, so {quote(text)} cannot "
            "be checked.",
            path,
            node,
        )
        return
    if profile.is_scp and catalog.is_scp_governed(service) is False:
        report.add(
            Code.SERVICE_NOT_GOVERNED_BY_SCP,
            f"SCPs do not govern {service}: Huawei does not list it among the cloud services "
            f"for using SCPs, so this statement has no effect on {quote(text)}.",
            path,
            node,
        )
    if has_wildcard(text):
        if not catalog.match_actions(text):
            report.add(
                Code.ACTION_WILDCARD_MATCHES_NOTHING,
                f"The pattern {quote(text)} matches no action of {service}.",
                path,
                node,
            )
        return
    found = catalog.action(text)
    if found is None:
        looked_up = report.lookups.admits(text)
        suggestions = closest_actions(report, text) if looked_up else []
        hint = f" Did you mean {' or '.join(suggestions)}?" if suggestions else ""
        report.add(
            Code.INVALID_ACTION,
            f"{service} has no action {quote(text)}.{hint}{'' if looked_up else NOT_LOOKED_UP}",
            path,
            node,
            suggestions=tuple(suggestions),
            choices=tuple(Fix("replace", path, name) for name in suggestions),
        )
    elif found.name.casefold() != text.casefold():
        report.add(
            Code.ACTION_ALIAS,
            f"{quote(text)} is another name of {quote(found.name)}: it matches as that action "
            "does; write the action's own name.",
            path,
            node,
            fix=Fix("replace", path, found.name),
        )
    elif found.name != text:
        report.add(
            Code.ACTION_CASE,
            f"{quote(text)} matches {quote(found.name)} (actions are case-insensitive); write "
            "it as the catalog does.",
            path,
            node,
            fix=Fix("replace", path, found.name),
        )


def _three_part_repairs(
    report: Report, parts: list[str], text: str
) -> tuple[str, tuple[str, ...], str]:
    """The three-part actions a one- or two-part one may mean: (the certain one or "",
    every candidate, a note when they were not looked for). `svc:*` certainly means
    `svc:*:*` (the wildcard already spans the colon); `svc:x` may mean `svc:x:*` or an
    action whose operation is x; `svc` alone may mean `svc:*:*`. Only candidates that name
    some catalog action are offered, except for services the catalog does not hold, where
    only the certain repair is. Looking for `svc:x` counts as a near-miss lookup."""
    if not 1 <= len(parts) <= 2 or not all(_SEGMENT.fullmatch(p) for p in parts):
        return "", (), ""
    service = parts[0]
    if has_wildcard(service):
        return "", (), ""
    catalog = report.catalog
    known = catalog.service(service) is not None
    if len(parts) == 1:
        return ("", (f"{service}:*:*",), "") if known else ("", (), "")
    rest = parts[1]
    if rest.strip("*") == "":
        return f"{service}:*:*", (f"{service}:*:*",), ""
    if not known:
        return "", (), ""
    if not report.lookups.admits(text):
        return "", (), NOT_LOOKED_UP
    found: list[str] = []
    for candidate in (f"{service}:{rest}:*", f"{service}:*:{rest}"):
        matched = catalog.match_actions(candidate)
        if not matched:
            continue
        if has_wildcard(rest) or candidate.endswith(":*"):
            found.append(candidate)
        else:
            found.extend(a.name for a in matched)
    return "", tuple(dict.fromkeys(found))[:5], ""


def closest_actions(report: Report, text: str) -> list[str]:
    """Names of the same service close to `text`: by spelling, or the same operation."""
    service, _, rest = text.partition(":")
    catalog = report.catalog
    index = _action_index(catalog, service)
    names = list(report.lookups.find(index, text, 0.75, 3).close)
    operation = rest.rpartition(":")[2].casefold()
    for name in _by_operation(catalog, service).get(operation, ()):
        if name not in names:
            names.append(name)
    return names[:5]


def _action_index(catalog: Catalog, service: str) -> NameIndex:
    prefix = service.casefold()
    return catalog_index(
        catalog.derived,
        ("actions", prefix),
        lambda: (a.name for a in catalog.actions_of_service(prefix)),
    )


def _by_operation(catalog: Catalog, service: str) -> Mapping[str, tuple[str, ...]]:
    """The service's action names by their operation (case-folded), built once per snapshot."""
    key = ("actions by operation", service.casefold())
    found: Mapping[str, tuple[str, ...]] | None = catalog.derived.get(key)
    if found is None:
        grouped: dict[str, list[str]] = {}
        for a in catalog.actions_of_service(service):
            grouped.setdefault(a.name.rpartition(":")[2].casefold(), []).append(a.name)
        found = MappingProxyType({op: tuple(names) for op, names in grouped.items()})
        catalog.derived[key] = found
    return found


def check_element_pair(
    report: Report,
    i: int,
    plain: Member | None,
    negated: Member | None,
    empty_code: Code,
    noun: str,
) -> None:
    """`Action`/`NotAction` or `Resource`/`NotResource`: not both, and not an empty list."""
    if plain is not None and negated is not None:
        report.add(
            Code.UNSUPPORTED_ELEMENT_COMBINATION,
            f"A statement cannot have both {plain.key} and {negated.key}.",
            pointer("Statement", i, negated.key),
            negated,
        )
    for member in (plain, negated):
        if member is not None and isinstance(member.value, JsonArray) and not member.value.items:
            report.add(
                empty_code,
                f"{member.key} is an empty array, so this statement "
                + (f"applies to no {noun}." if member is plain else "excludes nothing."),
                pointer("Statement", i, member.key),
                member.value,
            )
