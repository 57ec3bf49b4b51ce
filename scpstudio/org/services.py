"""Writes to the organization: nodes (create, rename, move, delete, mark the management
account) and attachments (attach, detach). Each checks the rules and Huawei's quotas and
writes in one transaction, holding the root's row: organization changes are rare, and one
at a time is what keeps the quotas (OU count, depth, 5 SCPs per node) true under
concurrent requests on any database.

Who may do it is not decided here: the caller checked `selectors.can_change_org`, and got
the saved policy it attaches through `policies.selectors.policy_for` (the user may see it).
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from scpstudio.org.import_apply import apply_plan
from scpstudio.org.import_plan import ImportPlan, import_plan
from scpstudio.org.import_source import WantedOrg
from scpstudio.org.models import FULL_ACCESS, Attachment, Node, NodeKind
from scpstudio.org.rules import (
    OrgInputError,
    clean_huawei_id,
    clean_node_name,
    max_accounts,
    max_attachments,
    max_ou_depth,
    max_ous,
)
from scpstudio.org.selectors import Tree
from scpstudio.policies.models import Policy, PolicyVersion
from scpstudio.refusals import Refusal

KINDS_MADE = (NodeKind.OU, NodeKind.ACCOUNT)  # the root is made by migrate, once


def _lock() -> Node:
    """The root's row, locked until the transaction ends: one organization change at a time."""
    return Node.objects.select_for_update().get(kind=NodeKind.ROOT)


def _parent_for(parent: Node | None, field: str = "parent") -> Node:
    if parent is None:
        raise OrgInputError("Say where the node goes: the root or an OU.", field)
    if parent.kind == NodeKind.ACCOUNT:
        raise OrgInputError(
            f"{parent.label} is an account; only the root and OUs hold other nodes.", field
        )
    return parent


def _check_huawei_id(huawei_id: str, kind: str, exclude: int | None = None) -> None:
    if huawei_id and Node.objects.filter(huawei_id=huawei_id).exclude(pk=exclude).exists():
        raise OrgInputError(f"Another node already has the Huawei id {huawei_id}.", "huawei_id")


def node_create(
    *, user: Any, kind: str, name: Any, parent: Node | None, huawei_id: Any = ""
) -> Node:
    """An OU or an account under `parent` (the root or an OU), with FullAccess attached
    (as Huawei attaches it to every new node)."""
    if kind not in KINDS_MADE:
        raise OrgInputError("A new node is an OU or an account (the root exists already).", "type")
    name = clean_node_name(name)
    huawei_id = clean_huawei_id(huawei_id, kind)
    with transaction.atomic():
        _lock()
        parent = _parent_for(Node.objects.filter(pk=parent.pk).first() if parent else None)
        tree = Tree.load()
        if kind == NodeKind.OU:
            count = sum(1 for n in tree.nodes.values() if n.kind == NodeKind.OU)
            if count >= max_ous():
                raise OrgInputError(
                    f"The organization holds {count:,} OUs, Huawei's quota: no more can be added.",
                    "type",
                )
            if tree.ou_depth(parent) + 1 > max_ou_depth():
                raise OrgInputError(
                    f"OUs nest at most {max_ou_depth()} levels below the root; {parent.label} "
                    "is already that deep.",
                    "parent",
                )
        else:
            count = sum(1 for n in tree.nodes.values() if n.kind == NodeKind.ACCOUNT)
            if count >= max_accounts():
                raise OrgInputError(
                    f"The organization holds {count:,} accounts, as many as SCP Studio keeps.",
                    "type",
                )
        _check_huawei_id(huawei_id, kind)
        try:
            node = Node.objects.create(kind=kind, name=name, parent=parent, huawei_id=huawei_id)
        except IntegrityError as exc:  # the unique id, taken meanwhile
            raise OrgInputError(
                f"Another node already has the Huawei id {huawei_id}.", "huawei_id"
            ) from exc
        Attachment.objects.create(node=node, builtin=FULL_ACCESS, attached_by=_user(user))
    return node


def node_rename(*, user: Any, node: Node, name: Any) -> Node:
    """Any node, the root included, may be renamed."""
    name = clean_node_name(name)
    with transaction.atomic():
        _lock()
        Node.objects.filter(pk=node.pk).update(name=name)
    node.name = name
    return node


def node_set_huawei_id(*, user: Any, node: Node, huawei_id: Any) -> Node:
    huawei_id = clean_huawei_id(huawei_id, node.kind)
    with transaction.atomic():
        _lock()
        _check_huawei_id(huawei_id, node.kind, exclude=node.pk)
        Node.objects.filter(pk=node.pk).update(huawei_id=huawei_id)
    node.huawei_id = huawei_id
    return node


def node_move(*, user: Any, node: Node, parent: Node | None) -> Node:
    """Move an OU (with everything in it) or an account under another parent: never under
    itself or one of its own descendants, and never deeper than the OU depth quota."""
    if node.kind == NodeKind.ROOT:
        raise OrgInputError("The root does not move: it holds everything else.", "parent")
    with transaction.atomic():
        _lock()
        tree = Tree.load()
        parent = _parent_for(tree.nodes.get(parent.pk) if parent is not None else None)
        if parent.pk == node.pk:
            raise OrgInputError(f"{node.label} cannot be moved under itself.", "parent")
        if any(n.pk == node.pk for n in tree.path(parent)):
            raise OrgInputError(
                f"{parent.label} is inside {node.label}: a node cannot move under one of its "
                "own descendants.",
                "parent",
            )
        if node.kind == NodeKind.OU:
            deepest = tree.ou_depth(parent) + tree.subtree_height(node)
            if deepest > max_ou_depth():
                raise OrgInputError(
                    f"Under {parent.label}, the OUs of {node.label} would nest {deepest} levels "
                    f"below the root; at most {max_ou_depth()} are allowed.",
                    "parent",
                )
        Node.objects.filter(pk=node.pk).update(parent=parent)
    node.parent = parent
    return node


