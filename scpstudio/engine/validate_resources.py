"""Checks of Resource / NotResource: URN shape, services and types, and applicability.

A statement needs, for each of its actions, at least one resource that can apply
to it; it is fine that some resources do not apply to some actions (§3).
"""

from __future__ import annotations

import re

from scpstudio.engine.catalog import REGION_RE, RESOURCE_APPLIES, Action, Catalog
from scpstudio.engine.document import JsonNode
from scpstudio.engine.findings import Code, Finding, Fix, Span, pointer
from scpstudio.engine.near_miss import NOT_LOOKED_UP, NOTHING_NEAR, NameIndex, catalog_index
from scpstudio.engine.policy import Statement
from scpstudio.engine.report import Report, quote
from scpstudio.engine.validate_actions import check_element_pair, element_items
from scpstudio.engine.wildcard import has_wildcard, wildcard_match

URN_SHAPE = "service:region:account-id:resource-type:resource-path"
# A region pattern: what a region id holds (catalog.REGION_RE), and `*` and `?`.
REGION_PATTERN_RE = re.compile(r"[a-z0-9*?-]+")
REGION_EXAMPLE = "cn-north-4"
# Region ids are short, so one missing word (`north-4` for `cn-north-4`) costs a larger
# share of their pieces than of an action's: they need less likeness to be close.
REGION_LIKENESS = 0.7


def check_resources(report: Report, statement: Statement) -> None:
    node = statement.node
    assert node is not None
    i = statement.index
    resource, not_resource = node.get("Resource"), node.get("NotResource")
    check_element_pair(report, i, resource, not_resource, Code.EMPTY_ARRAY_RESOURCE, "resource")
    services = _action_services(statement)
    for member in (resource, not_resource):
        if member is None:
            continue
        well_formed = []
        for text, item, path in element_items(report, statement, member, "URN"):
            parts = check_urn(report, text, item, path, services)
            if parts is not None:
                well_formed.append(parts)
        if member is resource and resource is not None and not_resource is None:
            all_good = len(well_formed) == len(statement.resources)
            if all_good and well_formed and "*" not in statement.resources:
                _check_applicability(report, statement, well_formed)


def _action_services(statement: Statement) -> set[str] | None:
    """Services of the statement's actions; None when any service could be meant."""
    if statement.action_element != "Action" or statement.any_action:
        return None
    services = set()
    for pattern in statement.folded_actions:
        service = pattern.split(":", 1)[0]
        if has_wildcard(service):
            return None
        services.add(service)
    return services


def check_urn(
    report: Report, text: str, node: JsonNode, path: str, services: set[str] | None
) -> tuple[str, ...] | None:
    """Report a malformed URN; return its five parts when it is well formed."""
    if text == "*":
        return ("*",)
    parts = text.split(":", 4)
    if len(parts) != 5:
        report.add(
            Code.INVALID_URN,
            f'The resource {quote(text)} is not a URN of the form {URN_SHAPE} (or "*").',
            path,
            node,
        )
        return None
    service, _region, account, rtype, rpath = parts
    empty = [
        name
        for name, value in (
            ("service", service),
            ("account-id", account),
            ("resource-type", rtype),
            ("resource-path", rpath),
        )
        if not value
    ]
    if empty:
        report.add(
            Code.INVALID_URN,
            f"The URN {quote(text)} has an empty {' and '.join(empty)}; only the region may "
            "be empty (global services). Use * to mean any.",
            path,
            node,
        )
        return None
    if services and not has_wildcard(service) and service.casefold() not in services:
        report.add(
            Code.URN_SERVICE_MISMATCH,
            f"The URN {quote(text)} belongs to {quote(service)}, but the statement's actions "
            f"belong to {', '.join(sorted(services))}, so it can never match.",
            path,
            node,
        )
        return None
    # Every problem of the URN is reported at once (a region and a type both wrong), and
    # each certain fix carries the other certain repair, so either gives the whole URN.
    catalog = report.catalog
    unknown_type = (
        catalog.service(service) is not None
        and not has_wildcard(rtype)
        and catalog.resource_type(service, rtype) is None
    )
    names = [r.name for r in catalog.resource_types_of_service(service)] if unknown_type else []
    looked_up = unknown_type and report.lookups.admits(rtype)
    near = (
        report.lookups.find(_type_index(catalog, service), rtype, 0.5, 3)
        if looked_up
        else NOTHING_NEAR
    )
    typed = [*parts[:3], near.certain, parts[4]] if near.certain else parts
    region_ok, certain_region = _check_region(report, text, node, path, typed)
    if unknown_type:
        known = ", ".join(names) if names else "none"
        regioned = _with_region(parts, certain_region).split(":", 4) if certain_region else parts
        fix, choices = resource_type_repairs(regioned, path, near.certain, near.close)
        report.add(
            Code.INVALID_RESOURCE_TYPE,
            f"{service} defines no resource type {quote(rtype)} (it defines: {known})."
            + ("" if looked_up else NOT_LOOKED_UP),
            path,
            node,
            fix=fix,
            suggestions=near.close,
            choices=choices,
        )
        return None
    return tuple(parts) if region_ok else None


