"""Reading Huawei Organizations' answers into an `OrgSnapshot`, wherever they come from.

The walk asks, in this order: `GET /v1/organizations/roots`; for the root and then each OU
(parents first), `organizational-units?parent_id=` and `accounts?parent_id=`; `policies`
(every policy of the organization, `attached_entity_id` left out: one listing instead of
one per node); and for each service control policy `policies/{id}` (its content) and
`policies/{id}/attached-entities` (where it is attached). An `Answers` source (saved files,
`files.FolderAnswers`, or the SDK, `live.LiveAnswers`) hands back the decoded pages of each
request; this module checks each page's shape and the paging (`page_info{current_count,
next_marker}`: every page but the last names the next), and says in a sentence, naming the
request, the page and the item, whatever is not as Huawei documents it. Both sources go
through the same checks, so a saved answer and a live one give the same snapshot.

Only `service_control_policy` policies are kept; tag policies (and any other type) are
counted and said in `OrgSnapshot.skipped`. Limits (`ImportLimits`) are checked as the walk
reads, so a source that never ends stops with a sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Protocol

from scpstudio.org_import.snapshot import (
    ACCOUNT,
    OU,
    ROOT,
    SCP_TYPE,
    ImportLimits,
    OrgAccount,
    OrgAttachment,
    OrgImportError,
    OrgPolicy,
    OrgRoot,
    OrgSnapshot,
    OrgUnit,
)

API = "/v1/organizations"
# what an id may be: Huawei's shapes use letters, digits, "-" and "_"; anything else (a
# slash, a dot) could also name another file of a saved folder, so it is refused
_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")
_PREFIX = {ROOT: "r-", OU: "ou-", "policy": "p-"}
LISTS = {
    "roots": "roots",
    "organizational-units": "organizational_units",
    "accounts": "accounts",
    "policies": "policies",
    "attached-entities": "attached_entities",
}


@dataclass(frozen=True, slots=True)
class Ask:
    """One request of the walk: `kind` and the parent or policy id it names."""

    kind: str  # "roots", "organizational-units", "accounts", "policies", "policy", ...
    key: str = ""

    @property
    def request(self) -> str:
        if self.kind in ("organizational-units", "accounts"):
            return f"GET {API}/{self.kind}?parent_id={self.key}"
        if self.kind == "policy":
            return f"GET {API}/policies/{self.key}"
        if self.kind == "attached-entities":
            return f"GET {API}/policies/{self.key}/attached-entities"
        return f"GET {API}/{self.kind}"

    @property
    def file(self) -> str:
        """Where a saved folder keeps this answer (see `files`)."""
        if self.kind in ("organizational-units", "accounts"):
            return f"{self.kind}/{self.key}.json"
        if self.kind == "policy":
            return f"policies/{self.key}.json"
        if self.kind == "attached-entities":
            return f"policies/{self.key}/attached-entities.json"
        return f"{self.kind}.json"

    @property
    def paged(self) -> bool:
        return self.kind != "policy"


class Answers(Protocol):
    """A source of Huawei's answers: saved files or the live API."""

    def pages(self, ask: Ask, limits: ImportLimits) -> list[Any]:
        """The decoded JSON answers to one request, every page in order (one when the
        request is not paged). Raises OrgImportError with a sentence."""
        ...

    def where(self, ask: Ask) -> str:
        """The request (and file) in words, to begin a sentence about its answer."""
        ...


def next_marker(page: Any, where: str) -> str | None:
    """The marker of the page after this one, or None when this is the last."""
    if not isinstance(page, dict):
        raise OrgImportError(f"{where}: the answer must be a JSON object, not {_a(page)}.")
    info = page.get("page_info")
    if info is None:
        return None
    if not isinstance(info, dict):
        raise OrgImportError(f"{where}: page_info must be an object, not {_a(info)}.")
    marker = info.get("next_marker")
    if marker is None or marker == "":
        return None
    if not isinstance(marker, str):
        raise OrgImportError(f"{where}: page_info.next_marker must be a string, not {_a(marker)}.")
    return marker


