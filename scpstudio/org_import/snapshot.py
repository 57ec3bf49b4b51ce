"""The organization as Huawei describes it, in plain data: what an import reads, before
anything is written (the organization app turns it into its tree).

`OrgSnapshot` holds the root, the OUs (each after its parent), the accounts, the service
control policies with their content exactly as Huawei gave it, and the attachments. Ids are
Huawei's (`r-...`, `ou-...`, `p-...`, account ids as given). `skipped` says in sentences what
was read and left out (tag policies, counted). `to_json()` gives the same data as a JSON
object, in the order read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ROOT, OU, ACCOUNT = "root", "organizational_unit", "account"  # Huawei's entity types
SCP_TYPE = "service_control_policy"


class OrgImportError(Exception):
    """An answer (a file, or Huawei live) that cannot be read whole, as one sentence naming
    where. Nothing of an import that raised it may be applied."""

    def __init__(self, sentence: str) -> None:
        super().__init__(sentence)
        self.sentence = sentence


@dataclass(frozen=True, slots=True)
class ImportLimits:
    """What one import reads at most (Huawei's quotas by default): checked as it reads."""

    max_depth: int = 5  # OU levels below the root
    max_units: int = 1_000
    max_accounts: int = 10_000
    max_policies: int = 1_000  # of every type, as listed
    max_attachments_per_policy: int = 12_000
    max_pages: int = 1_000  # pages of one listing
    max_content_chars: int = 100_000  # one policy's content (the engine reads no more)


@dataclass(frozen=True, slots=True)
class OrgRoot:
    id: str
    urn: str
    name: str
    policy_types: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True, slots=True)
class OrgUnit:
    id: str
    urn: str
    name: str
    parent_id: str
    created_at: str = ""


@dataclass(frozen=True, slots=True)
class OrgAccount:
    id: str
    urn: str
    name: str
    parent_id: str
    join_method: str = ""
    joined_at: str = ""
    status: str = ""


@dataclass(frozen=True, slots=True)
class OrgPolicy:
    id: str
    urn: str
    name: str
    description: str
    builtin: bool
    content: str  # exactly the text Huawei returned


@dataclass(frozen=True, slots=True)
class OrgAttachment:
    policy_id: str
    entity_id: str
    entity_type: str  # "root", "organizational_unit" or "account"


@dataclass(frozen=True, slots=True)
class OrgSnapshot:
    root: OrgRoot
    units: tuple[OrgUnit, ...] = ()
    accounts: tuple[OrgAccount, ...] = ()
    policies: tuple[OrgPolicy, ...] = ()
    attachments: tuple[OrgAttachment, ...] = ()
    skipped: tuple[str, ...] = field(default=())

    def depth_of(self, unit_id: str) -> int:
        """OU levels from the root down to this OU (an OU under the root: 1)."""
        parents = {u.id: u.parent_id for u in self.units}
        depth, at = 0, unit_id
        while at in parents:
            depth, at = depth + 1, parents[at]
        return depth

    @property
    def summary(self) -> str:
        return (
            f"Root {self.root.name} ({self.root.id}): {len(self.units):,} OUs, "
            f"{len(self.accounts):,} accounts, {len(self.policies):,} service control "
            f"policies, {len(self.attachments):,} attachments."
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "root": {
                "id": self.root.id,
                "urn": self.root.urn,
                "name": self.root.name,
                "policy_types": list(self.root.policy_types),
            },
            "organizational_units": [
                {"id": u.id, "urn": u.urn, "name": u.name, "parent_id": u.parent_id,
                 "created_at": u.created_at}
                for u in self.units
            ],
            "accounts": [
                {"id": a.id, "urn": a.urn, "name": a.name, "parent_id": a.parent_id,
                 "join_method": a.join_method, "joined_at": a.joined_at, "status": a.status}
                for a in self.accounts
            ],
            "policies": [
                {"id": p.id, "urn": p.urn, "name": p.name, "description": p.description,
                 "is_builtin": p.builtin, "content": p.content}
                for p in self.policies
            ],
            "attachments": [
                {"policy_id": a.policy_id, "entity_id": a.entity_id, "entity_type": a.entity_type}
                for a in self.attachments
            ],
            "skipped": list(self.skipped),
        }  # fmt: skip
