"""Canonical JSON for policies: pretty for people, minified for the size quota.

Both keep the policy's elements in the conventional order (Version, Statement; Sid,
Effect, Action, ..., Condition), so exports are stable and diffs small.
"""

from __future__ import annotations

import json
from typing import Any

from scpstudio.engine.errors import EngineInputError

_TOP_ORDER = ("Version", "Statement")
_STATEMENT_ORDER = (
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
)


def _ordered(obj: dict[str, Any], order: tuple[str, ...]) -> dict[str, Any]:
    out = {k: obj[k] for k in order if k in obj}
    out.update((k, v) for k, v in obj.items() if k not in out)
    return out


def canonical(value: Any) -> Any:
    """The policy with its elements in the conventional order; other values unchanged."""
    if not isinstance(value, dict):
        return value
    top = _ordered(value, _TOP_ORDER)
    statements = top.get("Statement")
    if isinstance(statements, dict):
        top["Statement"] = _ordered(statements, _STATEMENT_ORDER)
    elif isinstance(statements, list):
        top["Statement"] = [
            _ordered(s, _STATEMENT_ORDER) if isinstance(s, dict) else s for s in statements
        ]
    return top


def to_pretty(value: Any) -> str:
    """Canonical pretty JSON: two-space indent, elements in the conventional order."""
    return _dumps(canonical(value), indent=2)


def to_minified(value: Any) -> str:
    """Canonical JSON without insignificant whitespace: what the size quota counts."""
    return _dumps(canonical(value), separators=(",", ":"))


def _dumps(value: Any, **layout: Any) -> str:
    # NaN and Infinity are not JSON: no export may hold them (json.dumps would write them).
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False, **layout)
    except ValueError as exc:
        raise EngineInputError(
            "The policy holds a number that is not finite (NaN or infinity), which JSON "
            "cannot write."
        ) from exc
