"""Readers that turn a source (Huawei's page, our JSON) into catalog data plus anomalies.

Both readers return the same shape, `ImportData`: our JSON format as plain dicts,
and the anomalies they met. Nothing here touches the database.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Anomaly:
    """Something the source says that is odd. Errors stop the import; warnings do not."""

    severity: str  # "error" | "warning"
    message: str
    line: int | None = None
    field: str = ""

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else (f"{self.field}: " if self.field else "")
        return f"{self.severity}: {where}{self.message}"


@dataclass
class ImportData:
    document: dict[str, Any]
    anomalies: list[Anomaly] = field(default_factory=list)
    source_kind: str = ""

    @property
    def errors(self) -> list[Anomaly]:
        return [a for a in self.anomalies if a.severity == "error"]


def read_source(text: str, *, source_name: str = "") -> ImportData:
    """Detect the format by content and read it."""
    from catalog.importers.json_format import read_json_catalog
    from catalog.importers.page import read_huawei_page

    stripped = text.lstrip("\ufeff \t\r\n")
    if not stripped:
        return ImportData({}, [Anomaly("error", "the source is empty: nothing to import", 1)])
    if stripped.startswith("<"):
        line = text[: len(text) - len(stripped)].count("\n") + 1
        return ImportData(
            {},
            [
                Anomaly(
                    "error",
                    "this is HTML (or XML), not a catalog source: save Huawei's page as plain "
                    "text, or give an SCP Studio catalog JSON file",
                    line,
                )
            ],
            "huawei-page",
        )
    if stripped.startswith("{") or stripped.startswith("["):
        try:
            value = json.loads(stripped)
        except json.JSONDecodeError as exc:
            return ImportData(
                document={},
                anomalies=[
                    Anomaly(
                        "error",
                        f"not valid JSON: {exc.msg} (column {exc.colno})",
                        line=exc.lineno + text[: len(text) - len(stripped)].count("\n"),
                    )
                ],
                source_kind="json",
            )
        return read_json_catalog(value)
    return read_huawei_page(text, source_name=source_name)
