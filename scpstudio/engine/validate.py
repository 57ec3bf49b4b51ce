"""Validation: a policy (text or decoded value) to findings, under a rule profile.

This module checks the document's shape and each statement's elements; the
actions, resources, conditions and cross-statement checks live in their own
modules. Validation never raises: every problem is a finding.
"""

from __future__ import annotations

import re
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
    to_minified,
)
from scpstudio.engine.findings import Code, Finding, Fix, Severity, pointer, sort_and_dedupe
from scpstudio.engine.policy import EFFECTS, Policy, Statement, compile_policy
from scpstudio.engine.profiles import Profile, get_profile
from scpstudio.engine.report import Report, quote
from scpstudio.engine.validate_actions import check_actions
from scpstudio.engine.validate_conditions import check_conditions
from scpstudio.engine.validate_resources import check_resources
from scpstudio.engine.validate_semantics import check_semantics

TOP_ELEMENTS = ("Version", "Statement")
STATEMENT_ELEMENTS = (
    "Sid",
    "Effect",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
)
PRINCIPALS = ("Principal", "NotPrincipal")
VERSION = "5.0"
_SID = re.compile(r"[A-Za-z0-9]+")


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
    if parsed.has_duplicates:
        _check_duplicates(report, root, "")
    minified = to_minified(parsed.value())
    size = PolicySize(
        len(parsed.text) if parsed.text is not None else len(minified), len(minified), prof.max_size
    )
    _check_size(report, size)
    if not isinstance(root, JsonObject):
        report.add(
            Code.INVALID_POLICY_ELEMENT,
            f"A policy is a JSON object with Version and Statement, not {_a(root)}.",
            "",
            root,
        )
    else:
        _check_top(report, root)
        _check_statements(report, root, policy)
        check_semantics(report, policy)
    findings = tuple(sort_and_dedupe(report.findings))
    return ValidationResult(findings, size, prof.name, parsed, policy)


def _a(node: JsonNode) -> str:
    name = node.type_name
    return ("an " if name[0] in "aeiou" else "a ") + name


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
            "Statement" + _case_hint(m.key, TOP_ELEMENTS) + ".",
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
            fix=None if _has_key_case(root, "Version") else Fix("add", "/Version", VERSION),
        )
    elif not (isinstance(version.value, JsonScalar) and version.value.value == VERSION):
        written = version.value.value if isinstance(version.value, JsonScalar) else None
        certain = written in (5, 5.0, "5", "5.0 ")
        shown = quote(written) if isinstance(version.value, JsonScalar) else _a(version.value)
        report.add(
            Code.INVALID_VERSION,
            f"Version is {shown}"
            ', but it must be "5.0"; "1.1" is a different, older policy language with its own '
            "grammar, which SCPs do not accept.",
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
                    f"Each statement must be a JSON object, not {_a(item)}.",
                    pointer("Statement", i),
                    item,
                )
    elif not isinstance(value, JsonObject):
        report.add(
            Code.INVALID_POLICY_ELEMENT,
            f"Statement must be an object or an array of objects, not {_a(value)}.",
            "/Statement",
            value,
        )


def _has_key_case(obj: JsonObject, key: str) -> bool:
    return any(m.key.casefold() == key.casefold() for m in obj.members)


def _case_hint(key: str, known: tuple[str, ...]) -> str:
    for name in known:
        if name.casefold() == key.casefold():
            return f" (element names are case-sensitive: {name})"
    return ""


def _check_statements(report: Report, root: JsonObject, policy: Policy) -> None:
    sids: dict[str, int] = {}
    for statement in policy.statements:
        node = statement.node
        assert node is not None
        _check_elements(report, statement, node)
        check_actions(report, statement)
        check_resources(report, statement)
        check_conditions(report, statement)
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


