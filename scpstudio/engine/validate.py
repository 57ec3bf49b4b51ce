"""Validation: a policy (text or decoded value) to findings, under a rule profile.

This module checks the document's shape and each statement's elements; the
actions, resources, conditions and cross-statement checks live in their own
modules. Validation never raises: every problem is a finding.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scpstudio.engine.catalog import Catalog
from scpstudio.engine.document import (
    JsonArray,
    JsonNode,
    JsonObject,
    JsonScalar,
    ParseResult,
    parse_policy,
)
from scpstudio.engine.findings import Code, Finding, Fix, Severity, pointer, sort_and_dedupe
from scpstudio.engine.limits import minified_size, policy_limit_problem
from scpstudio.engine.near_miss import LookupKey, checked_alone_as_whole
from scpstudio.engine.policy import Policy, Statement, compile_policy, statement_pieces
from scpstudio.engine.profiles import Profile, get_profile
from scpstudio.engine.report import Report, quote
from scpstudio.engine.statement_memory import KeptFindings, catalog_serial, spans_within
from scpstudio.engine.validate_actions import check_actions
from scpstudio.engine.validate_conditions import check_conditions
from scpstudio.engine.validate_resources import check_resources
from scpstudio.engine.validate_semantics import check_semantics
from scpstudio.engine.validate_statement import (
    PRINCIPALS,
    a_type,
    case_hint,
    check_elements,
    has_key_case,
)

TOP_ELEMENTS = ("Version", "Statement")
VERSION = "5.0"


@dataclass(frozen=True, slots=True)
class PolicySize:
    characters: int
    minified_characters: int | None
    limit: int

    def to_json(self) -> dict[str, Any]:
        return {
            "characters": self.characters,
            "minified_characters": self.minified_characters,
            "limit": self.limit,
        }


@dataclass(frozen=True, slots=True)
class ValidationResult:
    findings: tuple[Finding, ...]
    size: PolicySize
    profile: str
    parse: ParseResult
    policy: Policy

    @property
    def has_errors(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.findings)

    def at_or_above(self, severity: Severity) -> list[Finding]:
        return [f for f in self.findings if f.severity.rank >= severity.rank]

    def to_json(self) -> dict[str, Any]:
        return {
            "profile": self.profile,
            "valid": not self.has_errors,
            "findings": [f.to_json() for f in self.findings],
            "size": self.size.to_json(),
        }


def validate_policy(
    source: Any, catalog: Catalog, profile: str | Profile = "scp"
) -> ValidationResult:
    """Validate JSON text, a decoded JSON value or a `ParseResult`; never raises."""
    prof = get_profile(profile)
    parsed = source if isinstance(source, ParseResult) else parse_policy(source)
    report = Report(parsed, catalog, prof)
    policy = compile_policy(parsed, catalog)
    if parsed.error is not None:
        size = PolicySize(len(parsed.text or ""), None, prof.max_size)
        return ValidationResult((parsed.error,), size, prof.name, parsed, policy)
    root = parsed.root
    assert root is not None
    # The size is worked out even past a limit (it is linear, like the parse already
    # done): a policy too large to read still hears how far over its quota it is.
    minified = minified_size(parsed)
    size = PolicySize(
        len(parsed.text) if parsed.text is not None else minified, minified, prof.max_size
    )
    _check_size(report, size)
    limit = policy_limit_problem(parsed)
    if limit is not None:
        report.add(Code.POLICY_LIMIT_EXCEEDED, limit.message, limit.path, limit.node)
        findings = tuple(sort_and_dedupe(report.findings))
        return ValidationResult(findings, size, prof.name, parsed, policy)
    if parsed.has_duplicates:
        _check_duplicates(report, root, "")
    if not isinstance(root, JsonObject):
        report.add(
            Code.INVALID_POLICY_ELEMENT,
            f"A policy is a JSON object with Version and Statement, not {a_type(root)}.",
            "",
            root,
        )
    else:
        _check_top(report, root)
        _check_statements(report, root, policy)
        check_semantics(report, policy)
    report.close("policy")
    findings = tuple(sort_and_dedupe(report.findings))
    return ValidationResult(findings, size, prof.name, parsed, policy)


def _check_duplicates(report: Report, node: JsonNode, path: str) -> None:
    if isinstance(node, JsonObject):
        for m in node.duplicates():
            report.add(
                Code.DUPLICATE_KEY,
                f'The key "{m.key}" appears more than once in this object; JSON readers '
                "silently keep only the last one.",
                path + pointer(m.key),
                m,
            )
        for m in node.members:
            _check_duplicates(report, m.value, path + pointer(m.key))
    elif isinstance(node, JsonArray):
        for i, item in enumerate(node.items):
            _check_duplicates(report, item, path + pointer(i))


def _check_size(report: Report, size: PolicySize) -> None:
    limit = size.limit
    minified = size.minified_characters or 0
    if minified > limit:
        report.add(
            Code.POLICY_SIZE_EXCEEDS_QUOTA,
            f"The policy has {minified} characters even minified, over the "
            f"{report.profile.name} limit of {limit}.",
            "",
            report.parse.root,
        )
    elif size.characters > limit:
        report.add(
            Code.POLICY_SIZE_NEEDS_MINIFYING,
            f"The policy has {size.characters} characters as written, over the limit of "
            f"{limit}; minified it has {minified} and fits.",
            "",
            report.parse.root,
        )


def _check_top(report: Report, root: JsonObject) -> None:
    for m in root.members:
        if m.key in TOP_ELEMENTS:
            continue
        if m.key in PRINCIPALS:
            report.add(
                Code.UNSUPPORTED_PRINCIPAL,
                f"{m.key} is not supported: SCPs and identity policies apply to the entities "
                "they are attached to.",
                pointer(m.key),
                m,
            )
            continue
        report.add(
            Code.INVALID_POLICY_ELEMENT,
            f'"{m.key}" is not a policy element: the top level holds only Version and '
            "Statement" + case_hint(m.key, TOP_ELEMENTS) + ".",
            pointer(m.key),
            m,
        )
    version = root.get("Version")
    if version is None:
        report.add(
            Code.MISSING_VERSION,
            'The policy has no Version; it must be "5.0".',
            "/Version",
            root,
            fix=None if has_key_case(root, "Version") else Fix("add", "/Version", VERSION),
        )
    elif not (isinstance(version.value, JsonScalar) and version.value.value == VERSION):
        written = version.value.value if isinstance(version.value, JsonScalar) else None
        certain = written in (5, 5.0, "5", "5.0 ")
        shown = quote(written) if isinstance(version.value, JsonScalar) else a_type(version.value)
        report.add(
            Code.INVALID_VERSION,
            f"Version is {shown}"
            ', but it must be "5.0"; "1.1" is a different, older policy language with its own '
            "grammar, which SCPs and IAM 5.0 identity policies do not accept.",
            "/Version",
            version.value,
            fix=Fix("replace", "/Version", VERSION) if certain else None,
        )
    statement = root.get("Statement")
    if statement is None:
        report.add(Code.MISSING_STATEMENT, "The policy has no Statement.", "/Statement", root)
        return
    value = statement.value
    if isinstance(value, JsonArray):
        if not value.items:
            report.add(Code.MISSING_STATEMENT, "Statement is an empty array.", "/Statement", value)
        for i, item in enumerate(value.items):
            if not isinstance(item, JsonObject):
                report.add(
                    Code.INVALID_POLICY_ELEMENT,
                    f"Each statement must be a JSON object, not {a_type(item)}.",
                    pointer("Statement", i),
                    item,
                )
    elif not isinstance(value, JsonObject):
        report.add(
            Code.INVALID_POLICY_ELEMENT,
            f"Statement must be an object or an array of objects, not {a_type(value)}.",
            "/Statement",
            value,
        )


def _check_statements(report: Report, root: JsonObject, policy: Policy) -> None:
    own = _kept_own_findings(report, root, policy)
    sids: dict[str, int] = {}
    for statement in policy.statements:
        node = statement.node
        assert node is not None
        if own is not None:
            found, omitted = own[statement.index]
            report.findings.extend(found)
            report.omitted.extend(omitted)
        else:
            with report.part("statement"):
                _check_own(report, statement, node)
        sid = statement.sid
        if sid is not None:
            sid_member = node.get("Sid")
            if sid in sids:
                report.add(
                    Code.DUPLICATE_SID,
                    f'The Sid "{sid}" is already used by statement {sids[sid]}; each Sid '
                    "should name one statement.",
                    pointer("Statement", statement.index, "Sid"),
                    sid_member.value if sid_member else None,
                )
            else:
                sids[sid] = statement.index


def _check_own(report: Report, statement: Statement, node: JsonObject) -> None:
    """The checks of one statement alone (what the statement memory keeps)."""
    check_elements(report, statement, node)
    check_actions(report, statement)
    check_resources(report, statement)
    check_conditions(report, statement)


def _kept_own_findings(
    report: Report, root: JsonObject, policy: Policy
) -> dict[int, tuple[list[Finding], tuple[tuple[Code, str], ...]]] | None:
    """Each statement's own findings (and those left out, by code and path), from the
    statement memory where the parse took the statement from there, else worked out alone
    and kept; None when they must be worked out in the policy's run: a statement not in the
    memory, or statements whose near-miss lookups, made alone, the whole policy would have
    bounded differently (`checked_alone_as_whole`)."""
    member = root.get("Statement")
    pieces = statement_pieces(report.parse, member.value) if member is not None else None
    if pieces is None:
        return None
    serial = catalog_serial(report.catalog)
    own: dict[int, tuple[list[Finding], tuple[tuple[Code, str], ...]]] = {}
    lookups: list[tuple[frozenset[str], dict[LookupKey, int]]] = []
    for statement in policy.statements:
        piece = pieces[statement.index]
        node = statement.node
        if piece is None or node is None:
            return None
        base = report.parse.position(node.start)
        key = ("findings", serial, statement.index, report.profile)
        kept: KeptFindings | None = piece.kept_value(key)
        if kept is None:
            alone = report.alone()
            with alone.part("statement"):
                _check_own(alone, statement, node)
            kept = KeptFindings(
                alone.findings, base, alone.lookups.admitted, alone.lookups.costs, alone.omitted
            )
            if spans_within(alone.findings, node.start, node.end):
                piece.keep(key, kept)
        own[statement.index] = (kept.at(base), kept.omitted)
        lookups.append((kept.looked_up, kept.costs))
    if not checked_alone_as_whole(lookups):
        return None
    return own
