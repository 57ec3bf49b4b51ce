"""A statement's parts judged on one representative value, by the evaluator's own functions
(`match_urn`, `evaluate_clause`): the verdicts `engine.diff_problem` tabulates."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scpstudio.engine.conditions import Tri, evaluate_clause
from scpstudio.engine.decision import ResourceRef
from scpstudio.engine.policy import Clause
from scpstudio.engine.resource_match import match_urn
from scpstudio.engine.wildcard import wildcard_match


def and_(a: Tri, b: Tri) -> Tri:
    if a is False or b is False:
        return False
    return None if a is None or b is None else True


def segment_matches(pattern: str, value: str | None) -> bool:
    return value is None or wildcard_match(pattern, value, ignore_case=True)


def segment(pattern: str, place: int, value: str | None) -> Tri:
    """One part of a URN pattern against one part of a resource, by the evaluator."""
    parts: list[str | None] = ["x"] * 5
    parts[place] = value
    alone = tuple(pattern if i == place else "*" for i in range(5))
    return match_urn(alone, ResourceRef(*parts))


def clause_verdict(clause: Clause, carries: bool | None) -> Callable[[Any], Tri]:
    """The clause on one representative, as `evaluate.clause_value` decides it."""

    def verdict(values: Any) -> Tri:
        result = evaluate_clause(clause, values)
        if carries is None and result is not None and values:
            # the action may not carry the key at all: only what holds either way counts
            result = result if evaluate_clause(clause, ()) is result else None
        return result

    return verdict


def segment_verdict(pattern: str, place: int) -> Callable[[Any], Tri]:
    def verdict(value: Any) -> Tri:
        return segment(pattern, place, value)

    return verdict
