"""An import's dry run: what the organization would become, as lines added, changed and
removed, and the decisions the apply carries out (`import_apply`). Nothing is written here.

Matching what is already here, so that a second import of the same source changes nothing:

* the root is the root; another node is the node with its Huawei id (of the same kind),
  else an unmatched node of the same kind and name under the node its parent matched;
* a saved policy is the one with its Huawei id (`PolicyHuaweiId`), else a policy of the
  importing person with that name; its texts are its versions with the same text (the
  same number first); a text it does not hold becomes a new version, and the source's
  latest text must be the policy's latest (saved again as the newest version otherwise,
  as a restore does);
* an attachment is the node's attachment of the same policy (or FullAccess); a different
  pin is a change.

Nodes the source does not hold are removed (with their attachments); saved policies are
never removed, only detached. Every rule a page or the API checks is checked on the whole
result first (names, Huawei ids, depth, counts, 1 to 5 SCPs per node), so an import that
would break one is refused with a sentence before anything is written.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from scpstudio.org.import_source import WantedNode, WantedOrg, WantedPolicy
from scpstudio.org.models import FULL_ACCESS, Attachment, Node, PolicyHuaweiId
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
from scpstudio.policies.rules import PolicyInputError, clean_description, clean_document, clean_name

KINDS = {"root": "Root", "ou": "OU", "account": "account"}
LISTED = 200  # lines shown of each kind in a report; the count says the rest


@dataclass(frozen=True, slots=True)
class PlanLine:
    change: str  # "added", "changed" or "removed"
    text: str


@dataclass(slots=True)
class PolicyPlan:
    wanted: WantedPolicy
    policy: Policy | None  # the saved policy it is, or None: a new one
    numbers: list[int | None]  # per text: the version holding it, None until saved
    resave_latest: bool = False  # the source's latest is an older version: save it again
    link_huawei_id: bool = False


@dataclass(slots=True)
class ImportPlan:
    wanted: WantedOrg
    nodes: dict[str, Node | None] = field(default_factory=dict)  # key -> node it is (or new)
    removed: list[Node] = field(default_factory=list)  # deepest first
    policies: dict[str, PolicyPlan] = field(default_factory=dict)
    detach: list[Attachment] = field(default_factory=list)
    repin: list[tuple[Attachment, str | None, int | None]] = field(default_factory=list)
    attach: list[tuple[str, str | None, int | None]] = field(default_factory=list)
    lines: list[PlanLine] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, change: str, text: str) -> None:
        self.lines.append(PlanLine(change, text))

    def count(self, change: str) -> int:
        return sum(1 for line in self.lines if line.change == change)

    @property
    def changes(self) -> bool:
        return bool(self.lines)

    @property
    def digest(self) -> str:
        """What was shown, so an apply can refuse when the organization moved meanwhile."""
        shown = "\n".join(f"{line.change}\t{line.text}" for line in self.lines)
        return hashlib.sha256(shown.encode("utf-8", "surrogatepass")).hexdigest()

    @property
    def summary(self) -> str:
        if not self.lines:
            return f"The organization already matches {self.wanted.source}: nothing to change."
        return (
            f"From {self.wanted.source}: {self.count('added'):,} added, "
            f"{self.count('changed'):,} changed, {self.count('removed'):,} removed."
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "summary": self.summary,
            "added": [line.text for line in self.lines if line.change == "added"],
            "changed": [line.text for line in self.lines if line.change == "changed"],
            "removed": [line.text for line in self.lines if line.change == "removed"],
            "notes": list(self.notes),
            "digest": self.digest,
        }


def import_plan(wanted: WantedOrg, *, owner: Any) -> ImportPlan:
    """The dry run of importing `wanted`, policies new to the library going to `owner`."""
    _check(wanted)
    plan = ImportPlan(wanted, notes=list(wanted.notes))
    tree = Tree.load()
    _match_nodes(plan, tree)
    _match_policies(plan, owner)
    _match_attachments(plan, tree)
    return plan


# -- the source's rules -------------------------------------------------------------------


def _check(wanted: WantedOrg) -> None:
    where = wanted.source
    nodes: dict[str, WantedNode] = {}
    depth: dict[str, int] = {}
    ids: set[str] = set()
    for i, node in enumerate(wanted.nodes):
        named = f"{where}: {KINDS.get(node.kind, node.kind)} {node.name!r}"
        if (i == 0) != (node.kind == "root"):
            raise OrgInputError(f"{where}: the root must come first, and only once.", "content")
        if node.key in nodes:
            raise OrgInputError(f"{named}: its id {node.key!r} is listed twice.", "content")
        try:
            clean_node_name(node.name)
            clean_huawei_id(node.huawei_id, node.kind)
        except OrgInputError as exc:
            raise OrgInputError(f"{named}: {exc.message}", "content") from exc
        if node.huawei_id:
            if node.huawei_id in ids:
                raise OrgInputError(f"{named}: another node has its Huawei id.", "content")
            ids.add(node.huawei_id)
        if node.kind != "root":
            parent = nodes.get(node.parent or "")
            if parent is None or parent.kind == "account":
                raise OrgInputError(
                    f"{named}: its parent {node.parent!r} is not an OU or the root listed "
                    "before it.",
                    "content",
                )
            depth[node.key] = depth[parent.key] + (node.kind == "ou")
            if depth[node.key] > max_ou_depth():
                raise OrgInputError(
                    f"{named}: OUs nest at most {max_ou_depth()} levels below the root.", "content"
                )
        else:
            depth[node.key] = 0
        nodes[node.key] = node
    _check_counts(wanted)
    for policy in wanted.policies:
        try:
            clean_name(policy.name)
            clean_description(policy.description)
            for text in policy.texts:
                clean_document(text)
        except PolicyInputError as exc:
            raise OrgInputError(
                f"{where}: policy {policy.name!r}: {exc.message}", "content"
            ) from exc
    _check_attachments(wanted, nodes)


def _check_counts(wanted: WantedOrg) -> None:
    ous = sum(1 for n in wanted.nodes if n.kind == "ou")
    accounts = sum(1 for n in wanted.nodes if n.kind == "account")
    managers = [n for n in wanted.nodes if n.management]
    if ous > max_ous():
        raise OrgInputError(f"{wanted.source} holds {ous:,} OUs; at most {max_ous():,}.", "content")
    if accounts > max_accounts():
        raise OrgInputError(
            f"{wanted.source} holds {accounts:,} accounts; at most {max_accounts():,}.", "content"
        )
    if len(managers) > 1:
        raise OrgInputError(f"{wanted.source} marks two management accounts.", "content")


def _check_attachments(wanted: WantedOrg, nodes: dict[str, WantedNode]) -> None:
    policies = {p.key: p for p in wanted.policies}
    per_node: dict[str, list[str | None]] = {}
    for a in wanted.attachments:
        node = nodes.get(a.node)
        if node is None or (a.policy is not None and a.policy not in policies):
            raise OrgInputError(
                f"{wanted.source}: an attachment names a node or policy it does not list "
                f"({a.node!r}, {a.policy!r}).",
                "content",
            )
        held = per_node.setdefault(a.node, [])
        if a.policy in held:
            name = policies[a.policy].name if a.policy else FULL_ACCESS
            raise OrgInputError(
                f"{wanted.source}: {name} is attached twice to {node.name!r}.", "content"
            )
        held.append(a.policy)
        if len(held) > max_attachments():
            raise OrgInputError(
                f"{wanted.source}: {KINDS[node.kind]} {node.name!r} has more than "
                f"{max_attachments()} SCPs attached; Huawei allows at most {max_attachments()}.",
                "content",
            )


# -- nodes --------------------------------------------------------------------------------------


def _match_nodes(plan: ImportPlan, tree: Tree) -> None:
    wanted = plan.wanted
    by_huawei = {n.huawei_id: n for n in tree.nodes.values() if n.huawei_id}
    by_place: dict[tuple[int | None, str, str], list[Node]] = {}  # (parent, kind, name)
    for n in sorted(tree.nodes.values(), key=lambda n: n.pk):
        by_place.setdefault((n.parent_id, n.kind, n.name), []).append(n)
    taken: set[int] = set()
    names = {n.key: n for n in wanted.nodes}
    for node in wanted.nodes:
        if node.kind == "root":
            found: Node | None = tree.root
        else:
            found = by_huawei.get(node.huawei_id) if node.huawei_id else None
            if found is not None and (found.kind != node.kind or found.pk in taken):
                found = None
            if found is None:
                parent = plan.nodes.get(node.parent or "")
                found = _same_name(by_place, parent, node, taken) if parent is not None else None
        if found is not None:
            taken.add(found.pk)
        plan.nodes[node.key] = found
        _node_lines(plan, names, node, found)
    plan.removed = [n for n in tree.nodes.values() if n.pk not in taken]
    plan.removed.sort(key=lambda n: -len(tree.path(n)))
    for gone in plan.removed:
        plan.add("removed", f"{gone.label} (with its attachments)")


def _same_name(
    by_place: dict[tuple[int | None, str, str], list[Node]],
    parent: Node,
    node: WantedNode,
    taken: set[int],
) -> Node | None:
    for kid in by_place.get((parent.pk, node.kind, node.name), []):
        if kid.pk in taken:
            continue
        if kid.huawei_id and node.huawei_id and kid.huawei_id != node.huawei_id:
            continue
        return kid
    return None


def _node_lines(
    plan: ImportPlan, names: dict[str, WantedNode], node: WantedNode, found: Node | None
) -> None:
    named = f"{KINDS[node.kind]} {node.name}" + (f" ({node.huawei_id})" if node.huawei_id else "")
    parent = _wanted_name(names, node.parent)
    if found is None:
        plan.add("added", f"{named} under {parent}")
        return
    if found.name != node.name:
        plan.add("changed", f"{found.label} renamed {node.name}")
    if node.huawei_id != found.huawei_id and (node.huawei_id or node.kind != "root"):
        plan.add("changed", f"{named}: Huawei id {node.huawei_id or '(none)'}")
    wanted_parent = plan.nodes.get(node.parent or "")
    if node.kind != "root" and (wanted_parent is None or wanted_parent.pk != found.parent_id):
        plan.add("changed", f"{named} moved under {parent}")
    if node.management is not None and node.management != found.management:
        plan.add(
            "changed",
            f"{named} {'is now' if node.management else 'is no longer'} the management account",
        )


def _wanted_name(names: dict[str, WantedNode], key: str | None) -> str:
    node = names.get(key or "")
    if node is None:
        return "nothing"
    return "the root" if node.kind == "root" else f"{KINDS[node.kind]} {node.name}"


# -- policies -----------------------------------------------------------------------------------


def _match_policies(plan: ImportPlan, owner: Any) -> None:
    wanted = plan.wanted.policies
    linked = {
        row.huawei_id: row.policy
        for row in PolicyHuaweiId.objects.filter(
            huawei_id__in=[p.huawei_id for p in wanted if p.huawei_id]
        ).select_related("policy")
    }
    owned = {}
    if owner is not None and getattr(owner, "is_authenticated", False):
        names = [p.name for p in wanted]
        owned = {p.name: p for p in Policy.objects.filter(owner=owner, name__in=names)}
    chosen = [linked.get(p.huawei_id) if p.huawei_id else None for p in wanted]
    taken = {p.pk for p in chosen if p is not None}
    linked_ids = set(
        PolicyHuaweiId.objects.filter(policy__in=owned.values()).values_list("policy_id", flat=True)
    )
    for i, p in enumerate(wanted):
        same = owned.get(p.name)
        free = same is not None and same.pk not in taken
        # a policy of the owner's that another Huawei id already names is not this one
        if chosen[i] is None and free and not (p.huawei_id and same.pk in linked_ids):
            chosen[i] = same
            taken.add(same.pk)
    texts = _version_texts([c.pk for c in chosen if c is not None])
    for p, policy in zip(wanted, chosen, strict=True):
        held = texts.get(policy.pk, {}) if policy is not None else {}
        plan.policies[p.key] = _policy_plan(plan, p, policy, held)
    _name_clashes(plan, owned)


def _version_texts(policy_ids: list[int]) -> dict[int, dict[int, str]]:
    out: dict[int, dict[int, str]] = {}
    found = PolicyVersion.objects.filter(policy_id__in=policy_ids).values_list(
        "policy_id", "number", "document"
    )
    for policy_id, number, document in found.iterator():
        out.setdefault(policy_id, {})[number] = document
    return out


def _policy_plan(
    plan: ImportPlan, wanted: WantedPolicy, policy: Policy | None, texts: dict[int, str]
) -> PolicyPlan:
    named = f"policy {wanted.name}" + (f" ({wanted.huawei_id})" if wanted.huawei_id else "")
    if policy is None:
        count = len(wanted.texts)
        more = f" with {count} versions" if count > 1 else ""
        plan.add("added", f"{named}{more}")
        return PolicyPlan(wanted, None, [None] * count, link_huawei_id=bool(wanted.huawei_id))
    by_text: dict[str, int] = {}
    for number in sorted(texts):
        by_text[texts[number]] = number
    numbers: list[int | None] = []
    for position, text in enumerate(wanted.texts, start=1):
        numbers.append(position if texts.get(position) == text else by_text.get(text))
    result = PolicyPlan(wanted, policy, numbers)
    new = sum(1 for n in numbers if n is None)
    latest = max(texts, default=0)
    # the source's latest text must end up the latest version (what "follows" reads)
    if numbers[-1] is not None and (numbers[-1] != latest or new):
        result.resave_latest = True
        new += 1
    if new:
        plan.add("changed", f"{named}: {new} new version{'s' if new > 1 else ''} of {policy.name}")
    if wanted.huawei_id and not PolicyHuaweiId.objects.filter(policy=policy).exists():
        result.link_huawei_id = True
        plan.add("changed", f"{policy.name} is {wanted.huawei_id} at Huawei")
    return result


def _name_clashes(plan: ImportPlan, owned: dict[str, Policy]) -> None:
    """Two new policies of one name (or a new one named like one of the owner's matched
    elsewhere) cannot both be saved: the later ones are numbered, and a note says so."""
    used = {p.name for p in owned.values()}
    for item in plan.policies.values():
        if item.policy is not None:
            used.add(item.policy.name)
    for item in plan.policies.values():
        if item.policy is not None:
            continue
        name, n = item.wanted.name, 2
        while name in used:
            suffix = f" {n}"
            name, n = item.wanted.name[: 64 - len(suffix)].rstrip(" ") + suffix, n + 1
        if name != item.wanted.name:
            plan.notes.append(
                f"Another policy is already named {item.wanted.name}: the imported one is "
                f"saved as {name}."
            )
            item.wanted = WantedPolicy(
                item.wanted.key, name, item.wanted.description, item.wanted.huawei_id,
                item.wanted.texts,
            )  # fmt: skip
        used.add(name)


# -- attachments --------------------------------------------------------------------------------


def _match_attachments(plan: ImportPlan, tree: Tree) -> None:
    wanted = plan.wanted
    matched = {node.pk: key for key, node in plan.nodes.items() if node is not None}
    existing = Attachment.objects.filter(node_id__in=matched).select_related("policy", "version")
    have: dict[str, dict[Any, Attachment]] = {}
    for row in existing.order_by("id"):
        have.setdefault(matched[row.node_id], {})[row.policy_id or FULL_ACCESS] = row
    want: dict[str, list[tuple[str | None, int | None]]] = {}
    for a in wanted.attachments:
        want.setdefault(a.node, []).append((a.policy, a.version))
    names = {n.key: n for n in wanted.nodes}
    for key, node in names.items():
        rows = want.get(key, [])
        if not rows:
            rows = [(None, None)]
            plan.notes.append(
                f"{KINDS[node.kind]} {node.name} has no service control policy in "
                f"{wanted.source}: {FULL_ACCESS} is attached, as Huawei does to every node."
            )
        held = dict(have.get(key, {}))
        where = "the root" if node.kind == "root" else f"{KINDS[node.kind]} {node.name}"
        for policy_key, version in rows:
            item = plan.policies.get(policy_key) if policy_key else None
            label = item.wanted.name if item else FULL_ACCESS
            pinned = f" (version {version})" if version else ""
            if policy_key is None:
                current = held.pop(FULL_ACCESS, None)
            elif item is not None and item.policy is not None:
                current = held.pop(item.policy.pk, None)
            else:
                current = None  # a policy new to the library
            if current is None:
                plan.attach.append((key, policy_key, version))
                plan.add("added", f"{label}{pinned} attached to {where}")
                continue
            now = current.version.number if current.version else None
            wanted_number = item.numbers[version - 1] if item and version else None
            if (now is None) != (version is None) or (version and now != wanted_number):
                plan.repin.append((current, policy_key, version))
                follows = pinned or " (following the latest version)"
                plan.add("changed", f"{label} at {where} now{follows}")
        for row in held.values():
            plan.detach.append(row)
            plan.add("removed", f"{row.policy_name} detached from {where}")


def plan_lines(plan: ImportPlan, *, dry_run: bool) -> list[str]:
    """The dry run (or what was done) in lines, for the command and the admin page."""
    lines = [("Dry run: " if dry_run else "") + plan.summary]
    for change in ("added", "changed", "removed"):
        found = [line.text for line in plan.lines if line.change == change]
        for text in found[:LISTED]:
            lines.append(f"  {change}: {text}")
        if len(found) > LISTED:
            lines.append(f"  ... and {len(found) - LISTED:,} more {change}")
    lines += [f"  note: {note}" for note in plan.notes]
    if dry_run and plan.changes:
        lines.append("Nothing was written (--dry-run).")
    return lines
