"""The preview's answer: a row per API (`ApiPreview`), the outcome of each action it
needs (`ActionOutcome`) and of each "required only ..." link (`LinkPreview`), and how a
row is made from its plan and the decisions for its actions (`row_of`).

Plain data, shared by every preview (`preview`, `preview_shared`, `preview_whole`) and
every renderer; `preview` re-exports these names.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from scpstudio.engine.api_plans import ApiPlan, Need, api_label
from scpstudio.engine.decision import (
    ALLOWED,
    CONDITIONAL,
    DENIED,
    NOT_ALLOWED,
    DecidedBy,
    Decision,
    Outcome,
    combine,
    slot_setters,
)
from scpstudio.engine.kept_by_id import KeptById

_OUTCOME_ORDER = (DENIED, NOT_ALLOWED, ALLOWED)


@dataclass(frozen=True, slots=True)
class ActionOutcome:
    action: str
    dependency_of: str | None
    decision: Decision

    def __init__(self, action: str, dependency_of: str | None, decision: Decision) -> None:
        set_action, set_dependency_of, set_decision = _ACTION_OUTCOME  # see slot_setters
        set_action(self, action)
        set_dependency_of(self, dependency_of)
        set_decision(self, decision)

    def to_json(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "dependency_of": self.dependency_of,
            **_decision_json(self.decision.outcome, self.decision.possible, self.decision),
        }


_ACTION_OUTCOME = slot_setters(ActionOutcome, "action dependency_of decision")


def _decision_json(
    outcome: Outcome, possible: frozenset[Outcome], deciding: Decision | None
) -> dict[str, Any]:
    decided_by: DecidedBy | None = deciding.decided_by if deciding else None
    return {
        "outcome": outcome.value,
        "possible": [o.value for o in _OUTCOME_ORDER if o in possible],
        "decided_by": decided_by.to_json() if decided_by else None,
        "conditions": list(deciding.conditions) if deciding and outcome is CONDITIONAL else [],
    }


@dataclass(frozen=True, slots=True)
class LinkPreview:
    """A "required only ..." link, with the outcome of its own action and dependencies."""

    action: str
    note: str
    outcome: Outcome
    possible: frozenset[Outcome]
    deciding: Decision | None
    actions: tuple[ActionOutcome, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "note": self.note,
            **_decision_json(self.outcome, self.possible, self.deciding),
            "actions": [a.to_json() for a in self.actions],
        }


@dataclass(frozen=True, slots=True)
class ApiPreview:
    method: str
    path: str
    service: str
    outcome: Outcome
    possible: frozenset[Outcome]
    deciding: Decision | None
    actions: tuple[ActionOutcome, ...]
    conditional_links: tuple[LinkPreview, ...]
    operation_ids: tuple[str, ...] = ()
    # Set when Huawei says SCPs do not govern the API's service: the sentence saying so.
    note: str = ""
    # what the faces wrote for this row (kept_by_id.keep_with): not part of its value
    faces: dict[str, Any] | None = field(
        default=None, init=False, compare=False, repr=False, hash=False
    )

    def __init__(
        self,
        method: str,
        path: str,
        service: str,
        outcome: Outcome,
        possible: frozenset[Outcome],
        deciding: Decision | None,
        actions: tuple[ActionOutcome, ...],
        conditional_links: tuple[LinkPreview, ...],
        operation_ids: tuple[str, ...] = (),
        note: str = "",
    ) -> None:
        (set_method, set_path, set_service, set_outcome, set_possible, set_deciding,
         set_actions, set_links, set_operation_ids, set_note, set_faces) = _API_PREVIEW  # fmt: skip
        set_method(self, method)
        set_path(self, path)
        set_service(self, service)
        set_outcome(self, outcome)
        set_possible(self, possible)
        set_deciding(self, deciding)
        set_actions(self, actions)
        set_links(self, conditional_links)
        set_operation_ids(self, operation_ids)
        set_note(self, note)
        set_faces(self, None)

    @property
    def label(self) -> str:
        return api_label(self.method, self.path, self.service, self.operation_ids)

    @property
    def decided_by(self) -> DecidedBy | None:
        return self.deciding.decided_by if self.deciding else None

    def to_json(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "path": self.path,
            "service": self.service,
            **_decision_json(self.outcome, self.possible, self.deciding),
            "actions": [a.to_json() for a in self.actions],
            "conditional_links": [c.to_json() for c in self.conditional_links],
            "operation_ids": list(self.operation_ids),
            "note": self.note or None,
        }


_API_PREVIEW = slot_setters(
    ApiPreview,
    "method path service outcome possible deciding actions conditional_links operation_ids note"
    " faces",
)


@dataclass(frozen=True, slots=True)
class Preview:
    # a tuple; the rows of a whole catalog (preview_whole) are made when read
    apis: Sequence[ApiPreview]
    actions: Mapping[str, ActionOutcome]
    # Why nothing was previewed (a policy that is not JSON), in a sentence; "" otherwise.
    problem: str = ""
    # Context values their key cannot hold, each in a sentence naming key and value.
    context_problems: tuple[str, ...] = ()
    # `apis` in parts (a preview made in parts, one per service: `preview_segments`),
    # each a tuple kept from one preview to the next while it holds; () when not in parts
    parts: tuple[tuple[ApiPreview, ...], ...] = field(default=(), compare=False)

    @property
    def summary(self) -> dict[str, int]:
        counts = {"apis": len(self.apis)}
        found: Counter[Outcome]
        if self.parts:
            found = Counter()
            for part in self.parts:
                found.update(part_outcomes(part))
        else:
            # rows made when read (`preview_shared.ApiRows`) give their outcomes without them
            outcomes = getattr(self.apis, "outcomes", None)
            found = Counter(outcomes() if outcomes is not None else (a.outcome for a in self.apis))
        for outcome in (ALLOWED, DENIED, NOT_ALLOWED, CONDITIONAL):
            counts[outcome.value] = found[outcome]
        return counts

    def to_json(self) -> dict[str, Any]:
        return {
            "apis": [a.to_json() for a in self.apis],
            "summary": self.summary,
            "problem": self.problem or None,
            "context_problems": list(self.context_problems),
        }


# Each kept part's outcomes counted, by the part (a tuple of rows).
_PART_OUTCOMES = KeptById(4_096)


def part_outcomes(part: tuple[ApiPreview, ...]) -> Counter[Outcome]:
    """How many rows of a part have each outcome, counted once per part."""
    found: Counter[Outcome] | None = _PART_OUTCOMES.get(part)
    if found is None:
        found = Counter(a.outcome for a in part)
        _PART_OUTCOMES.put(part, found)
    return found


def outcome_maker(
    decisions: Mapping[str, Decision], outcomes: dict[tuple[str, str | None], ActionOutcome]
) -> Callable[[Need], ActionOutcome]:
    """The outcome of a need from the decision for its action, each made once and kept in
    `outcomes` by action and the action it is a dependency of."""

    def outcome_of(need: Need) -> ActionOutcome:
        key = (need.action, need.dependency_of)
        found = outcomes.get(key)
        if found is None:
            decision = decisions[need.action.casefold()]
            found = outcomes[key] = ActionOutcome(need.action, need.dependency_of, decision)
        return found

    return outcome_of


def row_of(plan: ApiPlan, outcome_of: Callable[[Need], ActionOutcome], note: str) -> ApiPreview:
    """The plan's row from the outcome of each action it needs."""
    actions = tuple([outcome_of(n) for n in plan.needs])
    outcome, possible, deciding = combine([a.decision for a in actions])
    links = []
    for cond in plan.conditional:
        link_actions = tuple([outcome_of(n) for n in cond.needs])
        l_outcome, l_possible, l_deciding = combine([a.decision for a in link_actions])
        links.append(
            LinkPreview(cond.action, cond.note, l_outcome, l_possible, l_deciding, link_actions)
        )
    return ApiPreview(
        plan.method,
        plan.path,
        plan.service,
        outcome,
        possible,
        deciding,
        actions,
        tuple(links),
        plan.operation_ids,
        note,
    )
