"""Packing saved policies into the fewest SCP documents, and saving a proposal as new
policies (issue 19, item 5): the library's face of `engine.packing`.

* `pack_policies(user=, sources=, free_slots=) -> PackProposal` reads the latest version of
  each chosen policy the user may see (`selectors.policy_for`: another person's private
  policy is "not found") and packs them. `sources` are policy ids, or `"<id>@<version>"` to
  say which version the person saw: the proposal is then refused (`PackConflict`, 409) when
  a policy has a newer version, so what is applied is what was shown.
* `apply_pack(user=, proposal=, name=)` saves each proposed document as a new policy of the
  user (`services.create_policy`), all in one transaction: named `name` (one document) or
  "`name` 1 of N", ..., described by the policies and versions it came from.

Faces: the page `/policies/pack/` (views_pack). The organization app's REST endpoint
(`POST /api/v1/org/pack`) is to call the same two functions with the node's free slots;
`PackProposal.to_json()` is its answer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from scpstudio.engine.errors import EngineInputError
from scpstudio.engine.packing import MAX_SOURCES, PackResult, PackSource, pack
from scpstudio.policies import selectors, services
from scpstudio.policies.models import Policy
from scpstudio.policies.rules import NAME_MAX, PolicyInputError
from scpstudio.refusals import Refusal

SCP_PROFILES = ("scp", "scp-2024")
_SOURCE = re.compile(r"(\d{1,18})(?:@(\d{1,9}))?")


class PackConflict(Refusal):
    """A policy changed since the proposal was shown."""

    status_code = 409


@dataclass(frozen=True, slots=True)
class PackedFrom:
    policy: Policy
    version: int

    def to_json(self) -> dict[str, Any]:
        return {"id": self.policy.pk, "name": self.policy.name, "version": self.version}


@dataclass(frozen=True, slots=True)
class PackProposal:
    sources: tuple[PackedFrom, ...]
    result: PackResult
    profile: str

    @property
    def tokens(self) -> list[str]:
        """The sources as `<id>@<version>`: what a form sends back to apply this proposal."""
        return [f"{s.policy.pk}@{s.version}" for s in self.sources]

    def to_json(self) -> dict[str, Any]:
        return {"sources": [s.to_json() for s in self.sources], **self.result.to_json()}


def _wanted(sources: Sequence[Any]) -> list[tuple[str, int | None]]:
    if not sources:
        raise PolicyInputError("Choose at least one policy to pack.", "policies")
    if len(sources) > MAX_SOURCES:
        raise PolicyInputError(
            f"{len(sources)} policies were chosen; at most {MAX_SOURCES} are packed together.",
            "policies",
        )
    out: list[tuple[str, int | None]] = []
    for value in sources:
        found = _SOURCE.fullmatch(str(value).strip())
        if found is None:
            raise PolicyInputError(
                f"{str(value)[:40]!r} is not a policy id (a number, or a number@version).",
                "policies",
            )
        version = int(found.group(2)) if found.group(2) else None
        if found.group(1) not in [pk for pk, _ in out]:
            out.append((found.group(1), version))
    return out


def pack_policies(*, user: Any, sources: Sequence[Any], free_slots: Any) -> PackProposal:
    """The proposal for these policies' latest versions (see the module's docstring)."""
    try:
        slots = int(str(free_slots).strip())
    except ValueError as exc:
        raise PolicyInputError("The free slots must be a whole number.", "free_slots") from exc
    chosen: list[PackedFrom] = []
    for pk, seen in _wanted(sources):
        policy = selectors.policy_for(user, pk, text=True)
        if seen is not None and seen != policy.latest_version:
            raise PackConflict(
                f"{policy.name} changed since the proposal was shown (version {seen}, now "
                f"{policy.latest_version}): look at the new proposal before saving it.",
                "policies",
            )
        if policy.profile not in SCP_PROFILES:
            raise PolicyInputError(
                f"{policy.name} is not a service control policy (its profile is "
                f"{policy.profile}); only SCPs are packed.",
                "policies",
            )
        chosen.append(PackedFrom(policy, policy.latest_version))
    texts = [PackSource(p.policy.name, p.policy.document) for p in chosen]
    profiles = {p.policy.profile for p in chosen}
    profile = profiles.pop() if len(profiles) == 1 else "scp"
    try:
        result = pack(texts, free_slots=slots, profile=profile)
    except EngineInputError as exc:
        field = "free_slots" if "free slots" in str(exc) else "policies"
        raise PolicyInputError(str(exc), field) from exc
    return PackProposal(tuple(chosen), result, profile)


def pack_names(name: str, count: int) -> list[str]:
    """`name` for one document; "`name` 1 of N", ... for several (cut to fit 64)."""
    if count == 1:
        return [name]
    out = []
    for i in range(1, count + 1):
        suffix = f" {i} of {count}"
        out.append(name[: NAME_MAX - len(suffix)].rstrip(" ") + suffix)
    return out


def apply_pack(*, user: Any, proposal: PackProposal, name: Any) -> list[Policy]:
    """Save each document of the proposal as a new policy of `user`, all or none."""
    if not isinstance(name, str) or not name.strip():
        raise PolicyInputError("Name the new policies.", "name")
    documents = proposal.result.documents
    names = pack_names(name.strip(), len(documents))
    origin = ", ".join(f"{s.policy.name} (version {s.version})" for s in proposal.sources)
    created: list[Policy] = []
    with transaction.atomic():
        for i, (document, new_name) in enumerate(zip(documents, names, strict=True), start=1):
            description = f"Packed from {origin}: document {i} of {len(documents)}."
            created.append(
                services.create_policy(
                    owner=user,
                    name=new_name,
                    document=document.text,
                    description=description[:512],
                    profile=proposal.profile,
                    message=f"Packed from {origin}"[:512],
                )
            )
    return created