def _a(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _items(source: Answers, ask: Ask, limits: ImportLimits) -> list[tuple[str, dict[str, Any]]]:
    """Every item of a listing, each with where it stands (for sentences)."""
    pages = source.pages(ask, limits)
    where = source.where(ask)
    if not pages:
        raise OrgImportError(f"{where}: there is no answer.")
    name = LISTS[ask.kind]
    out: list[tuple[str, dict[str, Any]]] = []
    for number, page in enumerate(pages, start=1):
        at = f"{where}, page {number}" if len(pages) > 1 else where
        marker = next_marker(page, at)
        found = page.get(name)
        if not isinstance(found, list):
            raise OrgImportError(f"{at}: {name} must be a list, not {_a(found)}.")
        info = page.get("page_info")
        count = info.get("current_count") if isinstance(info, dict) else None
        if count is not None and (
            isinstance(count, bool) or not isinstance(count, int) or count != len(found)
        ):
            raise OrgImportError(
                f"{at}: page_info.current_count says {count!r} but the page lists "
                f"{len(found)} {name}."
            )
        if marker is not None and number == len(pages):
            raise OrgImportError(
                f"{at}: the last page says more follow (next_marker {marker!r}); every page "
                "of the answer is needed."
            )
        for index, item in enumerate(found):
            item_at = f"{at}, {name}[{index}]"
            if not isinstance(item, dict):
                raise OrgImportError(f"{item_at}: must be an object, not {_a(item)}.")
            out.append((item_at, item))
    return out


def _text(item: dict[str, Any], field: str, at: str, *, required: bool = True) -> str:
    value = item.get(field)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value):
        raise OrgImportError(f'{at}: "{field}" must be a non-empty string, not {_a(value)}.')
    return value


def _id(item: dict[str, Any], at: str, kind: str) -> str:
    value = _text(item, "id", at)
    prefix = _PREFIX.get(kind, "")
    if not _ID.fullmatch(value) or not value.startswith(prefix):
        shape = f'"{prefix}" then letters, digits' if prefix else "letters, digits"
        raise OrgImportError(
            f'{at}: the id {value[:140]!r} is not a Huawei id ({shape}, "-", "_").'
        )
    return value


