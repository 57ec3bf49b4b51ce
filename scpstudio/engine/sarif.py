"""Findings as SARIF 2.1.0, the format code-scanning tools read."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import quote

from scpstudio.engine.findings import SEVERITY, TITLE, Code, Finding, Severity

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
TOOL_NAME = "scp_lint"
CHECKS_DOC = "docs/checks.md"

_LEVEL = {
    Severity.ERROR: "error",
    Severity.SECURITY_WARNING: "warning",
    Severity.WARNING: "warning",
    Severity.SUGGESTION: "note",
}


def _rule(code: Code) -> dict[str, Any]:
    return {
        "id": code.value,
        "name": code.value.title().replace("_", ""),
        "shortDescription": {"text": TITLE[code]},
        "help": {"text": f"See {CHECKS_DOC}, section {code.value}."},
        "defaultConfiguration": {"level": _LEVEL[SEVERITY[code]]},
        "properties": {"severity": SEVERITY[code].value},
    }


def _result(finding: Finding, uri: str, rule_index: int) -> dict[str, Any]:
    location: dict[str, Any] = {"physicalLocation": {"artifactLocation": {"uri": quote(uri)}}}
    if finding.span is not None:
        start, end = finding.span.start, finding.span.end
        location["physicalLocation"]["region"] = {
            "startLine": start.line,
            "startColumn": start.column,
            "endLine": end.line,
            "endColumn": end.column,
            "charOffset": start.offset,
            "charLength": max(0, end.offset - start.offset),
        }
    location["logicalLocations"] = [{"fullyQualifiedName": finding.path or "/", "kind": "object"}]
    result: dict[str, Any] = {
        "ruleId": finding.code.value,
        "ruleIndex": rule_index,
        "level": _LEVEL[finding.severity],
        "message": {"text": finding.message},
        "locations": [location],
        "properties": {"severity": finding.severity.value, "path": finding.path},
    }
    if finding.fix is not None:
        result["properties"]["fix"] = finding.fix.to_json()
    if finding.suggestions:
        result["properties"]["suggestions"] = list(finding.suggestions)
    return result


def findings_to_sarif(files: Iterable[tuple[str, Sequence[Finding]]]) -> dict[str, Any]:
    """One SARIF run over every file: `files` holds (uri, findings) pairs."""
    pairs = list(files)
    codes = sorted({f.code for _, findings in pairs for f in findings}, key=lambda c: c.value)
    index = {code: i for i, code in enumerate(codes)}
    results = [
        _result(finding, uri, index[finding.code])
        for uri, findings in pairs
        for finding in findings
    ]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": TOOL_NAME,
                        "rules": [_rule(code) for code in codes],
                    }
                },
                "artifacts": [{"location": {"uri": quote(uri)}} for uri, _ in pairs],
                "results": results,
            }
        ],
    }
