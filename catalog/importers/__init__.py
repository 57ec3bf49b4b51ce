"""Readers that turn a source (Huawei's page, IAM's authorization schema, our JSON) into
catalog data plus anomalies.

Every reader returns the same shape, `ImportData`: our JSON format as plain dicts,
and the anomalies they met. Nothing here touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Anomaly:
    """Something the source says that is odd. Errors stop the import; warnings do not."""

    severity: str  # "error" | "warning"
    message: str
    line: int | None = None
    field: str = ""
    source: str = ""  # the file it was met in, when several are imported together

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else (f"{self.field}: " if self.field else "")
        source = f"{self.source}: " if self.source else ""
        return f"{self.severity}: {source}{where}{self.message}"


@dataclass
class ImportData:
    document: dict[str, Any]
    anomalies: list[Anomaly] = field(default_factory=list)
    source_kind: str = ""

    @property
    def errors(self) -> list[Anomaly]:
        return [a for a in self.anomalies if a.severity == "error"]
