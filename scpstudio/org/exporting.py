"""The organization as `org_export` writes it: `org_description()` reads the tree, the
attached policies and the attachments into an `OrgDescription`, and `export_text(format)`
gives the Terraform file or our JSON (issue 19, item 7).

The description is made to survive a round trip (export, import into an empty database,
export again: the same text): nothing in it depends on the database's row ids.

* Nodes are numbered "1", "2", ... in the tree page's order (the root, then each node
  followed by what it holds, OUs before accounts, by name); an import creates them in that
  order, so the same tree is numbered the same.
* A saved policy some attachment uses is `p1`, `p2`, ... by (name, id), and its texts are
  `p1@1`, `p1@2`, ...: every version from 1 up to the newest one an attachment uses (the
  latest when one follows it), so an import recreates them with the same numbers.
* Each node's attachments are listed FullAccess first, then by policy and version, not in
  the order they were made.
"""

from __future__ import annotations

from typing import Any

from scpstudio.org.evaluation import AttachedPolicy, resolve
from scpstudio.org.models import FULL_ACCESS, Node, PolicyHuaweiId
from scpstudio.org.selectors import Tree, attachments_by_node
from scpstudio.org_export import (
    ExportAttachment,
    ExportNode,
    ExportPolicy,
    OrgDescription,
    org_json,
    org_terraform,
)
from scpstudio.policies.models import PolicyVersion

FORMATS = ("terraform", "json")
FILENAMES = {"terraform": "organization.tf", "json": "organization.json"}
FULL_ACCESS_TEXT = (
    '{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["*"],"Resource":["*"]}]}'
)
FULL_DESCRIPTION = "Huawei's system policy: allows every action on every resource."


def org_description() -> OrgDescription:
    """The whole organization, as the exports write it (see the module's docstring)."""
    tree = Tree.load()
    ordered = [node for node, _ in tree.ordered()]
    ids = {node.pk: str(i) for i, node in enumerate(ordered, start=1)}
    nodes = tuple(_node(n, ids) for n in ordered)
    attached = resolve(attachments_by_node())
    rows = [(node, a) for node in ordered for a in attached.get(node.pk, [])]
    needed: dict[int, int] = {}  # policy id -> the newest version number an attachment uses
    names: dict[int, str] = {}
    for _, a in rows:
        if a.number is not None and a.attachment.policy is not None:
            policy = a.attachment.policy
            needed[policy.pk] = max(needed.get(policy.pk, 0), a.number)
            names[policy.pk] = policy.name
    keys = {pk: f"p{i}" for i, pk in enumerate(sorted(needed, key=_by_name(names)), start=1)}
    policies = _policies(needed, keys)
    if any(a.builtin for _, a in rows):
        full = ExportPolicy(FULL_ACCESS, FULL_ACCESS, FULL_ACCESS_TEXT, FULL_DESCRIPTION, True)
        policies.insert(0, full)
    attachments = []
    for node in ordered:
        listed = sorted(attached.get(node.pk, []), key=lambda a: _attachment_order(a, keys))
        attachments += [_attachment(ids[node.pk], a, keys) for a in listed]
    return OrgDescription(nodes, tuple(policies), tuple(attachments))


def export_text(format: str) -> str:
    """The organization as Terraform (`terraform`) or our JSON (`json`)."""
    description = org_description()
    return org_terraform(description) if format == "terraform" else org_json(description)


def _node(node: Node, ids: dict[int, str]) -> ExportNode:
    parent = ids.get(node.parent_id) if node.parent_id is not None else None
    return ExportNode(ids[node.pk], node.kind, node.name, parent, node.huawei_id, node.management)


def _by_name(names: dict[int, str]) -> Any:
    return lambda pk: (names[pk].casefold(), names[pk], pk)


def _policies(needed: dict[int, int], keys: dict[int, str]) -> list[ExportPolicy]:
    """Every version 1..needed of each used policy, in the order of their keys: one query."""
    huawei = dict(
        PolicyHuaweiId.objects.filter(policy_id__in=needed).values_list("policy_id", "huawei_id")
    )
    texts: dict[int, list[tuple[int, str, str, str]]] = {pk: [] for pk in needed}
    found = (
        PolicyVersion.objects.filter(policy_id__in=needed)
        .order_by("policy_id", "number")
        .values_list("policy_id", "number", "document", "policy__name", "policy__description")
    )
    for policy_id, number, document, name, description in found.iterator():
        if number <= needed[policy_id]:
            texts[policy_id].append((number, document, name, description))
    out = []
    for pk in sorted(needed, key=lambda pk: int(keys[pk][1:])):
        for number, document, name, description in texts[pk]:
            key = keys[pk]
            out.append(
                ExportPolicy(
                    f"{key}@{number}", name, document, description, False,
                    huawei.get(pk, ""), number, key,
                )
            )  # fmt: skip
    return out


def _attachment_order(a: AttachedPolicy, keys: dict[int, str]) -> tuple[int, int, int]:
    if a.builtin or a.attachment.policy_id is None:
        return (0, 0, 0)
    return (1, int(keys[a.attachment.policy_id][1:]), a.number or 0)


def _attachment(node_id: str, a: AttachedPolicy, keys: dict[int, str]) -> ExportAttachment:
    if a.builtin or a.attachment.policy_id is None:
        return ExportAttachment(node_id, FULL_ACCESS)
    key = keys[a.attachment.policy_id]
    return ExportAttachment(node_id, f"{key}@{a.number}", a.attachment.version_id is not None)
