"""Two versions of a policy to the APIs and actions whose outcome changes.

Each change names the statement that explains it (`decided_by`): the one deciding the new
outcome when that is not "allowed" (a Deny added, a condition widened), otherwise the one
that decided the old outcome (the Deny removed or narrowed). Denying `ims:images:get`
turns `POST /v2/images/{image_id}/members` denied through its dependency, and the change
names that statement and the action `ims:images:get`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scpstudio.engine.catalog import Catalog
from scpstudio.engine.evaluate import DecidedBy, Decision, Outcome
from scpstudio.engine.policy import Policy, compile_policy
from scpstudio.engine.preview import PreviewContext, preview_policy, services_of
from scpstudio.engine.profiles import Profile

_ORDER = (Outcome.DENIED, Outcome.NOT_ALLOWED, Outcome.ALLOWED)


def _possible(values: frozenset[Outcome]) -> list[str]:
    return [o.value for o in _ORDER if o in values]


@dataclass(frozen=True, slots=True)
class OutcomeChange:
    """One API (`action` empty), action (`method`, `path` empty) or "required only" link."""

    kind: str  # "api", "action" or "conditional_link"
    method: str
    path: str
    action: str
    note: str
    before: Outcome
    after: Outcome
    before_possible: frozenset[Outcome]
    after_possible: frozenset[Outcome]
    before_decided_by: DecidedBy | None = None
    after_decided_by: DecidedBy | None = None

    @property
    def decided_by(self) -> DecidedBy | None:
        """The statement that explains the change (see the module's docstring)."""
        if self.after is not Outcome.ALLOWED and self.after_decided_by is not None:
            return self.after_decided_by
        return self.before_decided_by or self.after_decided_by

    @property
    def decided_by_side(self) -> str:
        """ "after" when `decided_by` is a statement of the new version, else "before"."""
        chosen = self.decided_by
        return "after" if chosen is not None and chosen is self.after_decided_by else "before"

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.kind != "action":
            out.update(method=self.method, path=self.path)
        if self.kind != "api":
            out["action"] = self.action
        if self.kind == "conditional_link":
            out["note"] = self.note
        out.update(
            {
                "from": self.before.value,
                "to": self.after.value,
                "from_possible": _possible(self.before_possible),
                "to_possible": _possible(self.after_possible),
            }
        )
        if self.kind != "action":
            deciding = self.decided_by
            out["decided_by"] = (
                None if deciding is None else {**deciding.to_json(), "side": self.decided_by_side}
            )
        return out


@dataclass(frozen=True, slots=True)
class PolicyDiff:
    changes: tuple[OutcomeChange, ...]

    def of_kind(self, kind: str) -> list[OutcomeChange]:
        return [c for c in self.changes if c.kind == kind]

    def to_json(self) -> dict[str, Any]:
        return {
            "apis": [c.to_json() for c in self.of_kind("api")],
            "actions": [c.to_json() for c in self.of_kind("action")],
            "conditional_links": [c.to_json() for c in self.of_kind("conditional_link")],
        }


def diff_policies(
    before: Any,
    after: Any,
    catalog: Catalog,
    profile: str | Profile = "scp",
    context: PreviewContext | Mapping[str, Any] | None = None,
    *,
    full_access: bool = True,
) -> PolicyDiff:
    """What changes between two documents (text, values, ParseResults or Policies)."""
    a = before if isinstance(before, Policy) else compile_policy(before, catalog)
    b = after if isinstance(after, Policy) else compile_policy(after, catalog)
    services = services_of([a, b])
    wanted = None if services is None else sorted(services)
    old = preview_policy(a, catalog, profile, context, full_access=full_access, services=wanted)
    new = preview_policy(b, catalog, profile, context, full_access=full_access, services=wanted)
    changes: list[OutcomeChange] = []
    new_rows = {row.label: row for row in new.apis}
    for row in old.apis:
        other = new_rows.get(row.label)
        if other is None:
            continue
        if (row.outcome, row.possible) != (other.outcome, other.possible):
            changes.append(
                OutcomeChange(
                    "api", row.method, row.path, "", "", row.outcome, other.outcome,
                    row.possible, other.possible, _by(row.deciding), _by(other.deciding),
                )
            )  # fmt: skip
        links = {link.action.casefold(): link for link in other.conditional_links}
        for link in row.conditional_links:
            new_link = links.get(link.action.casefold())
            if new_link is None:
                continue
            if (link.outcome, link.possible) != (new_link.outcome, new_link.possible):
                changes.append(
                    OutcomeChange(
                        "conditional_link", row.method, row.path, link.action, link.note,
                        link.outcome, new_link.outcome, link.possible, new_link.possible,
                        _by(link.deciding), _by(new_link.deciding),
                    )
                )  # fmt: skip
    for key, outcome in sorted(old.actions.items()):
        other_action = new.actions.get(key)
        if other_action is None:
            continue
        d1, d2 = outcome.decision, other_action.decision
        if (d1.outcome, d1.possible) != (d2.outcome, d2.possible):
            changes.append(
                OutcomeChange(
                    "action", "", "", outcome.action, "", d1.outcome, d2.outcome,
                    d1.possible, d2.possible, d1.decided_by, d2.decided_by,
                )
            )  # fmt: skip
    return PolicyDiff(tuple(changes))


def _by(decision: Decision | None) -> DecidedBy | None:
    return decision.decided_by if decision is not None else None
