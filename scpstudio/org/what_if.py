"""What if: attach a policy (a saved version, or the editor's unsaved draft) to a node,
detach one, or move an OU or an account, without saving anything. For every account below
the node, the APIs whose outcome changes (from what to what, and which statement), by the
engine's exact diff over the account's path before and after (`engine.diff.diff_paths`):
the same diff the library's compare uses, on levels.

Accounts whose paths hold the same SCPs before and after (levels allowing everything left
out) ask the same question: it is answered once and the answer shared, each account
naming its own levels. The whole what-if has a time budget (`WHAT_IF_BUDGET_MS`): a
question asked after it is spent is answered "not decided", never "unchanged".
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from scpstudio.engine import diff_clock
from scpstudio.engine.catalog import Catalog
from scpstudio.engine.decision import DecidedBy
from scpstudio.engine.diff import DEFAULT_BUDGET_MS, OutcomeChange, diff_paths
from scpstudio.engine.evaluate import Level
from scpstudio.engine.policy import Policy as CompiledPolicy
from scpstudio.engine.preview import PreviewContext
from scpstudio.org.evaluation import (
    MANAGEMENT_NOTE,
    AttachedPolicy,
    allows_everything,
    compile_attached,
    resolve,
)
from scpstudio.org.models import Node
from scpstudio.org.rules import OrgInputError, max_attachments, max_ou_depth
from scpstudio.org.selectors import Tree, attachments_by_node

ATTACH, DETACH, MOVE = "attach", "detach", "move"
ACTIONS = (ATTACH, DETACH, MOVE)
WHAT_IF_BUDGET_MS = 10_000  # the whole what-if's; each question gets the diff's own budget


@dataclass(frozen=True, slots=True)
class Change:
    """What is asked: `action` at `node`; `policy` the compiled policy attached (with
    `policy_key` saying which version or "draft"), `detach` the attachment's key,
    `parent` where the node moves."""

    action: str
    node: Node
    policy: CompiledPolicy | None = None
    policy_key: Any = None
    detach: Any = None
    parent: Node | None = None


@dataclass(frozen=True, slots=True)
class ApiChange:
    method: str
    path: str
    change: OutcomeChange
    level: Node | None  # the node whose statement explains the change

    @property
    def decided_by(self) -> DecidedBy | None:
        return self.change.decided_by


@dataclass(frozen=True, slots=True)
class AccountChanges:
    account: Node
    apis: tuple[ApiChange, ...]
    note: str = ""


@dataclass(slots=True)
class WhatIf:
    change: Change
    accounts: list[AccountChanges] = field(default_factory=list)
    checked: int = 0  # accounts below the node
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass(slots=True)
class _Slot:
    """One level of an account's path as evaluated: its node and what is attached."""

    node: Node
    policies: list[CompiledPolicy]
    key: tuple[Any, ...]


def what_if(
    change: Change,
    catalog: Catalog,
    context: PreviewContext | None = None,
    *,
    budget_ms: float = WHAT_IF_BUDGET_MS,
) -> WhatIf:
    """The accounts below `change.node` whose APIs change outcome, and how."""
    started = time.monotonic()
    # the diffs' budget is counted on their clock (this thread's CPU time, diff_clock)
    deadline = diff_clock.now() + budget_ms / 1000
    tree = Tree.load()
    node = tree.nodes[change.node.pk]
    attached = resolve(attachments_by_node())
    result = WhatIf(change)
    result.notes += _notes(change, tree, attached)
    memo: dict[Any, Any] = {}
    for account in tree.accounts_below(node):
        result.checked += 1
        if account.management:
            result.accounts.append(AccountChanges(account, (), MANAGEMENT_NOTE))
            continue
        before = _slots(tree.path(account), attached, catalog)
        after = _slots(_path_after(change, tree, account), attached, catalog, change)
        key = (tuple(s.key for s in before), tuple(s.key for s in after))
        if key not in memo:
            left = (deadline - diff_clock.now()) * 1000
            memo[key] = diff_paths(
                _levels(before),
                _levels(after),
                catalog,
                context,
                budget_ms=max(0.0, min(DEFAULT_BUDGET_MS, left)),
            )
        apis = tuple(_api_changes(memo[key], before, after))
        if apis:
            result.accounts.append(AccountChanges(account, apis))
    result.seconds = time.monotonic() - started
    return result


