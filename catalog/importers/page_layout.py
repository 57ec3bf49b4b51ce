"""What the cells of Huawei's SCP page layout look like, once the page is text.

One cell per line; a bullet list is one line per item, marked with `•`. These
shapes are what tell one cell from the next where bullet lists run together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from catalog.importers import Anomaly

ACTION_RE = re.compile(r"^[A-Za-z0-9][\w-]*:[A-Za-z0-9*][\w*-]*:[A-Za-z0-9*][\w*-]*$")
KEY_RE = re.compile(r"^[A-Za-z0-9][\w-]*:[^\s:]+$")
API_RE = re.compile(r"^([A-Za-z]+)\s+(/\S*)\s*(?:\((.+)\))?$")
URN_RE = re.compile(r"^[a-z0-9-]+:[^\s:]*:[^\s:]*:[^\s:]+:\S+$")
TYPE_NAME_RE = re.compile(r"^[A-Za-z][\w.-]*$")
UPDATED_RE = re.compile(r"Updated on (\d{4}-\d{2}-\d{2})")
CAPTION_RE = re.compile(r"^Table \d+\s+(.*)$")
PREFIX_IN_TITLE = re.compile(r"\(([A-Za-z0-9-]+)\)\s*$")

HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
ACCESS_LEVELS = {
    "list": "list",
    "read": "read",
    "write": "write",
    "permission_management": "permission_management",
    "permission management": "permission_management",
    "permissions management": "permission_management",
    "tagging": "tagging",
}
KEY_TYPES = {
    "string": "string",
    "boolean": "boolean",
    "bool": "boolean",
    "number": "number",
    "numeric": "number",
    "integer": "number",
    "long": "number",
    "float": "number",
    "date": "date",
    "datetime": "date",
    "date-time": "date",
    "ip": "ip",
    "ipaddress": "ip",
    "ip address": "ip",
}
BULLET = "\u2022"
SECTION_HEADINGS = {"Actions", "Resources", "Conditions"}
# The four tables, by the words their captions start with (lower case), as reported.
TABLE_CAPTIONS = {
    "supported actions": "Supported Actions",
    "actions and dependencies": "Actions and dependencies",
    "resource types": "Resource types",
    "service-specific condition keys": "Service-specific condition keys",
}
# When a caption is worded otherwise ("Table 1 Actions supported by ECS"), the table's
# first header cells tell which it is.
_TABLE_HEADERS = (
    (("action", "description"), "supported actions"),
    (("api", "action"), "actions and dependencies"),
    (("resource type", "urn"), "resource types"),
    (("service-specific condition key",), "service-specific condition keys"),
    (("condition key", "type"), "service-specific condition keys"),
)


@dataclass(frozen=True)
class Line:
    number: int
    text: str
    bullet: bool


def read_lines(text: str) -> list[Line]:
    """One `Line` per cell. A table copied from a browser has a row per line, its cells
    separated by tabs: each cell is read as if it stood on a line of its own."""
    out = []
    for number, raw in enumerate(text.splitlines(), start=1):
        for cell in raw.split("\t"):
            s = " ".join(cell.split())  # pages copied from a browser carry no-break spaces
            if not s:
                continue
            bullet = s.startswith(BULLET)
            if bullet:
                s = s.lstrip(BULLET).strip()
            out.append(Line(number, s, bullet))
    return out


def read_api_cell(line: Line) -> tuple[dict[str, Any] | None, Anomaly | None]:
    """An API line (`METHOD /path (note)`), repairing a method only when one reading fits."""
    m = API_RE.match(line.text)
    if not m:
        return None, None
    method, path, note = m.group(1), m.group(2), (m.group(3) or "").strip()
    anomaly = None
    if method.upper() in HTTP_METHODS and method not in HTTP_METHODS:
        anomaly = Anomaly(
            "warning", f"HTTP method {method!r} read as {method.upper()}", line.number
        )
        method = method.upper()
    elif method not in HTTP_METHODS:
        candidates = [known for known in HTTP_METHODS if known.endswith(method.upper())]
        if len(candidates) != 1:
            message = f"unknown HTTP method {method!r} in {line.text!r}"
            return None, Anomaly("error", message, line.number)
        anomaly = Anomaly(
            "warning",
            f"truncated HTTP method {method!r} in {line.text!r}: read as {candidates[0]}",
            line.number,
        )
        method = candidates[0]
    api = {
        "method": method,
        "path": path,
        "note": note,
        "conditional": note.lower().startswith("required only"),
    }
    return api, anomaly


def find_tables(lines: list[Line]) -> dict[str, int]:
    """Where each of the four tables starts (the index of its caption), by caption or header.

    Whatever prose stands between the sections, or is missing, does not matter: only the
    captions and the header cells under them are read. The first table of a kind wins.
    """
    found: dict[str, int] = {}
    for i, line in enumerate(lines):
        m = CAPTION_RE.match(line.text)
        if not m:
            continue
        words = m.group(1).lower()
        kind = next((k for k in TABLE_CAPTIONS if words.startswith(k)), None)
        if kind is None:
            header = [h.text.lower() for h in lines[i + 1 : i + 3]]
            kind = next(
                (
                    k
                    for cells, k in _TABLE_HEADERS
                    if all(
                        n < len(header) and header[n].startswith(cell)
                        for n, cell in enumerate(cells)
                    )
                ),
                None,
            )
        if kind is not None:
            found.setdefault(kind, i)
    return found
