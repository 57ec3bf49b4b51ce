"""Which saved policies use a catalog name, so a catalog sync can say whom a removal hurts.

The catalog app may not import this one (import-linter): it finds this function through the
setting `CATALOG_USAGE_FINDER`. A policy uses what its latest version names literally: an
action (in Action or NotAction), a condition key, or a resource type (`svc:type`, the
service and type parts of a URN). A wildcard names no one thing, so it is not counted.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import F

from scpstudio.policies.models import PolicyVersion


def policies_naming(names: Iterable[str]) -> dict[str, list[str]]:
    """Case-folded name -> the saved policies (name and owner) whose latest version uses it."""
    wanted = {n.casefold() for n in names}
    found: dict[str, list[str]] = {}
    if not wanted:
        return found
    latest = (
        PolicyVersion.objects.filter(number=F("policy__latest_version"))
        .select_related("policy__owner")
        .order_by("policy__name", "policy_id")
        .only("document", "policy__name", "policy__owner__username")
    )
    for version in latest.iterator(chunk_size=200):
        label = f"{version.policy.name} ({version.policy.owner.get_username()})"
        for name in sorted(set(_names_used(version.document)) & wanted):
            found.setdefault(name, []).append(label)
    return found


def _names_used(text: str) -> Iterator[str]:
    try:
        document = json.loads(text)
    except ValueError:
        return
    statements = document.get("Statement") if isinstance(document, dict) else None
    if isinstance(statements, dict):
        statements = [statements]
    for statement in statements if isinstance(statements, list) else []:
        if isinstance(statement, dict):
            yield from _statement_names(statement)


def _statement_names(statement: dict[str, Any]) -> Iterator[str]:
    for element in ("Action", "NotAction"):
        for action in _strings(statement.get(element)):
            if "*" not in action and "?" not in action:
                yield action.casefold()
    for element in ("Resource", "NotResource"):
        for urn in _strings(statement.get(element)):
            parts = urn.split(":", 4)
            if len(parts) == 5 and not any(c in parts[0] + parts[3] for c in "*?"):
                yield f"{parts[0]}:{parts[3]}".casefold()
    condition = statement.get("Condition")
    if isinstance(condition, dict):
        for keys in condition.values():
            if isinstance(keys, dict):
                yield from (k.casefold() for k in keys if isinstance(k, str))


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []
