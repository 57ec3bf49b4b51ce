"""The findings of one validation run, collected with their spans."""

from __future__ import annotations

from typing import Any

from scpstudio.engine.catalog import Catalog
from scpstudio.engine.document import JsonNode, Member, ParseResult
from scpstudio.engine.findings import Code, Finding, Fix
from scpstudio.engine.near_miss import PolicyLookups
from scpstudio.engine.profiles import Profile

COMPARISON_BUDGET = 10_000


class Report:
    """Shared by the checks of one run: where to add a finding, and what they all read."""

    __slots__ = ("parse", "catalog", "profile", "findings", "budget", "lookups", "memo")

    def __init__(self, parse: ParseResult, catalog: Catalog, profile: Profile) -> None:
        self.parse = parse
        self.catalog = catalog
        self.profile = profile
        self.findings: list[Finding] = []
        # Pattern comparisons the cross-entry checks may still make: they compare every
        # pattern with every other, so a hostile policy must not make them the bulk of a run.
        self.budget = COMPARISON_BUDGET
        # Near-miss suggestions for unknown names: each name once, and only so many names.
        self.lookups = PolicyLookups()
        # What a check works out once per run and reads for many entries (keyed by the check).
        self.memo: dict[Any, Any] = {}

    def alone(self) -> Report:
        """A report for one statement's own checks (engine.statement_memory keeps them):
        its own findings and suggestions, this run's memos."""
        out = Report(self.parse, self.catalog, self.profile)
        out.memo = self.memo
        out.lookups = self.lookups.sharing_memo()
        return out

    def spend(self, comparisons: int) -> bool:
        """Take `comparisons` from the budget; False (and nothing taken) when it is short."""
        if comparisons > self.budget:
            return False
        self.budget -= comparisons
        return True

    def add(
        self,
        code: Code,
        message: str,
        path: str,
        at: JsonNode | Member | None = None,
        *,
        fix: Fix | None = None,
        suggestions: tuple[str, ...] = (),
        choices: tuple[Fix, ...] = (),
    ) -> None:
        span = self.parse.span_of(at)
        self.findings.append(Finding(code, message, path, span, fix, suggestions, choices))


def quote(value: Any) -> str:
    """A value as it would be written in the policy, shortened for a message."""
    if isinstance(value, str):
        text = '"' + value + '"'
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif value is None:
        text = "null"
    else:
        text = str(value)
    return text if len(text) <= 80 else text[:77] + "..."
