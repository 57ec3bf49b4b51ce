"""The policy language of SCP Studio, in pure Python.

Nothing in this package imports Django or any other part of the project: the web
views, the REST API and the command line are thin faces over these functions:

* `parse_policy(text_or_value) -> ParseResult` (positioned tree, syntax error, duplicates)
* `validate_policy(source, catalog, profile) -> ValidationResult` (findings, size; never raises)
* `preview_policy(source, catalog, profile, context, full_access=True) -> Preview`
* `analyze_policy(...)`: both on one parse, what the editor runs per keystroke
* `evaluate(request, policies, catalog)` / `evaluate_path(request, levels, catalog) -> Decision`
* `preview_levels(levels, catalog, context)`: the per-API preview along an organization path
* `diff_policies(before, after, catalog, profile, context) -> PolicyDiff`: the exact diff,
  every API some request treats differently, with a confirmed witness request per
  direction (`diff_words.change_in_words` says it in a sentence)
* `to_pretty` / `to_minified`, `findings_to_sarif`, `findings_text`, `preview_text`

Every result has `to_json()`, the dict the REST API and `scp_lint`/`scp_preview` print.
"""

from scpstudio.engine.analysis import Analysis, analyze_policy
from scpstudio.engine.catalog import Catalog
from scpstudio.engine.catalog_json import catalog_from_json
from scpstudio.engine.diff import OutcomeChange, PolicyDiff, Witness, diff_policies
from scpstudio.engine.diff_words import change_in_words, witness_in_words
from scpstudio.engine.document import ParseResult, parse_policy, to_minified, to_pretty
from scpstudio.engine.errors import EngineInputError
from scpstudio.engine.evaluate import (
    Decision,
    Level,
    Outcome,
    Request,
    ResourceRef,
    evaluate,
    evaluate_path,
)
from scpstudio.engine.findings import Code, Finding, Severity
from scpstudio.engine.plain_text import findings_text, preview_text
from scpstudio.engine.policy import Policy, compile_policy
from scpstudio.engine.preview import Preview, PreviewContext, preview_levels, preview_policy
from scpstudio.engine.profiles import PROFILES, get_profile
from scpstudio.engine.sarif import findings_to_sarif
from scpstudio.engine.validate import ValidationResult, validate_policy

__all__ = [
    "PROFILES",
    "Analysis",
    "Catalog",
    "Code",
    "Decision",
    "EngineInputError",
    "Finding",
    "Level",
    "Outcome",
    "OutcomeChange",
    "ParseResult",
    "Policy",
    "PolicyDiff",
    "Preview",
    "PreviewContext",
    "Request",
    "ResourceRef",
    "Severity",
    "ValidationResult",
    "Witness",
    "analyze_policy",
    "catalog_from_json",
    "change_in_words",
    "compile_policy",
    "diff_policies",
    "evaluate",
    "evaluate_path",
    "findings_text",
    "findings_to_sarif",
    "get_profile",
    "parse_policy",
    "preview_levels",
    "preview_policy",
    "preview_text",
    "to_minified",
    "to_pretty",
    "validate_policy",
    "witness_in_words",
]
