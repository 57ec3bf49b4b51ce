"""The organization to export, as plain data: what `org_terraform` and `org_json` write.

The organization app builds an `OrgDescription` from its tree: every node (`ExportNode`:
root, OU or account, with its parent, and Huawei's id when known), every policy text that
some attachment uses (`ExportPolicy`, the saved text exactly; a policy pinned to an older
version at one node and following the latest at another is two entries, since each text is
its own policy at Huawei; the versions of one saved policy share `policy`), and the
attachments (`ExportAttachment`: node id, policy id, pinned or following the latest).
`check()` refuses, with a sentence, a description the writers cannot write faithfully.
"""

from __future__ import annotations

from dataclasses import dataclass

NODE_TYPES = ("root", "ou", "account")


class ExportError(ValueError):
    """A description (or a file of our JSON format) that cannot be written or read whole,
    as one sentence naming where."""


@dataclass(frozen=True, slots=True)
class ExportNode:
    id: str  # our id or Huawei's: what attachments and children name
    type: str  # "root", "ou" or "account"
    name: str
    parent: str | None = None  # None for the root only
    huawei_id: str = ""  # r-..., ou-..., or the account id, when known
    management: bool = False


@dataclass(frozen=True, slots=True)
class ExportPolicy:
    id: str
    name: str
    text: str  # the saved text, exactly
    description: str = ""
    builtin: bool = False  # FullAccess: Huawei's system policy, attached by Huawei
    huawei_id: str = ""  # p-..., when known
    version: int | None = None  # the saved version the text is from
    # the saved policy this text is a version of: entries sharing it are that policy's
    # versions (every one from 1 up, so an import keeps their numbers); "" for a lone text
    policy: str = ""


@dataclass(frozen=True, slots=True)
class ExportAttachment:
    node: str  # ExportNode.id
    policy: str  # ExportPolicy.id
    pinned: bool = False  # pinned to this version; False: follows the policy's latest


@dataclass(frozen=True, slots=True)
class OrgDescription:
    nodes: tuple[ExportNode, ...]
    policies: tuple[ExportPolicy, ...] = ()
    attachments: tuple[ExportAttachment, ...] = ()

    def check(self) -> None:
        """ExportError with a sentence unless: ids are unique, there is one root, every
        other node's parent is a node (an OU or the root), every attachment names a node
        and a policy, and no attachment is listed twice."""
        nodes: dict[str, ExportNode] = {}
        for i, node in enumerate(self.nodes):
            if node.type not in NODE_TYPES:
                raise ExportError(
                    f"Node {i + 1} ({node.name!r}) has the type {node.type!r}; it must be "
                    "root, ou or account."
                )
            if node.id in nodes:
                raise ExportError(f"Two nodes have the id {node.id!r}.")
            nodes[node.id] = node
        roots = [n for n in self.nodes if n.type == "root"]
        if len(roots) != 1:
            raise ExportError(f"An organization has one root; this one has {len(roots)}.")
        for node in self.nodes:
            if node.type == "root":
                if node.parent is not None:
                    raise ExportError(f"The root {node.name!r} cannot have a parent.")
                continue
            parent = nodes.get(node.parent or "")
            if parent is None or parent.type == "account":
                raise ExportError(
                    f"The parent of {node.name!r} ({node.parent!r}) is not an OU or the root "
                    "of this organization."
                )
        policies: set[str] = set()
        versions: set[tuple[str, int | None]] = set()
        for policy in self.policies:
            if policy.id in policies:
                raise ExportError(f"Two policies have the id {policy.id!r}.")
            policies.add(policy.id)
            if policy.policy:
                if policy.version is None or (policy.policy, policy.version) in versions:
                    raise ExportError(
                        f"The texts of the policy {policy.policy!r} need distinct version "
                        f"numbers ({policy.id!r} has {policy.version!r})."
                    )
                versions.add((policy.policy, policy.version))
        seen: set[tuple[str, str]] = set()
        for a in self.attachments:
            if a.node not in nodes:
                raise ExportError(f"An attachment names the node {a.node!r}, which is not listed.")
            if a.policy not in policies:
                raise ExportError(
                    f"An attachment names the policy {a.policy!r}, which is not listed."
                )
            if (a.node, a.policy) in seen:
                raise ExportError(
                    f"The policy {a.policy!r} is attached to the node {a.node!r} twice."
                )
            seen.add((a.node, a.policy))
