"""Carrying out an import's plan (`import_plan`), called by `services.organization_import`
inside its transaction, holding the root's row: the library's policies and versions first
(through the policies app's services, so each text is checked and assessed as a save is),
then the nodes, the attachments, and last the nodes removed, deepest first.

Ids that must stay unique while rows change (Huawei ids, the one management account) are
cleared first on the rows that give them up, then set.
"""

from __future__ import annotations

from typing import Any

from scpstudio.org.import_plan import ImportPlan, PolicyPlan
from scpstudio.org.models import FULL_ACCESS, Attachment, Node, PolicyHuaweiId
from scpstudio.policies import services as library
from scpstudio.policies.models import Policy, PolicyVersion


def apply_plan(plan: ImportPlan, *, user: Any, owner: Any) -> None:
    message = f"Imported from {plan.wanted.source}"[:512]
    for item in plan.policies.values():
        _policy(item, user=user, owner=owner, message=message)
    nodes = _nodes(plan)
    _attachments(plan, nodes, user)
    for node in plan.removed:  # deepest first: an OU holds nothing once it is deleted
        Node.objects.filter(pk=node.pk).delete()


def _policy(item: PolicyPlan, *, user: Any, owner: Any, message: str) -> None:
    wanted = item.wanted
    policy = item.policy
    if policy is None:
        policy = library.create_policy(
            owner=owner,
            name=wanted.name,
            document=wanted.texts[0],
            description=wanted.description,
            profile="scp",
            message=message,
        )
        item.numbers[0] = 1
    saver = user if getattr(user, "is_authenticated", False) else owner
    for i, text in enumerate(wanted.texts):
        if item.numbers[i] is None:
            item.numbers[i] = _save(policy, text, saver, message)
    if item.resave_latest and item.numbers[-1] != policy.latest_version:
        item.numbers[-1] = _save(policy, wanted.texts[-1], saver, message)
    item.policy = policy
    if item.link_huawei_id:
        PolicyHuaweiId.objects.update_or_create(
            policy=policy, defaults={"huawei_id": wanted.huawei_id}
        )


def _save(policy: Policy, text: str, user: Any, message: str) -> int:
    version = library.save_version(
        user=user, policy=policy, document=text, base_version=policy.latest_version, message=message
    )
    return int(version.number)


def _nodes(plan: ImportPlan) -> dict[str, Node]:
    """Every wanted node's row, made or updated (management set last, on one row)."""
    wanted = plan.wanted.nodes
    releasing = [n.pk for n in plan.removed]
    for node in wanted:
        found = plan.nodes[node.key]
        if found is not None and found.huawei_id != node.huawei_id:
            releasing.append(found.pk)
    Node.objects.filter(pk__in=releasing).update(huawei_id="")
    manager = next((n.key for n in wanted if n.management), None)
    if any(n.management is not None for n in wanted):  # else the source does not say
        Node.objects.filter(management=True).update(management=False)
    rows: dict[str, Node] = {}
    for node in wanted:  # parents come first
        found = plan.nodes[node.key]
        parent = rows[node.parent].pk if node.parent is not None else None
        if found is None:
            found = Node.objects.create(
                kind=node.kind, name=node.name, parent_id=parent, huawei_id=node.huawei_id
            )
        else:
            changes = {"name": node.name, "huawei_id": node.huawei_id}
            if node.kind != "root":
                changes["parent_id"] = parent
            Node.objects.filter(pk=found.pk).update(**changes)
        rows[node.key] = found
    if manager is not None:
        Node.objects.filter(pk=rows[manager].pk).update(management=True)
    return rows


def _attachments(plan: ImportPlan, rows: dict[str, Node], user: Any) -> None:
    Attachment.objects.filter(pk__in=[a.pk for a in plan.detach]).delete()
    for row, policy_key, version in plan.repin:
        item = plan.policies[policy_key or ""]
        row.version = _version(item, version)
        row.save(update_fields=["version"])
    made = []
    for node_key, policy_key, version in plan.attach:
        node = rows[node_key]
        if policy_key is None:
            made.append(Attachment(node=node, builtin=FULL_ACCESS, attached_by=_person(user)))
            continue
        item = plan.policies[policy_key]
        made.append(
            Attachment(
                node=node,
                policy=item.policy,
                version=_version(item, version),
                attached_by=_person(user),
            )
        )
    Attachment.objects.bulk_create(made)


def _version(item: PolicyPlan, position: int | None) -> PolicyVersion | None:
    if position is None:
        return None
    number = item.numbers[position - 1]
    return PolicyVersion.objects.get(policy=item.policy, number=number)


def _person(user: Any) -> Any:
    return user if user is not None and getattr(user, "is_authenticated", False) else None
