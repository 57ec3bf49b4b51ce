"""Where a saved policy is in use, as the apps that use it say: the policies app imports
none of them (the organization builds on the library, not the reverse).

An app pointing at saved policies registers a finder at start-up (`register_usage`, in
its AppConfig.ready); a policy's page lists what the finders say, and deleting a policy
in use is refused with that list (`PolicyInUse`, raised by `services.delete_policy`;
the database's PROTECT on such references catches a use made meanwhile).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from scpstudio.refusals import Refusal

MAX_NAMED = 20  # places a refusal names; the rest are counted


@dataclass(frozen=True, slots=True)
class PolicyUse:
    """One place using the policy: `OU Engineering (ou-ab12-cd34ef56)`, how (`the latest
    version`, `version 3`), and the page showing it."""

    where: str
    how: str = ""
    url: str = ""


_finders: dict[str, Callable[[Any], list[PolicyUse]]] = {}


def register_usage(name: str, finder: Callable[[Any], list[PolicyUse]]) -> None:
    """`finder(policy)` lists where the app uses the policy; registering a name again
    replaces its finder (a reload does not list things twice)."""
    _finders[name] = finder


def policy_uses(policy: Any) -> list[PolicyUse]:
    return [use for finder in _finders.values() for use in finder(policy)]


class PolicyInUse(Refusal):
    """A policy that is attached somewhere cannot be deleted: detach it first."""

    def __init__(self, policy_name: str, uses: list[PolicyUse]) -> None:
        named = [f"{u.where} ({u.how})" if u.how else u.where for u in uses[:MAX_NAMED]]
        more = f" and {len(uses) - MAX_NAMED} more" if len(uses) > MAX_NAMED else ""
        super().__init__(
            f"{policy_name} is attached in the organization, so it cannot be deleted: "
            f"detach it first from {', '.join(named)}{more}."
        )
        self.uses = uses
