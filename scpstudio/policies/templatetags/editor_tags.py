"""Small template helpers for the editor."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def lookup(mapping: Any, key: Any) -> Any:
    """`mapping[key]`, or an empty list when it is missing."""
    try:
        return mapping.get(key, [])
    except AttributeError:
        return []


@register.filter
def percent(part: int | None, whole: int | None) -> int:
    if not part or not whole:
        return 0
    return min(100, round(100 * part / whole))


SEVERITY_LABELS = {
    "error": "Error",
    "security_warning": "Security warning",
    "warning": "Warning",
    "suggestion": "Suggestion",
}


@register.filter
def severity_label(severity: Any) -> str:
    return SEVERITY_LABELS.get(str(severity), str(severity))


@register.filter
def fix_label(fix: Any) -> str:
    from scpstudio.policies.editor_context import describe_fix

    return describe_fix(fix)
