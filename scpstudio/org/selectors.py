"""Reads of the organization: the root, one node, the whole tree in one query, the
attachments along a path, where a saved policy is attached, and who may change it.

The organization is one per installation and shared: every signed-in person reads it
(the tree, the attachments, the effective preview); changing it needs staff status or the
`org.change_organization` permission an administrator grants (`can_change_org`). Reading
shows an attached policy's name and outcome to every reader even when the policy itself
is not shared with them (as Huawei's console does to the organization's administrators);
its text stays behind the library's own rule (`policies.selectors.policy_for`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse

from scpstudio.org.models import Attachment, Node, NodeKind
from scpstudio.policies.models import Policy, PolicyVersion
from scpstudio.policies.usage import PolicyUse

NOT_FOUND = "There is no such node in the organization."
CHANGE_PERMISSION = "org.change_organization"


def can_change_org(user: Any) -> bool:
    """Staff, or a user an administrator granted `org.change_organization`."""
    if user is None or not user.is_authenticated:
        return False
    return bool(user.is_staff or user.has_perm(CHANGE_PERMISSION))


def org_root() -> Node:
    """The root (migrate makes it; `apps.ensure_root` keeps it after a flush)."""
    return Node.objects.get(kind=NodeKind.ROOT)


def node_for(node_id: Any) -> Node:
    """One node by its id (a whole number, from a URL or a body); Http404 when none."""
    pk = whole_id(node_id)
    node = Node.objects.filter(pk=pk).first() if pk is not None else None
    if node is None:
        raise Http404(NOT_FOUND)
    return node


@dataclass(frozen=True, slots=True)
class PathAttachment:
    """One SCP attached along a path, as the effective preview reads it: the version it
    stands for now (its pinned one, or its policy's latest), or FullAccess."""

    node_id: int
    attachment_id: int
    builtin: str
    policy_id: int | None
    policy_name: str
    version_id: int | None  # None for FullAccess
    number: int | None
    pinned: bool

    @property
    def key(self) -> Any:
        return self.version_id if self.version_id is not None else self.builtin


def path_attached(node: Node) -> tuple[list[Node], dict[int, list[PathAttachment]]]:
    """The nodes from the root down to `node` and what is attached to each, each
    attachment resolved to the version it stands for: one query (the effective preview's
    every read, so that a kept preview costs one round trip)."""
    nodes, policies, versions = (
        Node._meta.db_table,
        Policy._meta.db_table,
        PolicyVersion._meta.db_table,
    )
    query = (
        f"WITH RECURSIVE up(id, parent_id, depth) AS ("
        f" SELECT id, parent_id, 0 FROM {nodes} WHERE id = %s"
        f" UNION ALL SELECT n.id, n.parent_id, up.depth + 1 FROM {nodes} n"
        f" JOIN up ON n.id = up.parent_id WHERE up.depth < 50)"
        f" SELECT n.id, n.kind, n.name, n.parent_id, n.huawei_id, n.management,"
        f" a.id, a.builtin, a.policy_id, p.name, COALESCE(pv.id, lv.id),"
        f" COALESCE(pv.number, lv.number), a.version_id"
        f" FROM up JOIN {nodes} n ON n.id = up.id"
        f" LEFT JOIN {Attachment._meta.db_table} a ON a.node_id = n.id"
        f" LEFT JOIN {policies} p ON p.id = a.policy_id"
        f" LEFT JOIN {versions} pv ON pv.id = a.version_id"
        f" LEFT JOIN {versions} lv ON a.version_id IS NULL AND lv.policy_id = a.policy_id"
        f" AND lv.number = p.latest_version"
        f" ORDER BY up.depth DESC, a.id"
    )
    path: list[Node] = []
    attached: dict[int, list[PathAttachment]] = {}
    with connection.cursor() as cursor:
        cursor.execute(query, [node.pk])
        for row in cursor.fetchall():
            pk, kind, name, parent_id, huawei_id, management = row[:6]
            if not path or path[-1].pk != pk:
                path.append(
                    Node(
                        id=pk, kind=kind, name=name, parent_id=parent_id,
                        huawei_id=huawei_id, management=bool(management),
                    )
                )  # fmt: skip
                attached[pk] = []
            attachment_id, builtin, policy_id, policy_name, version_id, number, pin = row[6:]
            if attachment_id is None or (policy_id is not None and version_id is None):
                continue  # no attachment; or a policy whose latest version is not there yet
            attached[pk].append(
                PathAttachment(
                    pk, attachment_id, builtin or "", policy_id, policy_name or "",
                    version_id, number, pin is not None,
                )
            )  # fmt: skip
    return path, attached


def node_list() -> QuerySet[Node]:
    """Every node, the root first, then by kind (OUs before accounts) and name."""
    return Node.objects.order_by("id")


def whole_id(value: Any) -> int | None:
    """A database id: a positive whole number (an int, or ASCII digits) within 63 bits."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 18:
        number = int(value)
    else:
        return None
    return number if 0 < number < 2**63 else None


@dataclass(slots=True)
class Tree:
    """The whole organization in memory, from one query: parents, children, paths."""

    nodes: dict[int, Node]
    children: dict[int, list[int]] = field(default_factory=dict)
    root_id: int = 0

    @classmethod
    def load(cls) -> Tree:
        nodes = {n.pk: n for n in Node.objects.order_by("name", "id")}
        tree = cls(nodes)
        for node in nodes.values():
            if node.parent_id is None:
                tree.root_id = node.pk
            else:
                tree.children.setdefault(node.parent_id, []).append(node.pk)
        return tree

    @property
    def root(self) -> Node:
        return self.nodes[self.root_id]

    def path(self, node: Node | int) -> list[Node]:
        """The nodes from the root down to `node`, both included."""
        pk = node if isinstance(node, int) else node.pk
        out = []
        seen: set[int] = set()
        current: int | None = pk
        while current is not None and current not in seen:  # a cycle would be a bug
            seen.add(current)
            found = self.nodes[current]
            out.append(found)
            current = found.parent_id
        return out[::-1]

    def below(self, node: Node | int) -> list[Node]:
        """Every node under `node` (not itself), depth first, OUs before accounts."""
        pk = node if isinstance(node, int) else node.pk
        out: list[Node] = []
        stack = self._kids(pk)[::-1]
        while stack:  # pre-order: each node, then what it holds
            current = stack.pop()
            out.append(current)
            stack.extend(self._kids(current.pk)[::-1])
        return out

    def _kids(self, pk: int) -> list[Node]:
        kids = [self.nodes[c] for c in self.children.get(pk, [])]
        kids.sort(key=lambda n: (n.kind == NodeKind.ACCOUNT, n.name.casefold(), n.pk))
        return kids

    def accounts_below(self, node: Node | int) -> list[Node]:
        """The accounts under `node`, or the node itself when it is an account."""
        pk = node if isinstance(node, int) else node.pk
        if self.nodes[pk].kind == NodeKind.ACCOUNT:
            return [self.nodes[pk]]
        return [n for n in self.below(pk) if n.kind == NodeKind.ACCOUNT]

    def ou_depth(self, node: Node | int) -> int:
        """How many OU levels the node is below the root (the root 0, an OU under it 1)."""
        return sum(1 for n in self.path(node) if n.kind == NodeKind.OU)

    def subtree_height(self, node: Node | int) -> int:
        """OU levels from `node` (itself counted when an OU) down to its deepest OU."""
        pk = node if isinstance(node, int) else node.pk
        own = 1 if self.nodes[pk].kind == NodeKind.OU else 0
        kids = [c for c in self.children.get(pk, []) if self.nodes[c].kind == NodeKind.OU]
        return own + max((self.subtree_height(c) for c in kids), default=0)

    def ordered(self) -> list[tuple[Node, int]]:
        """Every node with its depth (root 0), in the order a tree page shows them."""
        return [(self.root, 0)] + [(n, len(self.path(n)) - 1) for n in self.below(self.root_id)]


def attachments_of(node: Node) -> QuerySet[Attachment]:
    return Attachment.objects.filter(node=node).select_related("policy", "version").order_by("id")


def attachments_by_node(node_ids: Iterable[int] | None = None) -> dict[int, list[Attachment]]:
    """The attachments of these nodes (every node when None), in one query, without the
    policies' texts (the evaluation reads those once per version)."""
    rows = Attachment.objects.select_related("policy", "version").defer("version__document")
    if node_ids is not None:
        rows = rows.filter(node_id__in=list(node_ids))
    out: dict[int, list[Attachment]] = {}
    for row in rows.order_by("id"):
        out.setdefault(row.node_id, []).append(row)
    return out


def attachment_of(node: Node, attachment_id: Any) -> Attachment:
    pk = whole_id(attachment_id)
    found = attachments_of(node).filter(pk=pk).first() if pk is not None else None
    if found is None:
        raise Http404(f"{node.label} has no attachment {str(attachment_id)[:20]}.")
    return found


def policy_uses(policy: Policy) -> list[PolicyUse]:
    """Where the policy is attached, for its page and for a refused delete."""
    rows = (
        Attachment.objects.filter(policy=policy)
        .select_related("node", "version")
        .order_by("node__name", "node_id")
    )
    return [
        PolicyUse(
            where=row.node.label,
            how=f"version {row.version.number}" if row.version else "the latest version",
            url=reverse("org:node", args=[row.node_id]),
        )
        for row in rows
    ]
