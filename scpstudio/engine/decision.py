"""What evaluation answers: outcomes, the request asked, and why (traces).

Plain data, shared by the evaluator, the preview, the diff and every renderer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from scpstudio.engine.conditions import Tri
from scpstudio.engine.errors import EngineInputError

if TYPE_CHECKING:
    from scpstudio.engine.policy import Policy


class Outcome(StrEnum):
    ALLOWED = "allowed"
    DENIED = "denied"
    NOT_ALLOWED = "not_allowed"
    CONDITIONAL = "conditional"


ALLOWED, DENIED, NOT_ALLOWED, CONDITIONAL = (
    Outcome.ALLOWED,
    Outcome.DENIED,
    Outcome.NOT_ALLOWED,
    Outcome.CONDITIONAL,
)
_ORDER = (DENIED, NOT_ALLOWED, ALLOWED)
NO_RESOURCE = "*"  # the request of an action without resource-level permissions


def tri_json(value: Tri) -> str:
    return "unknown" if value is None else ("true" if value else "false")


@dataclass(frozen=True, slots=True)
class ResourceRef:
    """A resource URN whose segments may be unknown (None)."""

    service: str | None = None
    region: str | None = None
    account: str | None = None
    type: str | None = None
    id: str | None = None

    @classmethod
    def parse(cls, urn: str) -> ResourceRef:
        """`ims:cn-north-4:0a1b:image:abc`; a segment written `{?}` is unknown."""
        parts: list[str | None] = [None if p == "{?}" else p for p in urn.split(":", 4)]
        parts += [None] * (5 - len(parts))
        return cls(*parts)

    @property
    def parts(self) -> tuple[str | None, ...]:
        return (self.service, self.region, self.account, self.type, self.id)

    def __str__(self) -> str:
        return ":".join("{?}" if p is None else p for p in self.parts)

    @property
    def known(self) -> bool:
        return None not in self.parts

    def in_words(self) -> str:
        """`any region, any account, any image`, or what is known of each part."""
        kind = self.type or "resource"
        return ", ".join(
            (
                f"region {self.region}" if self.region is not None else "any region",
                f"account {self.account}" if self.account is not None else "any account",
                f"{kind} {self.id}" if self.id is not None else f"any {kind}",
            )
        )


@dataclass(frozen=True, slots=True)
class Request:
    """An action on a resource with a context: key -> values.

    In the context a key given with an empty list is absent; a key not given is unknown.
    `resource` None means "this action's resource, id unknown"; `"*"` means no resource.
    """

    action: str
    resource: ResourceRef | str | None = None
    context: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: Any) -> Request:
        """Read `{"action", "resource" (URN, segments `{?}` unknown; or null), "context"}`.

        Raises EngineInputError (a ValueError) with a sentence naming what is wrong.
        """
        if not isinstance(data, dict) or not isinstance(data.get("action"), str):
            raise EngineInputError('A request is an object with an "action" string.')
        resource = data.get("resource")
        if resource is not None and not isinstance(resource, str):
            raise EngineInputError('The request\'s "resource" must be a URN string or null.')
        context = data.get("context") or {}
        if not isinstance(context, dict) or not all(
            isinstance(v, list | str | int | float | bool) for v in context.values()
        ):
            raise EngineInputError('The request\'s "context" must map keys to lists of values.')
        return cls(data["action"], resource, context)


def normalize_context(context: Mapping[str, Any] | None) -> dict[str, tuple[Any, ...]]:
    out: dict[str, tuple[Any, ...]] = {}
    for key, values in (context or {}).items():
        if isinstance(values, list | tuple | set | frozenset):
            out[str(key).casefold()] = tuple(values)
        else:
            out[str(key).casefold()] = (values,)
    return out


def slot_setters(cls: type, names: str) -> tuple[Callable[[Any, Any], None], ...]:
    """The setters of these slots of a frozen dataclass. The classes a preview makes one
    of per API (a catalog may have 10,000) set their fields with them in their own
    `__init__`: about twice as quick as the generated one, which calls
    `object.__setattr__` for each field. Nothing else changes (still frozen, compared
    and hashed by their fields)."""
    return tuple(getattr(cls, name).__set__ for name in names.split())


@dataclass(frozen=True, slots=True)
class DecidedBy:
    action: str
    policy: str | None = None
    statement: int | None = None
    sid: str | None = None
    level: str | None = None
    effect: str | None = None

    def __init__(
        self,
        action: str,
        policy: str | None = None,
        statement: int | None = None,
        sid: str | None = None,
        level: str | None = None,
        effect: str | None = None,
    ) -> None:
        set_action, set_policy, set_statement, set_sid, set_level, set_effect = _DECIDED_BY
        set_action(self, action)
        set_policy(self, policy)
        set_statement(self, statement)
        set_sid(self, sid)
        set_level(self, level)
        set_effect(self, effect)

    def to_json(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "policy": self.policy,
            "statement": self.statement,
            "sid": self.sid,
            "level": self.level,
        }


_DECIDED_BY = slot_setters(DecidedBy, "action policy statement sid level effect")


@dataclass(frozen=True, slots=True)
class ConditionTrace:
    operator: str
    key: str
    values: tuple[Any, ...]
    result: Tri
    text: str

    def to_json(self) -> dict[str, Any]:
        return {
            "operator": self.operator,
            "key": self.key,
            "values": [v if isinstance(v, str | int | float | bool) else None for v in self.values],
            "result": tri_json(self.result),
            "text": self.text,
        }


@dataclass(frozen=True, slots=True)
class StatementTrace:
    """Why one statement applied or not."""

    level: str | None
    policy: str | None
    statement: int
    sid: str | None
    effect: str | None
    applies: Tri
    action: bool
    action_reason: str
    resource: Tri
    resource_reason: str
    conditions: tuple[ConditionTrace, ...]

    @property
    def unknown_parts(self) -> list[str]:
        parts = [self.resource_reason] if self.resource is None else []
        return parts + [c.text for c in self.conditions if c.result is None]

    def to_json(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "policy": self.policy,
            "statement": self.statement,
            "sid": self.sid,
            "effect": self.effect,
            "applies": tri_json(self.applies),
            "action": {"result": tri_json(self.action), "reason": self.action_reason},
            "resource": {"result": tri_json(self.resource), "reason": self.resource_reason},
            "conditions": [c.to_json() for c in self.conditions],
        }


@dataclass(frozen=True, slots=True)
class Decision:
    outcome: Outcome
    possible: frozenset[Outcome]
    decided_by: DecidedBy | None = None
    conditions: tuple[str, ...] = ()
    statements: tuple[StatementTrace, ...] = ()

    def __init__(
        self,
        outcome: Outcome,
        possible: frozenset[Outcome],
        decided_by: DecidedBy | None = None,
        conditions: tuple[str, ...] = (),
        statements: tuple[StatementTrace, ...] = (),
    ) -> None:
        set_outcome, set_possible, set_decided_by, set_conditions, set_statements = _DECISION
        set_outcome(self, outcome)
        set_possible(self, possible)
        set_decided_by(self, decided_by)
        set_conditions(self, conditions)
        set_statements(self, statements)

    def to_json(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome.value,
            "possible": [o.value for o in _ORDER if o in self.possible],
            "decided_by": self.decided_by.to_json() if self.decided_by else None,
            "conditions": list(self.conditions),
            "statements": [s.to_json() for s in self.statements],
        }


_DECISION = slot_setters(Decision, "outcome possible decided_by conditions statements")


@dataclass(frozen=True, slots=True)
class Level:
    """One node of an organization path: the policies attached to it."""

    name: str
    policies: Sequence[Policy]
    full_access: bool = True


# -- combining decisions ----------------------------------------------------------------


def level_possible(
    deny_true: bool, allow_true: bool, deny_unknown: bool, allow_unknown: bool
) -> frozenset[Outcome]:
    """What one node may answer, from whether an applying (or maybe applying) Deny and
    Allow exist: the rule of `_decide_level`, shared with the exact diff's search."""
    if deny_true:
        return _ONLY_DENIED
    if not deny_unknown and allow_true:
        return _ONLY_ALLOWED
    if not deny_unknown and not allow_unknown:
        return _ONLY_NOT_ALLOWED
    possible = {DENIED} if deny_unknown else set()
    possible.add(ALLOWED if allow_true or allow_unknown else NOT_ALLOWED)
    if not allow_true:
        possible.add(NOT_ALLOWED)
    return frozenset(possible)


