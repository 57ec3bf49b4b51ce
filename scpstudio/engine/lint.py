"""The command-line lint report: many files, three output formats, one exit rule."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scpstudio.engine.findings import Severity
from scpstudio.engine.plain_text import findings_text
from scpstudio.engine.sarif import findings_to_sarif
from scpstudio.engine.validate import ValidationResult

FORMATS = ("text", "json", "sarif")
STDIN_NAME = "-"


@dataclass(frozen=True, slots=True)
class LintedFile:
    file: str
    result: ValidationResult

    @property
    def uri(self) -> str:
        return "stdin" if self.file == STDIN_NAME else self.file


def lint_json(files: Sequence[LintedFile]) -> dict[str, Any]:
    """`{"files": [{"file", "findings": [...], "size": {...}}]}`."""
    return {
        "files": [
            {
                "file": f.file,
                "findings": [finding.to_json() for finding in f.result.findings],
                "size": f.result.size.to_json(),
            }
            for f in files
        ]
    }


def lint_text(files: Sequence[LintedFile]) -> str:
    return "\n".join(findings_text(f.uri, f.result) for f in files)


def lint_sarif(files: Sequence[LintedFile]) -> dict[str, Any]:
    return findings_to_sarif((f.uri, f.result.findings) for f in files)


def fails(files: Sequence[LintedFile], fail_on: Severity | str = Severity.ERROR) -> bool:
    """Whether any finding is at or above the `--fail-on` severity."""
    threshold = Severity(fail_on)
    return any(f.result.at_or_above(threshold) for f in files)


def read_source(name: str) -> str:
    """The file's text (UTF-8, BOM allowed); raises OSError or UnicodeError."""
    if name != STDIN_NAME:
        return Path(name).read_bytes().decode("utf-8-sig")
    stream = getattr(sys.stdin, "buffer", None)  # a test may hand in a text-only stream
    return stream.read().decode("utf-8-sig") if stream is not None else sys.stdin.read()