def _check_region(
    report: Report, text: str, node: JsonNode, path: str, parts: list[str]
) -> tuple[bool, str]:
    """Report a region part that can never match: (False, the region certainly meant, or
    "") when the URN is in error, (True, "") otherwise. A fix writes `parts` with the
    region repaired.

    Whether a service's URNs need a region is read from the catalog's URN patterns, so a
    global service (`cdn::<account-id>:...`) may leave it empty. Wildcards are allowed.
    The finding marks the region part itself (for an empty one, the two colons around it).
    """
    service, region, _account, rtype, _rest = parts
    catalog = report.catalog

    def span() -> Span | None:  # worked out only for a finding: most URNs have none
        return _region_span(report, text, node, len(service) + 1, len(region))

    if not region:
        if catalog.is_regional(service, rtype) is not True:
            return True, ""
        report.findings.append(
            Finding(
                Code.MISSING_URN_REGION,
                f"The URN {quote(text)} has an empty region, but {service} is a regional "
                f"service (its URNs are {_pattern_of(report, service, rtype)}); Huawei refuses "
                f"it. Write a region such as {REGION_EXAMPLE}, or * for any region.",
                path,
                span(),
                fix=Fix("replace", path, _with_region(parts, "*")),
            )
        )
        return False, "*"
    wildcard = has_wildcard(region)
    if not (REGION_PATTERN_RE if wildcard else REGION_RE).fullmatch(region):
        start = len(service) + 2
        meant, close, note = _respelt_region(report, region)
        with_region = [Fix("replace", path, _with_region(parts, r)) for r in close]
        report.findings.append(
            Finding(
                Code.INVALID_URN_REGION,
                f"The region {quote(region)} (characters {start}-{start + len(region) - 1} of "
                f"the URN {quote(text)}) cannot be a region id: those are lower-case words and "
                f"a number joined by hyphens, like {REGION_EXAMPLE}. A URN with it never "
                f"matches.{note}",
                path,
                span(),
                fix=Fix("replace", path, _with_region(parts, meant)) if meant else None,
                suggestions=(meant,) if meant else close,
                choices=() if meant else tuple(with_region),
            )
        )
        return False, meant
    if catalog.regions and not _known_region(report, region):
        what = "matches no region" if wildcard else "is not a region"
        looked_up = wildcard or report.lookups.admits(region)
        close = (
            report.lookups.find(_region_index(catalog), region, REGION_LIKENESS).close
            if looked_up and not wildcard
            else ()
        )
        report.findings.append(
            Finding(
                Code.UNKNOWN_URN_REGION,
                f"The region {quote(region)} {what} the catalog lists, so the URN "
                f"{quote(text)} may never match. Check the spelling, or add the region to the "
                "catalog." + ("" if looked_up else NOT_LOOKED_UP),
                path,
                span(),
                suggestions=close,
                # A region newer than the list is real: the close ids are choices, never a fix.
                choices=tuple(Fix("replace", path, _with_region(parts, c)) for c in close),
            )
        )
    return True, ""


def _known_region(report: Report, region: str) -> bool:
    if not has_wildcard(region):
        return report.catalog.region(region) is not None
    if region.strip("*") == "":
        return bool(report.catalog.regions)  # `*` matches any region: none is compared
    return any(wildcard_match(region, r) for r in _region_ids(report))


def _region_ids(report: Report) -> list[str]:
    return [r.id for r in report.catalog.regions]


def _region_index(catalog: Catalog) -> NameIndex:
    return catalog_index(catalog.derived, "regions", lambda: (r.id for r in catalog.regions))


def _type_index(catalog: Catalog, service: str) -> NameIndex:
    prefix = service.casefold()
    return catalog_index(
        catalog.derived,
        ("resource types", prefix),
        lambda: (r.name for r in catalog.resource_types_of_service(prefix)),
    )


def _with_region(parts: list[str], region: str) -> str:
    return ":".join([parts[0], region, *parts[2:]])