class _Walk:
    def __init__(self, source: Answers, limits: ImportLimits) -> None:
        self.source = source
        self.limits = limits
        self.units: list[OrgUnit] = []
        self.accounts: list[OrgAccount] = []
        self.placed: dict[str, str] = {}  # node id -> where it was read (no node twice)
        self.kinds: dict[str, str] = {}  # node id -> ROOT, OU or ACCOUNT

    def root(self) -> OrgRoot:
        found = _items(self.source, Ask("roots"), self.limits)
        if len(found) != 1:
            where = self.source.where(Ask("roots"))
            if not found:
                raise OrgImportError(f"{where}: the organization has no root.")
            raise OrgImportError(
                f"{where}: the organization has {len(found)} roots; one organization (one "
                "root) is imported per installation."
            )
        at, item = found[0]
        types = item.get("policy_types") or []
        if not isinstance(types, list) or not all(isinstance(t, dict) for t in types):
            raise OrgImportError(f"{at}: policy_types must be a list of objects.")
        root = OrgRoot(
            _id(item, at, ROOT), _text(item, "urn", at, required=False), _text(item, "name", at),
            tuple(types),
        )  # fmt: skip
        self._place(root.id, ROOT, at)
        return root

    def _place(self, node: str, kind: str, at: str) -> None:
        if node in self.placed:
            raise OrgImportError(f"{at}: {node} was already read at {self.placed[node]}.")
        self.placed[node] = at
        self.kinds[node] = kind

    def tree(self, root: OrgRoot) -> None:
        queue: list[tuple[str, int]] = [(root.id, 0)]
        for parent, depth in queue:  # parents first; the queue grows as OUs are read
            for at, item in _items(self.source, Ask("organizational-units", parent), self.limits):
                unit = OrgUnit(
                    _id(item, at, OU), _text(item, "urn", at, required=False),
                    _text(item, "name", at), parent, _text(item, "created_at", at, required=False),
                )  # fmt: skip
                if depth + 1 > self.limits.max_depth:
                    raise OrgImportError(
                        f"{at}: {unit.id} is {depth + 1} OU levels below the root; at most "
                        f"{self.limits.max_depth} are allowed."
                    )
                if len(self.units) >= self.limits.max_units:
                    raise OrgImportError(
                        f"{at}: the organization has more than {self.limits.max_units:,} OUs."
                    )
                self._place(unit.id, OU, at)
                self.units.append(unit)
                queue.append((unit.id, depth + 1))
            for at, item in _items(self.source, Ask("accounts", parent), self.limits):
                account = OrgAccount(
                    _id(item, at, ACCOUNT), _text(item, "urn", at, required=False),
                    _text(item, "name", at), parent,
                    _text(item, "join_method", at, required=False),
                    _text(item, "joined_at", at, required=False),
                    _text(item, "status", at, required=False),
                )  # fmt: skip
                if len(self.accounts) >= self.limits.max_accounts:
                    raise OrgImportError(
                        f"{at}: the organization has more than {self.limits.max_accounts:,} "
                        "accounts."
                    )
                self._place(account.id, ACCOUNT, at)
                self.accounts.append(account)

    def policies(self) -> tuple[list[OrgPolicy], list[OrgAttachment], list[str]]:
        listed = _items(self.source, Ask("policies"), self.limits)
        if len(listed) > self.limits.max_policies:
            raise OrgImportError(
                f"{self.source.where(Ask('policies'))}: the organization has {len(listed):,} "
                f"policies; at most {self.limits.max_policies:,} are read."
            )
        policies: list[OrgPolicy] = []
        attachments: list[OrgAttachment] = []
        other: dict[str, int] = {}
        seen: set[str] = set()
        for at, item in listed:
            kind = _text(item, "type", at)
            policy_id = _id(item, at, "policy")
            if policy_id in seen:
                raise OrgImportError(f"{at}: the policy {policy_id} is listed twice.")
            seen.add(policy_id)
            if kind != SCP_TYPE:
                other[kind] = other.get(kind, 0) + 1
                continue
            builtin = item.get("is_builtin", False)
            if not isinstance(builtin, bool):
                raise OrgImportError(
                    f'{at}: "is_builtin" must be true or false, not {_a(builtin)}.'
                )
            content = self._content(policy_id)
            policies.append(
                OrgPolicy(
                    policy_id, _text(item, "urn", at, required=False), _text(item, "name", at),
                    _text(item, "description", at, required=False), builtin, content,
                )
            )  # fmt: skip
            attachments.extend(self._attachments(policy_id))
        return policies, attachments, _skipped(other)

    def _content(self, policy_id: str) -> str:
        ask = Ask("policy", policy_id)
        pages = self.source.pages(ask, self.limits)
        at = self.source.where(ask)
        page = pages[0] if len(pages) == 1 else None
        if not isinstance(page, dict):
            raise OrgImportError(f"{at}: the answer must be one JSON object, not {_a(page)}.")
        policy = page.get("policy")
        if not isinstance(policy, dict):
            raise OrgImportError(f"{at}: policy must be an object, not {_a(policy)}.")
        content = policy.get("content")
        if not isinstance(content, str):
            raise OrgImportError(f"{at}: policy.content must be a string, not {_a(content)}.")
        if len(content) > self.limits.max_content_chars:
            raise OrgImportError(
                f"{at}: the policy's content has {len(content):,} characters; at most "
                f"{self.limits.max_content_chars:,} are read."
            )
        summary = policy.get("policy_summary")
        if isinstance(summary, dict) and summary.get("id") not in (None, policy_id):
            raise OrgImportError(
                f"{at}: the answer describes {summary.get('id')!r}, not {policy_id}."
            )
        return content

    def _attachments(self, policy_id: str) -> list[OrgAttachment]:
        found = _items(self.source, Ask("attached-entities", policy_id), self.limits)
        if len(found) > self.limits.max_attachments_per_policy:
            raise OrgImportError(
                f"{self.source.where(Ask('attached-entities', policy_id))}: more than "
                f"{self.limits.max_attachments_per_policy:,} attachments."
            )
        out: list[OrgAttachment] = []
        for at, item in found:
            kind = _text(item, "type", at)
            if kind not in (ROOT, OU, ACCOUNT):
                raise OrgImportError(
                    f'{at}: "type" must be root, organizational_unit or account, not {kind!r}.'
                )
            node = _id(item, at, kind)
            if self.kinds.get(node) != kind:
                raise OrgImportError(
                    f"{at}: {policy_id} is attached to the {kind.replace('_', ' ')} {node}, "
                    "which is not in the organization's tree as read."
                )
            out.append(OrgAttachment(policy_id, node, kind))
        return out


def _skipped(other: dict[str, int]) -> list[str]:
    out = []
    tags = other.pop("tag_policy", 0)
    if tags:
        were = "policy was" if tags == 1 else "policies were"
        out.append(
            f"{tags} tag {were} counted and skipped: only service control policies are imported."
        )
    for kind, count in sorted(other.items()):
        were = "policy" if count == 1 else "policies"
        out.append(
            f"{count} {were} of type {kind!r} skipped: only service control policies are imported."
        )
    return out


def build_snapshot(source: Answers, limits: ImportLimits | None = None) -> OrgSnapshot:
    """The organization from a source of Huawei's answers; OrgImportError with a sentence
    for anything not as documented."""
    walk = _Walk(source, limits or ImportLimits())
    root = walk.root()
    walk.tree(root)
    policies, attachments, skipped = walk.policies()
    return OrgSnapshot(
        root, tuple(walk.units), tuple(walk.accounts), tuple(policies), tuple(attachments),
        tuple(skipped),
    )  # fmt: skip
