"""Reading a source whatever its format: the format is told by the content, and several
sources are read as one document for one atomic import."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from catalog.importers import Anomaly, ImportData
from catalog.importers.json_format import read_json_catalog
from catalog.importers.json_text import JsonTextError, load_json
from catalog.importers.page import read_huawei_page
from catalog.importers.schema import looks_like_schema, read_schema

# A catalog document is about 7 levels deep (document, services, a service, its actions, an
# action, its resource types, a link); anything far deeper is not one.
MAX_JSON_DEPTH = 32


def read_source(text: str, *, source_name: str = "", service_code: str = "") -> ImportData:
    """Detect the format by content and read it; `service_code` names the service an
    authorization schema is about (the answer itself does not say)."""
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
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        message = "the file holds a NUL character: it is not a text file"
        return ImportData({}, [Anomaly("error", message, line)])
    if stripped.startswith("{") or stripped.startswith("["):
        try:
            value = load_json(
                stripped, max_depth=MAX_JSON_DEPTH, depth_hint="; a catalog file needs about 7"
            )
        except JsonTextError as exc:
            skipped = text[: len(text) - len(stripped)].count("\n")
            line = exc.line + skipped if exc.line else None
            return ImportData({}, [Anomaly("error", exc.message, line)], source_kind="json")
        if service_code or looks_like_schema(value):
            return read_schema(value, service_code=service_code)
        return read_json_catalog(value)
    return read_huawei_page(text, source_name=source_name)


# The parts of a document that replace a whole table; two sources may not both hold one.
_WHOLE_PARTS = ("global_condition_keys", "regions")


def read_sources(sources: list[tuple[str, str]]) -> ImportData:
    """Read several (name, text) sources as one document, for one atomic import.

    Each anomaly names its source. A service in two sources, or two sources holding the
    global keys (or the regions), is an error: which one should win is not ours to guess.
    """
    if len(sources) == 1:
        name, text = sources[0]
        return read_source(text, source_name=name)
    anomalies: list[Anomaly] = []
    merged: dict[str, Any] = {}
    owner: dict[str, str] = {}
    for name, text in sources:
        data = read_source(text, source_name=name)
        anomalies.extend(replace(a, source=name) for a in data.anomalies)
        if data.errors:
            continue
        doc = data.document
        merged.setdefault("format", doc.get("format"))
        merged.setdefault("version", doc.get("version"))
        for part in _WHOLE_PARTS:
            if part not in doc:
                continue
            if part in merged:
                message = f"{part} are also in {owner[part]}: give them in one source only"
                anomalies.append(Anomaly("error", message, source=name))
            merged[part], owner[part] = doc[part], name
        for key_update in doc.get("global_key_updates", []):
            merged.setdefault("global_key_updates", []).append(key_update)
        for service in doc.get("services", []):
            key = f"service {service['prefix']}"
            if key in owner:
                message = f"service {service['prefix']!r} is also in {owner[key]}"
                anomalies.append(Anomaly("error", message, source=name))
                continue
            owner[key] = name
            merged.setdefault("services", []).append(service)
    if any(a.severity == "error" for a in anomalies):
        return ImportData({}, anomalies, "several")
    return ImportData(merged, anomalies, "several")