def _check_elements(report: Report, statement: Statement, node: JsonObject) -> None:
    i = statement.index
    profile = report.profile
    for m in node.members:
        if m.key in STATEMENT_ELEMENTS:
            continue
        if m.key in PRINCIPALS:
            report.add(
                Code.UNSUPPORTED_PRINCIPAL,
                f"{m.key} is not supported in SCPs or identity policies: they apply to the "
                "entities they are attached to.",
                pointer("Statement", i, m.key),
                m,
            )
            continue
        hint = _case_hint(m.key, STATEMENT_ELEMENTS)
        fixed = hint.rsplit(": ", 1)[-1][:-1] if hint else ""
        report.add(
            Code.INVALID_POLICY_ELEMENT,
            f'"{m.key}" is not a statement element{hint}.',
            pointer("Statement", i, m.key),
            m,
            fix=Fix(
                "move", pointer("Statement", i, fixed), from_path=pointer("Statement", i, m.key)
            )
            if fixed and node.get(fixed) is None
            else None,
        )
    sid = node.get("Sid")
    if sid is not None:
        value = sid.value
        if not (isinstance(value, JsonScalar) and isinstance(value.value, str)):
            report.add(
                Code.INVALID_POLICY_ELEMENT,
                f"Sid must be a string, not {_a(value)}.",
                pointer("Statement", i, "Sid"),
                value,
            )
        elif not _SID.fullmatch(value.value):
            report.add(
                Code.INVALID_SID,
                f"The Sid {quote(value.value)} should use only letters and digits.",
                pointer("Statement", i, "Sid"),
                value,
            )
    effect = node.get("Effect")
    effect_path = pointer("Statement", i, "Effect")
    if effect is None:
        report.add(
            Code.MISSING_EFFECT, f"Statement {i} has no Effect (Allow or Deny).", effect_path, node
        )
    elif not (isinstance(effect.value, JsonScalar) and isinstance(effect.value.value, str)):
        report.add(
            Code.INVALID_POLICY_ELEMENT,
            f'Effect must be the string "Allow" or "Deny", not {_a(effect.value)}.',
            effect_path,
            effect.value,
        )
    elif effect.value.value not in EFFECTS:
        written = effect.value.value
        cased = next((e for e in EFFECTS if e.casefold() == written.strip().casefold()), None)
        report.add(
            Code.INVALID_EFFECT,
            f'Effect is {quote(written)}; it must be "Allow" or "Deny" (case-sensitive).',
            effect_path,
            effect.value,
            fix=Fix("replace", effect_path, cased) if cased else None,
        )
    elif written_allow(statement):
        _check_allow(report, statement, node)
    if (
        profile.is_scp
        and statement.not_action
        and (profile.notaction == "error" or statement.effect == "Allow")
    ):
        report.add(
            Code.SCP_NOTACTION_NOT_SUPPORTED,
            "NotAction is not accepted by the "
            + (
                f"{profile.name} rules."
                if profile.notaction == "error"
                else f"{profile.name} rules with Allow; use it only with Deny."
            ),
            pointer("Statement", i, "NotAction"),
            node.get("NotAction"),
        )
    if statement.not_action and statement.effect == "Allow":
        report.add(
            Code.ALLOW_WITH_NOTACTION,
            "Allow with NotAction allows every action not listed, including those of every "
            "other service and any added later.",
            pointer("Statement", i, "NotAction"),
            node.get("NotAction"),
        )
    if statement.not_resource and not profile.notresource_allowed:
        report.add(
            Code.SCP_NOTRESOURCE_NOT_SUPPORTED,
            f"NotResource is not accepted by the {profile.name} rules.",
            pointer("Statement", i, "NotResource"),
            node.get("NotResource"),
        )


def written_allow(statement: Statement) -> bool:
    return statement.effect == "Allow"


def _check_allow(report: Report, statement: Statement, node: JsonObject) -> None:
    profile = report.profile
    i = statement.index
    path = pointer("Statement", i, "Effect")
    effect = node.get("Effect")
    if profile.allow_effect == "error":
        report.add(
            Code.SCP_ALLOW_NOT_SUPPORTED,
            f'Effect "Allow" is not accepted in a custom SCP under the {profile.name} rules: '
            "custom SCPs may only deny (FullAccess already allows).",
            path,
            effect.value if effect else None,
        )
    elif profile.allow_effect == "restricted":
        resource = node.get("Resource") or node.get("NotResource")
        if resource is not None and not (
            statement.resource_element == "Resource" and statement.resources == ("*",)
        ):
            report.add(
                Code.SCP_ALLOW_RESOURCE,
                f'An Allow statement in an SCP must have Resource "*" under the {profile.name} '
                "rules.",
                pointer("Statement", i, resource.key),
                resource.value,
                fix=Fix("replace", pointer("Statement", i, "Resource"), "*")
                if resource.key == "Resource"
                else None,
            )
        condition = node.get("Condition")
        if condition is not None:
            report.add(
                Code.SCP_ALLOW_CONDITION,
                f"An Allow statement in an SCP cannot have a Condition under the "
                f"{profile.name} rules.",
                pointer("Statement", i, "Condition"),
                condition,
            )
