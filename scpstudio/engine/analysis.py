"""Validate and preview in one call, sharing the parse: what the editor runs per keystroke."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scpstudio.engine.catalog import Catalog
from scpstudio.engine.errors import EngineInputError
from scpstudio.engine.findings import Finding, Severity
from scpstudio.engine.preview import Preview, PreviewContext, preview_policy
from scpstudio.engine.profiles import Profile
from scpstudio.engine.validate import ValidationResult, validate_policy


@dataclass(frozen=True, slots=True)
class Analysis:
    validation: ValidationResult
    preview: Preview

    @property
    def findings(self) -> tuple[Finding, ...]:
        return self.validation.findings

    @property
    def counts(self) -> dict[str, int]:
        """Findings per severity, every severity present, worst first."""
        counts = {severity.value: 0 for severity in sorted(Severity, key=lambda s: -s.rank)}
        for finding in self.validation.findings:
            counts[finding.severity.value] += 1
        return counts

    def to_json(self) -> dict[str, Any]:
        return {"validation": self.validation.to_json(), "preview": self.preview.to_json()}


def analyze_policy(
    source: Any,
    catalog: Catalog,
    profile: str | Profile = "scp",
    context: PreviewContext | Mapping[str, Any] | None = None,
    *,
    full_access: bool = True,
) -> Analysis:
    """`validate_policy` then `preview_policy` on the same compiled policy.

    Never raises: a document or context past the engine's limits, or a context that is
    not one, leaves the findings as they are and says why in `preview.problem`.
    """
    validation = validate_policy(source, catalog, profile)
    try:
        preview = preview_policy(
            validation.policy, catalog, profile, context, full_access=full_access
        )
    except EngineInputError as exc:
        preview = Preview((), {}, f"{exc} Nothing was previewed.")
    return Analysis(validation, preview)
