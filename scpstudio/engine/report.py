"""The findings of one validation run, collected with their spans."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from scpstudio.engine.catalog import Catalog
from scpstudio.engine.document import JsonNode, Member, ParseResult
from scpstudio.engine.findings import Code, Finding, Fix
from scpstudio.engine.near_miss import PolicyLookups
from scpstudio.engine.profiles import Profile

COMPARISON_BUDGET = 10_000
# Findings of one code listed per statement (and per policy for the checks across statements).
# A statement of thousands of faulty values would otherwise get thousands of findings: no one
# reads past the first screen, and building each one (its message, its span) was most of the
# run. What is left out is still known by code and path, so an entry stays faulty.
MAX_LISTED_PER_CODE = 100


class Report:
    """Shared by the checks of one run: where to add a finding, and what they all read."""

    __slots__ = (
        "parse",
        "catalog",
        "profile",
        "findings",
        "budget",
        "lookups",
        "memo",
        "omitted",
        "_listed",
        "_pending",
        "_pending_at",
    )

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
        # Findings left out past MAX_LISTED_PER_CODE, by code and path: every one of this run
        # (the checks across entries read them), and those not yet said in a summary.
        self.omitted: list[tuple[Code, str]] = []
        self._listed: dict[Code, int] = {}
        self._pending: list[tuple[Code, str]] = []
        self._pending_at: JsonNode | Member | None = None

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
        listed = self._listed.get(code, 0)
        if listed >= MAX_LISTED_PER_CODE:
            if not self._pending:
                self._pending_at = at
            self._pending.append((code, path))
            self.omitted.append((code, path))
            return
        self._listed[code] = listed + 1
        span = self.parse.span_of(at)
        self.findings.append(Finding(code, message, path, span, fix, suggestions, choices))

    @contextmanager
    def part(self, where: str) -> Iterator[None]:
        """A statement's own checks: listed apart from the rest of the run (as the statement
        memory keeps them), and closed with their summary."""
        outer = (self._listed, self._pending, self._pending_at)
        self._listed, self._pending, self._pending_at = {}, [], None
        try:
            yield
        finally:
            self.close(where)
            self._listed, self._pending, self._pending_at = outer

    def close(self, where: str) -> None:
        """End of a statement's checks (or of the policy's): say in one finding, at the first
        one left out, how many were left out and of which codes; list the next part afresh."""
        self._listed = {}
        if not self._pending:
            return
        counts = Counter(code for code, _ in self._pending)
        kinds = ", ".join(f"{n:,} {code.value}" for code, n in sorted(counts.items()))
        count = len(self._pending)
        said = (
            f"1 more finding in this {where} is"
            if count == 1
            else f"{count:,} more findings in this {where} are"
        )
        message = (
            f"{said} not listed ({kinds}): each kind lists its first {MAX_LISTED_PER_CODE}. "
            "Fix those, and the rest are listed as they come."
        )
        span = self.parse.span_of(self._pending_at)
        self.findings.append(Finding(Code.FINDINGS_NOT_LISTED, message, self._pending[0][1], span))
        self._pending = []
        self._pending_at = None


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
