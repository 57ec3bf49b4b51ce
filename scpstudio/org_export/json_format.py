"""Our own JSON format for an organization: `org_json(description) -> str` and
`read_org_json(text) -> OrgDescription`, round trip identical (reading what `org_json`
wrote and writing it again gives the same text, and the same description).

Version 1 (docs/organization-format.md says it in full):

    {
      "format": "scpstudio-organization",
      "version": 1,
      "nodes": [{"id", "type": "root"|"ou"|"account", "name", "parent", "huawei_id",
                 "management"}],
      "policies": [{"id", "policy", "name", "description", "builtin", "huawei_id", "version",
                    "text"}],
      "attachments": [{"node", "policy", "pinned"}]
    }

Every field is written, in this order, two-space indented, UTF-8 (non-ASCII characters as
themselves), with a final newline. A reader of a later version refuses this one's files
only if the version number says it cannot read them; this reader reads version 1 only.
"""

from __future__ import annotations

import json
from typing import Any

from scpstudio.org_export.description import (
    ExportAttachment,
    ExportError,
    ExportNode,
    ExportPolicy,
    OrgDescription,
)

FORMAT = "scpstudio-organization"
VERSION = 1
MAX_CHARS = 50 * 1024 * 1024  # a file of this format read at all
MAX_NODES = 20_000
MAX_POLICIES = 5_000
MAX_ATTACHMENTS = 100_000


def org_json(description: OrgDescription) -> str:
    """The organization in our JSON format (ExportError for what `check()` refuses)."""
    description.check()
    value = {
        "format": FORMAT,
        "version": VERSION,
        "nodes": [
            {"id": n.id, "type": n.type, "name": n.name, "parent": n.parent,
             "huawei_id": n.huawei_id, "management": n.management}
            for n in description.nodes
        ],
        "policies": [
            {"id": p.id, "policy": p.policy, "name": p.name, "description": p.description,
             "builtin": p.builtin, "huawei_id": p.huawei_id, "version": p.version,
             "text": p.text}
            for p in description.policies
        ],
        "attachments": [
            {"node": a.node, "policy": a.policy, "pinned": a.pinned}
            for a in description.attachments
        ],
    }  # fmt: skip
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def read_org_json(text: str) -> OrgDescription:
    """A description from our JSON format; ExportError with a sentence naming the place of
    whatever is not as documented."""
    if len(text) > MAX_CHARS:
        raise ExportError(f"The file has {len(text):,} characters; at most {MAX_CHARS:,} are read.")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ExportError(
            f"The file is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})."
        ) from exc
    except (ValueError, RecursionError) as exc:
        raise ExportError("The file is not valid JSON.") from exc
    if not isinstance(value, dict) or value.get("format") != FORMAT:
        raise ExportError(f'The file is not an organization of SCP Studio ("format": "{FORMAT}").')
    version = value.get("version")
    if version != VERSION:
        raise ExportError(
            f"The file is of version {version!r} of the format; this installation reads version "
            f"{VERSION}."
        )
    nodes = [_node(item, f"nodes[{i}]") for i, item in enumerate(_list(value, "nodes", MAX_NODES))]
    policies = [
        _policy(item, f"policies[{i}]")
        for i, item in enumerate(_list(value, "policies", MAX_POLICIES))
    ]
    attachments = [
        ExportAttachment(
            _str(item, "node", at), _str(item, "policy", at), _bool(item, "pinned", at)
        )
        for i, item in enumerate(_list(value, "attachments", MAX_ATTACHMENTS))
        for at in [f"attachments[{i}]"]
    ]
    description = OrgDescription(tuple(nodes), tuple(policies), tuple(attachments))
    description.check()
    return description


def _list(value: dict[str, Any], field: str, limit: int) -> list[dict[str, Any]]:
    found = value.get(field)
    if not isinstance(found, list):
        raise ExportError(f'"{field}" must be a list.')
    if len(found) > limit:
        raise ExportError(f'"{field}" has {len(found):,} entries; at most {limit:,} are read.')
    for i, item in enumerate(found):
        if not isinstance(item, dict):
            raise ExportError(f"{field}[{i}] must be an object.")
    return found


def _str(item: dict[str, Any], field: str, at: str, *, empty: bool = False) -> str:
    value = item.get(field)
    if not isinstance(value, str) or (not empty and not value):
        raise ExportError(f'{at}: "{field}" must be a{"" if empty else " non-empty"} string.')
    return value


def _bool(item: dict[str, Any], field: str, at: str) -> bool:
    value = item.get(field)
    if not isinstance(value, bool):
        raise ExportError(f'{at}: "{field}" must be true or false.')
    return value


def _node(item: dict[str, Any], at: str) -> ExportNode:
    parent = item.get("parent")
    if parent is not None and not isinstance(parent, str):
        raise ExportError(f'{at}: "parent" must be a string or null.')
    return ExportNode(
        _str(item, "id", at), _str(item, "type", at), _str(item, "name", at), parent,
        _str(item, "huawei_id", at, empty=True), _bool(item, "management", at),
    )  # fmt: skip


def _policy(item: dict[str, Any], at: str) -> ExportPolicy:
    version = item.get("version")
    if version is not None and (isinstance(version, bool) or not isinstance(version, int)):
        raise ExportError(f'{at}: "version" must be a whole number or null.')
    return ExportPolicy(
        _str(item, "id", at), _str(item, "name", at), _str(item, "text", at),
        _str(item, "description", at, empty=True), _bool(item, "builtin", at),
        _str(item, "huawei_id", at, empty=True), version, _str(item, "policy", at, empty=True),
    )  # fmt: skip
