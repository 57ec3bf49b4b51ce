"""One engine call per keystroke: validate, then preview the compiled policy.

The editor, the REST API and the command line all go through `analyse`, so the
findings and outcomes they show cannot disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scpstudio.engine.catalog import Catalog
from scpstudio.engine.findings import Finding
from scpstudio.engine.preview import Preview, PreviewContext, preview_policy
from scpstudio.engine.validate import ValidationResult, validate_policy

SEVERITY_ORDER = ("error", "security_warning", "warning", "suggestion")


@dataclass(frozen=True)
class Analysis:
    validation: ValidationResult
    preview: Preview

    @property
    def findings(self) -> tuple[Finding, ...]:
        return self.validation.findings

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(SEVERITY_ORDER, 0)
        for f in self.findings:
            counts[f.severity.value] += 1
        return counts


def analyse(
    source: Any,
    catalog: Catalog,
    *,
    profile: str = "scp",
    context: PreviewContext | Mapping[str, Any] | None = None,
    full_access: bool = True,
) -> Analysis:
    """Validate `source` (text or decoded JSON) and preview it against every API."""
    validation = validate_policy(source, catalog, profile)
    preview = preview_policy(validation.policy, catalog, profile, context, full_access=full_access)
    return Analysis(validation, preview)
