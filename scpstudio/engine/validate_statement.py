"""Checks of one statement's own elements: names, Sid, Effect, and the profile's rules."""

from __future__ import annotations

import re

from scpstudio.engine.document import JsonNode, JsonObject, JsonScalar
from scpstudio.engine.findings import Code, Fix, pointer
from scpstudio.engine.policy import EFFECTS, Statement
from scpstudio.engine.report import Report, quote

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
_SID = re.compile(r"[A-Za-z0-9]+")


def a_type(node: JsonNode) -> str:
    name = node.type_name
    return ("an " if name[0] in "aeiou" else "a ") + name


def has_key_case(obj: JsonObject, key: str) -> bool:
    return any(m.key.casefold() == key.casefold() for m in obj.members)


def known_spelling(key: str, known: tuple[str, ...]) -> str:
    """The element name `key` is a case variant of, or ""."""
    return next((name for name in known if name.casefold() == key.casefold()), "")


def case_hint(key: str, known: tuple[str, ...]) -> str:
    spelling = known_spelling(key, known)
    return f" (element names are case-sensitive: {spelling})" if spelling else ""


def check_elements(report: Report, statement: Statement, node: JsonObject) -> None:
    """Element names, Sid, Effect, and which elements the rule profile accepts."""
    _check_names(report, statement, node)
    _check_sid(report, statement, node)
    if _check_effect(report, statement, node) and statement.effect == "Allow":
        _check_allow(report, statement, node)
    _check_profile_elements(report, statement, node)


def _check_names(report: Report, statement: Statement, node: JsonObject) -> None:
    i = statement.index
    for m in node.members:
        if m.key in STATEMENT_ELEMENTS:
            continue
        path = pointer("Statement", i, m.key)
        if m.key in PRINCIPALS:
            report.add(
                Code.UNSUPPORTED_PRINCIPAL,
                f"{m.key} is not supported in SCPs or identity policies: they apply to the "
                "entities they are attached to.",
                path,
                m,
            )
            continue
        spelling = known_spelling(m.key, STATEMENT_ELEMENTS)
        rename = None
        if spelling and node.get(spelling) is None:
            rename = Fix("move", pointer("Statement", i, spelling), from_path=path)
        report.add(
            Code.INVALID_POLICY_ELEMENT,
            f'"{m.key}" is not a statement element{case_hint(m.key, STATEMENT_ELEMENTS)}.',
            path,
            m,
            fix=rename,
        )


def _check_sid(report: Report, statement: Statement, node: JsonObject) -> None:
    sid = node.get("Sid")
    if sid is None:
        return
    path = f"/Statement/{statement.index}/Sid"
    value = sid.value
    if not (isinstance(value, JsonScalar) and isinstance(value.value, str)):
        report.add(
            Code.INVALID_POLICY_ELEMENT, f"Sid must be a string, not {a_type(value)}.", path, value
        )
    elif not _SID.fullmatch(value.value):
        report.add(
            Code.INVALID_SID,
            f"The Sid {quote(value.value)} should use only letters and digits.",
            path,
            value,
        )


def _check_effect(report: Report, statement: Statement, node: JsonObject) -> bool:
    """Report a missing or wrong Effect; True when it is "Allow" or "Deny"."""
    i = statement.index
    effect = node.get("Effect")
    path = f"/Statement/{i}/Effect"
    if effect is None:
        report.add(Code.MISSING_EFFECT, f"Statement {i} has no Effect (Allow or Deny).", path, node)
        return False
    value = effect.value
    if not (isinstance(value, JsonScalar) and isinstance(value.value, str)):
        report.add(
            Code.INVALID_POLICY_ELEMENT,
            f'Effect must be the string "Allow" or "Deny", not {a_type(value)}.',
            path,
            value,
        )
        return False
    if value.value in EFFECTS:
        return True
    cased = next((e for e in EFFECTS if e.casefold() == value.value.strip().casefold()), None)
    report.add(
        Code.INVALID_EFFECT,
        f'Effect is {quote(value.value)}; it must be "Allow" or "Deny" (case-sensitive).',
        path,
        value,
        fix=Fix("replace", path, cased) if cased else None,
    )
    return False


def _check_profile_elements(report: Report, statement: Statement, node: JsonObject) -> None:
    profile = report.profile
    i = statement.index
    if statement.not_action and profile.is_scp:
        if profile.notaction == "error":
            reason = f"NotAction is not accepted by the {profile.name} rules."
        elif statement.effect == "Allow":
            reason = f"NotAction is accepted by the {profile.name} rules only with Deny."
        else:
            reason = ""
        if reason:
            report.add(
                Code.SCP_NOTACTION_NOT_SUPPORTED,
                reason,
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


def _check_allow(report: Report, statement: Statement, node: JsonObject) -> None:
    """What the profile says of Allow: forbidden (scp) or only unconditional on "*" (scp-2024)."""
    profile = report.profile
    i = statement.index
    effect = node.get("Effect")
    if profile.allow_effect == "error":
        report.add(
            Code.SCP_ALLOW_NOT_SUPPORTED,
            f'Effect "Allow" is not accepted in a custom SCP under the {profile.name} rules: '
            "custom SCPs may only deny (FullAccess already allows).",
            f"/Statement/{i}/Effect",
            effect.value if effect else None,
        )
    if profile.allow_effect != "restricted":
        return
    resource = node.get("Resource") or node.get("NotResource")
    if resource is not None and not (
        statement.resource_element == "Resource" and statement.resources == ("*",)
    ):
        report.add(
            Code.SCP_ALLOW_RESOURCE,
            f'An Allow statement in an SCP must have Resource "*" under the {profile.name} rules.',
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
            f"An Allow statement in an SCP cannot have a Condition under the {profile.name} rules.",
            pointer("Statement", i, "Condition"),
            condition,
        )
