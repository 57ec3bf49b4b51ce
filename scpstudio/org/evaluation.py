"""The organization as the engine sees it: the SCPs along a node's path as engine
`Level`s, the effective preview of an account or an OU
(`engine.preview_whole.preview_whole_catalog`: every API of the catalog, the actions no
statement on the path names decided in one step), and the per-account summary a tree
page shows (on the same path: outcomes counted without making the rows that share one).

Versions are immutable, so each is compiled once per process, for evaluation alone
(`engine.policy_stored.compile_stored`: no positioned tree, which only the editor needs),
and kept (keyed by the version's id, the catalog's revision and the policy's name, which
the preview shows): `compiled_version`, a bounded LRU that is only a cache. An attachment
following the latest version is resolved to that version's id by a query per page, so a
new version is used at once, in every worker.

The management account is evaluated with no levels: SCPs do not restrict it.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import F

from scpstudio.engine.catalog import Catalog
from scpstudio.engine.evaluate import ALLOWED, CONDITIONAL, Level, full_access_policy
from scpstudio.engine.policy import Policy as CompiledPolicy
from scpstudio.engine.policy_stored import compile_stored
from scpstudio.engine.preview import Preview, PreviewContext
from scpstudio.engine.preview_whole import preview_whole_catalog
from scpstudio.engine.statement_memory import forget_statements
from scpstudio.org.models import Attachment, Node, NodeKind
from scpstudio.org.selectors import PathAttachment, Tree, attachments_by_node, path_attached
from scpstudio.policies.models import PolicyVersion

MANAGEMENT_NOTE = (
    "This is the management account: SCPs do not restrict it, so every API is allowed "
    "whatever is attached above it."
)
APPLY_NOTE = "Huawei applies an attachment or a detachment within about 30 minutes."
CACHE_SIZE = 2048  # compiled versions a process keeps (a 5,120-character policy: ~100 kB)

_lock = threading.Lock()
_compiled: OrderedDict[tuple[int, int, str], CompiledPolicy] = OrderedDict()
PREVIEW_CACHE_SIZE = 64  # effective previews a process keeps (10,000 APIs: a few MB each)
_previews: OrderedDict[Any, tuple[Catalog, Preview]] = OrderedDict()


def compiled_version(
    version_id: int, name: str, catalog: Catalog, document: str | None = None
) -> CompiledPolicy:
    """The version compiled against the catalog, from this process's cache; `document`
    is read from the database when the cache lacks it and none is given."""
    key = (version_id, catalog.revision, name)
    with _lock:
        found = _compiled.get(key)
        if found is not None:
            _compiled.move_to_end(key)
            return found
    if document is None:
        document = PolicyVersion.objects.values_list("document", flat=True).get(pk=version_id)
    compiled = compile_stored(document, catalog, name=name)
    with _lock:
        _compiled[key] = compiled
        while len(_compiled) > CACHE_SIZE:
            _compiled.popitem(last=False)
    return compiled


def compiled_cache_clear() -> None:
    """Forget every compiled version and kept preview, and what the engine keeps of the
    statements it met (a worker's cold start, for benchmarks and tests)."""
    with _lock:
        _compiled.clear()
        _previews.clear()
    forget_statements()


def preview_cache_clear() -> None:
    """Forget the kept previews only (the compiled versions stay), for benchmarks."""
    with _lock:
        _previews.clear()


@dataclass(frozen=True, slots=True)
class AttachedPolicy:
    """One attachment as evaluated: what it is called, which version it stands for."""

    attachment: Attachment
    version_id: int | None  # None for FullAccess
    number: int | None

    @property
    def pinned_number(self) -> int | None:
        return self.number if self.attachment.version_id is not None else None

    @property
    def builtin(self) -> bool:
        return bool(self.attachment.builtin)

    @property
    def key(self) -> Any:
        """What the evaluation depends on: the version (or FullAccess)."""
        return self.version_id if self.version_id is not None else self.attachment.builtin


def resolve(attachments: dict[int, list[Attachment]]) -> dict[int, list[AttachedPolicy]]:
    """Each attachment with the version it stands for now: its pinned version, or its
    policy's latest (one query for all of them)."""
    following = {
        a.policy_id
        for rows in attachments.values()
        for a in rows
        if a.policy_id is not None and a.version_id is None
    }
    latest: dict[int, tuple[int, int]] = {}
    if following:
        found = PolicyVersion.objects.filter(
            policy_id__in=following, number=F("policy__latest_version")
        ).values_list("pk", "policy_id", "number")
        latest = {policy_id: (pk, number) for pk, policy_id, number in found}
    out: dict[int, list[AttachedPolicy]] = {}
    for node_id, rows in attachments.items():
        resolved = []
        for a in rows:
            if a.policy is None:
                resolved.append(AttachedPolicy(a, None, None))
            elif a.version is not None:
                resolved.append(AttachedPolicy(a, a.version.pk, a.version.number))
            elif a.policy_id in latest:
                pk, number = latest[a.policy_id]
                resolved.append(AttachedPolicy(a, pk, number))
        out[node_id] = resolved
    return out


def compile_attached(attached: AttachedPolicy, catalog: Catalog) -> CompiledPolicy:
    if attached.version_id is None:
        return full_access_policy(catalog)
    assert attached.attachment.policy is not None
    return compiled_version(attached.version_id, attached.attachment.policy.name, catalog)


def level_name(node: Node) -> str:
    """How a level is named in the preview's "decided by" and its conditions."""
    return node.label


def node_levels(
    path: Sequence[Node],
    attached: dict[int, list[AttachedPolicy]],
    catalog: Catalog,
    extra: dict[int, Sequence[CompiledPolicy]] | None = None,
) -> list[Level]:
    """One engine level per node of `path` (root first), with the SCPs attached to it
    (FullAccess among them, as an attachment like any other), plus `extra` policies at
    given nodes (a what-if's draft)."""
    levels = []
    for node in path:
        policies = [compile_attached(a, catalog) for a in attached.get(node.pk, [])]
        policies += list((extra or {}).get(node.pk, ()))
        levels.append(Level(level_name(node), policies, False))
    return levels


def path_levels(node: Node, catalog: Catalog) -> list[Level]:
    """The levels of the node's path as attached now (no level for the management account)."""
    if node.management:
        return []
    path, attached = path_attached(node)
    return _path_levels(path, attached, catalog)


@dataclass(frozen=True, slots=True)
class Effective:
    """What an account (or an account placed directly in an OU) can do."""

    node: Node
    path: list[Node]
    preview: Preview
    note: str = ""  # the management account's

    @property
    def by_level(self) -> dict[str, Node]:
        return {level_name(n): n for n in self.path}


def effective_preview(
    node: Node, catalog: Catalog, context: PreviewContext | None = None
) -> Effective:
    """Every API of the catalog under all SCPs on the path from the root to `node`.

    Its reads are one query (`selectors.path_attached`: the path, what is attached there,
    and the versions that stands for now). The answer is kept per process
    (`PREVIEW_CACHE_SIZE`), keyed by everything it depends on: the catalog, each level's
    name and the versions attached there, and the context; since that key is read from the
    database every time, a new version, an attachment or a rename is seen at once, in
    every worker."""
    path, attached = path_attached(node)
    note = MANAGEMENT_NOTE if node.management else ""
    ctx = context or PreviewContext()
    key = (
        catalog.revision,
        bool(note),
        tuple((level_name(n), tuple(a.key for a in attached.get(n.pk, []))) for n in path),
        json.dumps(ctx.to_json(), sort_keys=True, default=str),
    )
    with _lock:
        kept = _previews.get(key)
        if kept is not None and kept[0] is catalog:
            _previews.move_to_end(key)
            return Effective(node, path, kept[1], note)
    levels = [] if note else _path_levels(path, attached, catalog)
    preview = preview_whole_catalog(levels, catalog, ctx)
    with _lock:
        _previews[key] = (catalog, preview)
        while len(_previews) > PREVIEW_CACHE_SIZE:
            _previews.popitem(last=False)
    return Effective(node, path, preview, note)


def _path_levels(
    path: Sequence[Node], attached: dict[int, list[PathAttachment]], catalog: Catalog
) -> list[Level]:
    """The engine's levels for a path, the versions not compiled yet read in one query."""
    rows = [a for n in path for a in attached.get(n.pk, []) if a.version_id is not None]
    with _lock:
        missing = [a.version_id for a in rows if (a.version_id, catalog.revision, a.policy_name)
                   not in _compiled]  # fmt: skip
    documents = dict(
        PolicyVersion.objects.filter(pk__in=missing).values_list("pk", "document")
        if missing
        else []
    )
    levels = []
    for n in path:
        policies = [
            full_access_policy(catalog)
            if a.version_id is None
            else compiled_version(a.version_id, a.policy_name, catalog, documents.get(a.version_id))
            for a in attached.get(n.pk, [])
        ]
        levels.append(Level(level_name(n), policies, False))
    return levels


# -- the tree page's summary -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Usable:
    """How many APIs an account can use (allowed) and how many more depend on the request."""

    allowed: int
    conditional: int
    total: int


@dataclass(frozen=True, slots=True)
class NodeSummary:
    own: Usable | None  # an account's own figures
    below_min: int | None = None  # for the root and OUs: the fewest and most allowed
    below_max: int | None = None  # of the accounts below
    accounts: int = 0


def allows_everything(policies: Iterable[CompiledPolicy]) -> bool:
    """A level holding FullAccess and no Deny allows every request: it changes nothing."""
    listed = list(policies)
    return any(p.is_full_access for p in listed) and not any(
        s.effect == "Deny" for p in listed for s in p.statements
    )


def tree_summary(catalog: Catalog, tree: Tree | None = None) -> dict[int, NodeSummary]:
    """Per node: for an account how many APIs it can use, for the root and each OU the
    fewest and most of the accounts below. Accounts whose paths hold the same SCPs (levels
    allowing everything left out) share one preview."""
    tree = tree or Tree.load()
    attached = resolve(attachments_by_node())
    compiled: dict[int, list[CompiledPolicy]] = {
        node_id: [compile_attached(a, catalog) for a in rows] for node_id, rows in attached.items()
    }
    memo: dict[Any, Usable] = {}
    own: dict[int, Usable] = {}
    for node in tree.nodes.values():
        if node.kind != NodeKind.ACCOUNT:
            continue
        path = [] if node.management else tree.path(node)
        kept = [n for n in path if not allows_everything(compiled.get(n.pk, []))]
        key = tuple(tuple(a.key for a in attached.get(n.pk, [])) for n in kept)
        if key not in memo:
            levels = [Level("", compiled.get(n.pk, []), False) for n in kept]
            memo[key] = _usable(preview_whole_catalog(levels, catalog))
        own[node.pk] = memo[key]
    # children before parents: each OU's figures from what it holds, once (linear)
    out: dict[int, NodeSummary] = {}
    spans: dict[int, tuple[int | None, int | None, int]] = {}
    for node in reversed([tree.root, *tree.below(tree.root_id)]):
        if node.kind == NodeKind.ACCOUNT:
            out[node.pk] = NodeSummary(own[node.pk], accounts=1)
            spans[node.pk] = (own[node.pk].allowed, own[node.pk].allowed, 1)
            continue
        low: int | None = None
        high: int | None = None
        count = 0
        for kid in tree.children.get(node.pk, []):
            k_low, k_high, k_count = spans[kid]
            if k_count:
                low = k_low if low is None or (k_low is not None and k_low < low) else low
                high = k_high if high is None or (k_high is not None and k_high > high) else high
                count += k_count
        spans[node.pk] = (low, high, count)
        out[node.pk] = NodeSummary(None, low, high, count)
    return out


def _usable(preview: Preview) -> Usable:
    """The counts of a whole-catalog preview: the rows sharing the path's decision are
    counted without being made (`Preview.summary`)."""
    counts = preview.summary
    return Usable(counts[ALLOWED.value], counts[CONDITIONAL.value], counts["apis"])