def node_delete(*, user: Any, node: Node) -> None:
    """Delete an empty OU or an account (with its attachments); never the root."""
    if node.kind == NodeKind.ROOT:
        raise OrgInputError("The root cannot be deleted: the organization always has one.", None)
    with transaction.atomic():
        _lock()
        kids = list(Node.objects.filter(parent=node).order_by("kind", "name"))
        if kids:
            ous = [k for k in kids if k.kind == NodeKind.OU]
            accounts = [k for k in kids if k.kind == NodeKind.ACCOUNT]
            held = []
            if ous:
                held.append(_counted(len(ous), "OU", [k.name for k in ous]))
            if accounts:
                held.append(_counted(len(accounts), "account", [k.name for k in accounts]))
            raise OrgInputError(
                f"{node.label} still holds {' and '.join(held)}: move or delete them first; "
                "only an empty OU can be deleted.",
                None,
            )
        Node.objects.filter(pk=node.pk).delete()


def node_set_management(*, user: Any, node: Node, management: bool) -> Node:
    """Mark the account as the management account (unmarking any other), or unmark it."""
    if management and node.kind != NodeKind.ACCOUNT:
        raise OrgInputError("Only an account can be the management account.", "management")
    with transaction.atomic():
        _lock()
        if management:
            Node.objects.filter(management=True).exclude(pk=node.pk).update(management=False)
        Node.objects.filter(pk=node.pk).update(management=management)
    node.management = management
    return node


# -- attachments -----------------------------------------------------------------------------


def attachment_create(
    *,
    user: Any,
    node: Node,
    policy: Policy | None = None,
    version: PolicyVersion | None = None,
    builtin: str = "",
) -> Attachment:
    """Attach a saved policy (following its latest version, or pinned to `version`) or
    FullAccess (`builtin`) to the node: at most `ORG_MAX_ATTACHMENTS` per node, each once."""
    if (policy is None) == (not builtin):
        raise OrgInputError("Attach one policy: a saved one, or FullAccess.", "policy")
    if builtin and builtin != FULL_ACCESS:
        raise OrgInputError(f"The only system policy is {FULL_ACCESS}.", "policy")
    if version is not None and (policy is None or version.policy_id != policy.pk):
        raise OrgInputError("The version must be one of the attached policy's.", "version")
    with transaction.atomic():
        _lock()
        held = list(Attachment.objects.filter(node=node).select_related("policy"))
        if len(held) >= max_attachments():
            names = ", ".join(a.policy_name for a in held)
            raise OrgInputError(
                f"{node.label} already has {len(held)} SCPs attached ({names}); Huawei allows "
                f"at most {max_attachments()} per node: detach one first.",
                "policy",
            )
        same = [a for a in held if (a.policy_id == policy.pk if policy else a.builtin == builtin)]
        if same:
            raise OrgInputError(
                f"{same[0].policy_name} is already attached to {node.label}.", "policy"
            )
        return Attachment.objects.create(
            node=node, policy=policy, version=version, builtin=builtin, attached_by=_user(user)
        )


def attachment_delete(*, user: Any, attachment: Attachment) -> None:
    """Detach: never the node's last SCP (a node with none would refuse every request)."""
    with transaction.atomic():
        _lock()
        count = Attachment.objects.filter(node_id=attachment.node_id).count()
        if count <= 1:
            raise OrgInputError(
                f"{attachment.policy_name} is the last SCP attached to {attachment.node.label}; "
                "every node keeps at least one: attach another first (FullAccess allows "
                "everything).",
                None,
            )
        Attachment.objects.filter(pk=attachment.pk).delete()


# -- import ----------------------------------------------------------------------------------


class ImportMoved(Refusal):
    """The organization or the source changed between the dry run shown and the apply."""

    status_code = 409


def organization_import(
    *, user: Any, wanted: WantedOrg, apply: bool, owner: Any = None, digest: str = ""
) -> ImportPlan:
    """The dry run of making the organization what `wanted` says (`import_plan`), and with
    `apply` its carrying out, all or nothing, in one transaction holding the root's row.
    Policies new to the library are saved as `owner`'s (by default the user's). Given the
    `digest` of the dry run that was shown, an apply whose plan differs is refused
    (`ImportMoved`, nothing written): what is applied is what was reviewed."""
    owner = owner if owner is not None else user
    if not apply:
        return import_plan(wanted, owner=owner)
    with transaction.atomic():
        _lock()
        plan = import_plan(wanted, owner=owner)
        if digest and digest != plan.digest:
            raise ImportMoved(
                "The organization or the source changed since the dry run was shown: "
                "review the new dry run before applying it. Nothing was imported.",
                None,
            )
        new = sum(1 for p in plan.policies.values() if p.policy is None)
        if new and not getattr(owner, "is_authenticated", False):
            raise OrgInputError(
                f"{new} imported polic{'y' if new == 1 else 'ies'} must be saved in someone's "
                "library: say whose (the owner).",
                "owner",
            )
        apply_plan(plan, user=user, owner=owner)
    return plan


def _counted(n: int, noun: str, names: list[str]) -> str:
    shown = ", ".join(names[:5]) + (f" and {n - 5} more" if n > 5 else "")
    return f"{n} {noun}{'' if n == 1 else 's'} ({shown})"


def _user(user: Any) -> Any:
    return user if user is not None and getattr(user, "is_authenticated", False) else None