def _path_after(change: Change, tree: Tree, account: Node) -> list[Node]:
    path = tree.path(account)
    if change.action != MOVE or change.parent is None:
        return path
    at = next(i for i, n in enumerate(path) if n.pk == change.node.pk)
    return tree.path(change.parent) + path[at:]


def _slots(
    path: Sequence[Node],
    attached: dict[int, list[AttachedPolicy]],
    catalog: Catalog,
    change: Change | None = None,
) -> list[_Slot]:
    """The path's levels as evaluated (levels allowing everything left out: they change
    no outcome), with the change applied at its node."""
    out = []
    for node in path:
        rows = attached.get(node.pk, [])
        keys = [a.key for a in rows]
        policies = [compile_attached(a, catalog) for a in rows]
        if change is not None and node.pk == change.node.pk:
            if change.action == ATTACH and change.policy is not None:
                keys.append(change.policy_key)
                policies.append(change.policy)
            elif change.action == DETACH:
                kept = [i for i, a in enumerate(rows) if a.attachment.pk != change.detach]
                keys = [keys[i] for i in kept]
                policies = [policies[i] for i in kept]
        if not allows_everything(policies):
            out.append(_Slot(node, policies, tuple(keys)))
    return out


def _levels(slots: Sequence[_Slot]) -> list[Level]:
    # positional names: accounts sharing a question share its answer, each naming its own
    return [Level(f"#{i}", s.policies, False) for i, s in enumerate(slots)]


def _api_changes(diff: Any, before: Sequence[_Slot], after: Sequence[_Slot]) -> list[ApiChange]:
    out = []
    for c in diff.of_kind("api"):
        deciding = c.decided_by
        level = None
        if deciding is not None and deciding.level and deciding.level.startswith("#"):
            slots = after if c.decided_by_side == "after" else before
            index = int(deciding.level[1:])
            level = slots[index].node if index < len(slots) else None
        out.append(ApiChange(c.method, c.path, c, level))
    return out


def _notes(change: Change, tree: Tree, attached: dict[int, list[AttachedPolicy]]) -> list[str]:
    """What Huawei would refuse of this change, said beside the answer (nothing is saved)."""
    node = change.node
    held = len(attached.get(node.pk, []))
    notes = []
    if change.action == ATTACH and held >= max_attachments():
        notes.append(
            f"{node.label} already has {held} SCPs attached: Huawei allows at most "
            f"{max_attachments()}, so it would refuse this attachment until one is detached."
        )
    if change.action == DETACH and held <= 1:
        notes.append(
            f"This is the last SCP attached to {node.label}: a node keeps at least one, so "
            "this detachment would be refused."
        )
    return notes


def check_move(node: Node, parent: Node | None) -> None:
    """The move rules `services.node_move` applies, asked before a what-if of a move."""
    tree = Tree.load()
    if node.is_root:
        raise OrgInputError("The root does not move: it holds everything else.", "parent")
    if parent is None or parent.is_account:
        raise OrgInputError("Say where the node goes: the root or an OU.", "parent")
    if any(n.pk == node.pk for n in tree.path(parent)):
        raise OrgInputError(
            f"{parent.label} is {'the node itself' if parent.pk == node.pk else 'inside it'}: "
            "a node cannot move under itself or one of its own descendants.",
            "parent",
        )
    if node.is_ou and tree.ou_depth(parent) + tree.subtree_height(node) > max_ou_depth():
        raise OrgInputError(
            f"Under {parent.label}, the OUs of {node.label} would nest deeper than "
            f"{max_ou_depth()} levels below the root.",
            "parent",
        )
