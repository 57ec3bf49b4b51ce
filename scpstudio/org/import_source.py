"""What an import asks the organization to become, whatever it was read from: the tree,
the saved policies (each with its texts, oldest first) and the attachments.

* `from_huawei(snapshot)`: Huawei Organizations read live or from saved answers
  (`org_import`). Each service control policy is one text; Huawei's FullAccess is our
  built-in FullAccess; the management account is the one Huawei's root URN names
  (`organizations::<management account id>:root:...`).
* `from_export(description)`: our JSON format (`org_export.read_org_json`), whose
  policies keep every version (see `exporting`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from scpstudio.org.models import FULL_ACCESS
from scpstudio.org.rules import OrgInputError
from scpstudio.org_export import ExportError, OrgDescription, read_org_json
from scpstudio.org_import import OrgImportError, OrgSnapshot, fetch_org, org_client, read_org_files
from scpstudio.refusals import Refusal

_MANAGEMENT_IN_URN = re.compile(r"^organizations::([0-9a-zA-Z]+):root:")


@dataclass(frozen=True, slots=True)
class WantedNode:
    key: str  # the source's id, which `parent` and attachments name
    kind: str  # root, ou, account
    name: str
    parent: str | None
    huawei_id: str = ""
    management: bool | None = False  # None: the source does not say (left as it is)


@dataclass(frozen=True, slots=True)
class WantedPolicy:
    key: str
    name: str
    description: str
    huawei_id: str
    texts: tuple[str, ...]  # its versions, oldest first; the last is its latest


@dataclass(frozen=True, slots=True)
class WantedAttachment:
    node: str
    policy: str | None  # a WantedPolicy's key; None for FullAccess
    version: int | None = None  # pinned to texts[version - 1]; None: follows the latest


@dataclass(frozen=True, slots=True)
class WantedOrg:
    source: str  # in words, for sentences: "Huawei Organizations", "organization.json"
    nodes: tuple[WantedNode, ...]  # the root first, each node after its parent
    policies: tuple[WantedPolicy, ...]
    attachments: tuple[WantedAttachment, ...]
    notes: tuple[str, ...] = ()  # what was read and left out, in sentences


def from_huawei(snapshot: OrgSnapshot, source: str = "Huawei Organizations") -> WantedOrg:
    found = _MANAGEMENT_IN_URN.match(snapshot.root.urn)
    management_id = found.group(1) if found else None
    ids = {a.id for a in snapshot.accounts}
    known = management_id is not None and management_id in ids
    root = snapshot.root
    nodes = [WantedNode(root.id, "root", root.name, None, root.id, False)]
    nodes += [WantedNode(u.id, "ou", u.name, u.parent_id, u.id, False) for u in snapshot.units]
    nodes += [
        WantedNode(
            a.id, "account", a.name, a.parent_id, a.id, (a.id == management_id) if known else None
        )
        for a in snapshot.accounts
    ]
    full = {p.id for p in snapshot.policies if p.builtin and p.name == FULL_ACCESS}
    policies = [
        WantedPolicy(p.id, p.name, p.description, p.id, (p.content,))
        for p in snapshot.policies
        if p.id not in full
    ]
    attachments = [
        WantedAttachment(a.entity_id, None if a.policy_id in full else a.policy_id)
        for a in snapshot.attachments
    ]
    return WantedOrg(source, tuple(nodes), tuple(policies), tuple(attachments), snapshot.skipped)


def from_export(description: OrgDescription, source: str = "the file") -> WantedOrg:
    nodes = [
        WantedNode(n.id, n.type, n.name, n.parent, n.huawei_id, n.management)
        for n in description.nodes
    ]
    builtin = {p.id for p in description.policies if p.builtin}
    groups: dict[str, list[tuple[int, str, str]]] = {}  # key -> [(version, entry id, text)]
    first: dict[str, tuple[str, str, str]] = {}  # key -> (name, description, huawei id)
    for p in description.policies:
        if p.builtin:
            if p.name != FULL_ACCESS:
                raise OrgInputError(
                    f"{source}: the built-in policy {p.name!r} is not one this installation "
                    f"knows (only {FULL_ACCESS}).",
                    "content",
                )
            continue
        key = p.policy or p.id
        groups.setdefault(key, []).append((p.version or 0, p.id, p.text))
        first.setdefault(key, (p.name, p.description, p.huawei_id))
    where: dict[str, tuple[str, int]] = {}  # entry id -> (policy key, position from 1)
    policies = []
    for key, entries in groups.items():
        entries.sort()
        for position, (_, entry, _) in enumerate(entries, start=1):
            where[entry] = (key, position)
        name, text_description, huawei_id = first[key]
        texts = tuple(text for _, _, text in entries)
        policies.append(WantedPolicy(key, name, text_description, huawei_id, texts))
    attachments = []
    for a in description.attachments:
        if a.policy in builtin:
            attachments.append(WantedAttachment(a.node, None))
            continue
        key, position = where[a.policy]
        last = len(groups[key])
        if not a.pinned and position != last:
            raise OrgInputError(
                f"{source}: an attachment to node {a.node!r} follows the latest version of "
                f"{a.policy!r}, which is not that policy's latest text.",
                "content",
            )
        attachments.append(WantedAttachment(a.node, key, position if a.pinned else None))
    return WantedOrg(source, tuple(nodes), tuple(policies), tuple(attachments))


# -- reading a source ----------------------------------------------------------------------


class ImportUnreadable(Refusal):
    """A source that cannot be read whole: a file, or Huawei answering live (502)."""


class HuaweiUnreachable(ImportUnreadable):
    status_code = 502


def read_huawei_live() -> WantedOrg:
    """Huawei Organizations through the SDK (credentials from its environment variables,
    endpoint and timeouts from the settings `ORG_IMPORT_*`)."""
    try:
        with org_client() as client:
            snapshot = fetch_org(client)
    except OrgImportError as exc:
        raise HuaweiUnreachable(f"Nothing was imported. {exc.sentence}", None) from exc
    return from_huawei(snapshot)


def read_huawei_files(folder: Path | str) -> WantedOrg:
    """Huawei's answers saved to files (the layout `org_import.files` documents)."""
    try:
        snapshot = read_org_files(folder)
    except OrgImportError as exc:
        raise ImportUnreadable(f"Nothing was imported. {exc.sentence}", "folder") from exc
    return from_huawei(snapshot, f"the answers saved in {Path(folder).name}")


def read_export(text: str, source: str = "the file") -> WantedOrg:
    """Our JSON format (`org_export.read_org_json`)."""
    try:
        description = read_org_json(text)
    except ExportError as exc:
        raise ImportUnreadable(f"Nothing was imported: {source}: {exc}", "content") from exc
    return from_export(description, source)