def _respelt_region(report: Report, region: str) -> tuple[str, tuple[str, ...], str]:
    """The region a malformed one certainly means ("" when none), the close known ids, and
    a note when they were not looked for.

    Respelling lowers the case and joins the words with hyphens (`CN_North 4` -> `cn-north-4`):
    certain when that is a known region (or a pattern matching one; any well-formed id when
    the catalog lists no regions), or when one known id alone is a near miss of it.
    """
    guess = "-".join(w for w in re.split(r"[\s_.-]+", region.lower()) if w)
    well_formed = (REGION_PATTERN_RE if has_wildcard(guess) else REGION_RE).fullmatch(guess)
    if well_formed and (not report.catalog.regions or _known_region(report, guess)):
        return guess, (), ""
    if not report.lookups.admits(guess):
        return "", (), NOT_LOOKED_UP
    found = report.lookups.find(_region_index(report.catalog), guess, REGION_LIKENESS)
    return found.certain, found.close, ""


def _region_span(
    report: Report, text: str, node: JsonNode, offset: int, length: int
) -> Span | None:
    """Where the region part stands in the text; the whole string when escapes hide it.

    An empty region is shown by the two colons around it.
    """
    source = report.parse.text
    if source is None or node.start < 0 or source[node.start + 1 : node.end - 1] != text:
        return report.parse.span_of(node)
    start = node.start + 1 + offset
    if length == 0:
        return report.parse.span(start - 1, start + 1)
    return report.parse.span(start, start + length)


def _pattern_of(report: Report, service: str, rtype: str) -> str:
    for r in report.catalog.resource_types_of_service(service):
        if wildcard_match(rtype, r.name, ignore_case=True):
            return r.urn_pattern
    return f"{service}:<region>:..."


def resource_applies(action: Action, parts: tuple[str, ...]) -> bool:
    """Whether a (pattern) URN can name a resource this action acts on."""
    if parts == ("*",):
        return True
    if not action.supports_resources:
        return False
    if not wildcard_match(parts[0], action.service, ignore_case=True):
        return False
    # a type marked required (`image *`) is the one a specific URN must name
    types = [r for r in action.resource_types if r.required] or action.resource_types
    return any(wildcard_match(parts[3], r.name, ignore_case=True) for r in types)


def _applies_to_any(
    report: Report, pattern: str, actions: tuple[Action, ...], resources: list[tuple[str, ...]]
) -> bool:
    """Whether some resource can apply to some action the pattern names; memoized per
    catalog, since the same (action, resource) pairs come back on every keystroke."""
    memo = report.catalog.derived.setdefault(RESOURCE_APPLIES, {})
    key = (pattern.casefold(), tuple(resources))
    hit = memo.get(key)
    if hit is None:
        hit = any(resource_applies(a, r) for a in actions for r in resources)
        if len(memo) < 20_000:
            memo[key] = hit
    return bool(hit)


def _check_applicability(
    report: Report, statement: Statement, resources: list[tuple[str, ...]]
) -> None:
    if statement.action_element != "Action":
        return
    catalog = report.catalog
    for text, node, path in zip(
        statement.actions, statement.action_nodes, statement.action_paths, strict=True
    ):
        actions = catalog.match_actions(text)
        if not actions:
            continue
        if _applies_to_any(report, text, actions, resources):
            continue
        if all(not a.supports_resources for a in actions):
            report.add(
                Code.UNSUPPORTED_RESOURCE_URN,
                f'{quote(text)} has no resource-level permissions: only "*" applies to it, so '
                'with these URNs the statement never matches it. Add "*" or move it to a '
                'statement with Resource "*".',
                path,
                node,
                fix=_all_resources_fix(report, statement),
            )
        else:
            types = sorted({r.name for a in actions for r in a.resource_types})
            report.add(
                Code.NO_APPLICABLE_RESOURCE,
                f"No resource of this statement applies to {quote(text)}, which acts on "
                f"{', '.join(types)} resources, so the statement never matches it.",
                path,
                node,
            )


def _all_resources_fix(report: Report, statement: Statement) -> Fix | None:
    """Resource "*" is certain only when no action of the statement can take a URN."""
    if statement.resource_element != "Resource":
        return None
    catalog = report.catalog
    for text in statement.actions:
        matched = catalog.match_actions(text)
        if not matched or any(a.supports_resources for a in matched):
            return None
    return Fix("replace", pointer("Statement", statement.index, "Resource"), ["*"])


def resource_type_repairs(
    parts: list[str], path: str, certain: str, close: tuple[str, ...]
) -> tuple[Fix | None, tuple[Fix, ...]]:
    """The URN with a near-miss resource type replaced: a fix when the type is certain
    (see near_miss), otherwise one choice per close type."""

    def with_type(name: str) -> str:
        return ":".join([*parts[:3], name, parts[4]])

    if certain:
        return Fix("replace", path, with_type(certain)), ()
    return None, tuple(Fix("replace", path, with_type(name)) for name in close)