_ONLY_DENIED = frozenset({DENIED})
_ONLY_ALLOWED = frozenset({ALLOWED})
_ONLY_NOT_ALLOWED = frozenset({NOT_ALLOWED})


def combine_possible(sets: Sequence[frozenset[Outcome]]) -> frozenset[Outcome]:
    """What a whole made of parts may answer: every part must allow, a deny anywhere wins."""
    if not sets:
        return _ONLY_ALLOWED
    if len(sets) == 1:
        return sets[0]
    possible: set[Outcome] = set()
    if any(DENIED in s for s in sets):
        possible.add(DENIED)
    if all(ALLOWED in s for s in sets):
        possible.add(ALLOWED)
    if all(s - _ONLY_DENIED for s in sets) and any(NOT_ALLOWED in s for s in sets):
        possible.add(NOT_ALLOWED)
    return frozenset(possible)


def combine(decisions: Sequence[Decision]) -> tuple[Outcome, frozenset[Outcome], Decision | None]:
    """Every part must allow; a deny anywhere wins. Returns the outcome, what is still
    possible, and the part that decided (None when there are no parts)."""
    if not decisions:  # nothing has to allow: vacuously allowed
        return ALLOWED, frozenset({ALLOWED}), None
    first = decisions[0]
    if len(decisions) == 1 or (
        len(first.possible) == 1 and all(d.possible is first.possible for d in decisions)
    ):
        # one part, or parts that all answer the one same outcome (a preview's actions no
        # statement names share theirs): what the rule below gives, without working it out
        return first.outcome, first.possible, first
    possible = combine_possible([d.possible for d in decisions])
    outcome = next(iter(possible)) if len(possible) == 1 else CONDITIONAL
    deciding = decisions[0]
    if outcome is not ALLOWED:
        same = [d for d in decisions if d.outcome is outcome]
        deciding = same[0] if same else next(d for d in decisions if d.outcome is not ALLOWED)
    return outcome, frozenset(possible), deciding
