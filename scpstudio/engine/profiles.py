"""Rule profiles: which statement forms a kind of policy accepts (policy-language.md §1)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Profile:
    name: str
    is_scp: bool
    # "error": custom SCPs may only deny; "restricted": Resource "*" and no Condition; "allowed"
    allow_effect: str
    notaction: str  # "error", "deny_only" or "allowed"
    notresource_allowed: bool
    segment_wildcards: bool  # `ims:*:*Image`: a wildcard inside a segment
    max_size: int

    @property
    def label(self) -> str:
        return _LABELS[self.name]


SCP = Profile("scp", True, "error", "error", True, True, 5120)
SCP_2024 = Profile("scp-2024", True, "restricted", "deny_only", False, False, 5120)
IDENTITY = Profile("identity", False, "allowed", "allowed", True, True, 6144)

PROFILES: dict[str, Profile] = {p.name: p for p in (SCP, SCP_2024, IDENTITY)}
DEFAULT_PROFILE = "scp"

_LABELS = {
    "scp": "SCP (current console rules)",
    "scp-2024": "SCP (rules of 2024-05)",
    "identity": "IAM identity policy",
}


def get_profile(profile: str | Profile) -> Profile:
    """The profile of that name; unknown names fall back to the default `scp`."""
    if isinstance(profile, Profile):
        return profile
    return PROFILES.get(profile, SCP)
