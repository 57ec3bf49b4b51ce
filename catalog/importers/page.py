"""Read a Huawei Cloud "actions, resources and conditions" SCP page in its text form.

Every service has such a page in the same layout, so this reader knows the
layout, not IMS: four tables found by their captions, cells one per line,
bullet lists running together. Cells are told apart by their shape (an action
is `svc:type:op`, an API is `METHOD /path`, a key has one colon), and whatever
does not fit is reported as an anomaly with its line number instead of guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from catalog.importers import Anomaly, ImportData
from scpstudio.engine.catalog_json import FORMAT_NAME, FORMAT_VERSION

ACTION_RE = re.compile(r"^[A-Za-z0-9][\w-]*:[A-Za-z0-9*][\w*-]*:[A-Za-z0-9*][\w*-]*$")
KEY_RE = re.compile(r"^[A-Za-z0-9][\w-]*:[^\s:]+$")
API_RE = re.compile(r"^([A-Za-z]+)\s+(/\S*)\s*(?:\((.+)\))?$")
URN_RE = re.compile(r"^[a-z0-9-]+:[^\s:]*:[^\s:]*:[^\s:]+:\S+$")
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


@dataclass(frozen=True)
class Line:
    number: int
    text: str
    bullet: bool


def _lines(text: str) -> list[Line]:
    out = []
    for number, raw in enumerate(text.splitlines(), start=1):
        s = raw.strip()
        if not s:
            continue
        bullet = s.startswith(BULLET)
        if bullet:
            s = s.lstrip(BULLET).strip()
        out.append(Line(number, s, bullet))
    return out


class _PageReader:
    def __init__(self, text: str, source_name: str) -> None:
        self.lines = _lines(text)
        self.source_name = source_name
        self.anomalies: list[Anomaly] = []

    def error(self, message: str, line: int | None = None) -> None:
        self.anomalies.append(Anomaly("error", message, line))

    def warn(self, message: str, line: int | None = None) -> None:
        self.anomalies.append(Anomaly("warning", message, line))

    def caption_index(self, words: str) -> int | None:
        for i, line in enumerate(self.lines):
            m = CAPTION_RE.match(line.text)
            if m and m.group(1).lower().startswith(words.lower()):
                return i
        return None

    def skip_header(self, start: int, cells: tuple[str, ...]) -> int:
        """Index after the table's header cells; headers are matched by their first word."""
        i = start + 1
        for cell in cells:
            if i < len(self.lines) and self.lines[i].text.lower().startswith(cell.lower()):
                i += 1
        return i

    # -- the page ---------------------------------------------------------------

    def read(self) -> ImportData:
        service = self.read_title()
        t1 = self.caption_index("Supported Actions")
        if t1 is None:
            self.error(
                "this is not a Huawei SCP catalog page: no 'Table N Supported Actions' caption "
                "was found"
            )
            return ImportData({}, self.anomalies, "huawei-page")
        actions = self.read_actions(t1)
        if not actions:
            self.error("the 'Supported Actions' table holds no action rows", self.lines[t1].number)
        prefixes = {a["name"].split(":")[0] for a in actions}
        if len(prefixes) > 1:
            self.error(f"actions of several services on one page: {', '.join(sorted(prefixes))}")
        prefix = next(iter(prefixes)) if prefixes else service["prefix"]
        service["prefix"] = prefix

        t2 = self.caption_index("Actions and dependencies")
        apis = self.read_apis(t2) if t2 is not None else []
        if t2 is None:
            self.error("the page has no 'Actions and dependencies' table (is it truncated?)")
        t3 = self.caption_index("Resource types")
        resource_types = self.read_resource_types(t3) if t3 is not None else []
        t4 = self.caption_index("Service-specific condition keys")
        keys = self.read_keys(t4) if t4 is not None else []

        service.update(
            resource_types=resource_types, condition_keys=keys, actions=actions, apis=apis
        )
        self.cross_check(service)
        document = {"format": FORMAT_NAME, "version": FORMAT_VERSION, "services": [service]}
        return ImportData(document, self.anomalies, "huawei-page")

    def read_title(self) -> dict[str, Any]:
        updated_on = None
        name = ""
        for i, line in enumerate(self.lines[:10]):
            m = UPDATED_RE.search(line.text)
            if m:
                try:
                    updated_on = date.fromisoformat(m.group(1)).isoformat()
                except ValueError:
                    self.warn(f"'Updated on' date {m.group(1)!r} is not a date", line.number)
                if i + 1 < len(self.lines):
                    name = self.lines[i + 1].text
                break
        if not updated_on:
            self.warn("no 'Updated on' date at the top of the page")
        m = PREFIX_IN_TITLE.search(name)
        return {
            "prefix": (m.group(1).lower() if m else ""),
            "name": name,
            "source": self.source_name,
            "updated_on": updated_on,
        }

    # -- Table 1 ------------------------------------------------------------------

    def read_actions(self, caption: int) -> list[dict[str, Any]]:
        i = self.skip_header(
            caption, ("Action", "Description", "Access Level", "Resource Type", "Condition Key")
        )
        actions: list[dict[str, Any]] = []
        seen: set[str] = set()
        lines = self.lines
        while i < len(lines) and ACTION_RE.match(lines[i].text) and not lines[i].bullet:
            start = lines[i]
            name = start.text
            if i + 2 >= len(lines):
                self.error(f"the row of {name} ends early: the page looks truncated", start.number)
                return actions
            description = lines[i + 1].text
            level_line = lines[i + 2]
            level = ACCESS_LEVELS.get(level_line.text.strip().lower())
            i += 3
            resource_types, i = self.read_resource_cell(i, name)
            keys, i, complete = self.read_key_cell(i)
            if not complete:
                self.error(
                    f"the row of {name} has no condition key cell: the page looks truncated",
                    start.number,
                )
            if level is None:
                self.error(
                    f"unknown access level {level_line.text!r} for {name} (known: list, read, "
                    "write, permission_management, tagging)",
                    level_line.number,
                )
                continue
            if name.lower() in seen:
                self.error(f"{name} appears twice in the actions table", start.number)
                continue
            seen.add(name.lower())
            actions.append(
                {
                    "name": name,
                    "description": description,
                    "access_level": level,
                    "resource_types": resource_types,
                    "condition_keys": keys,
                    "dependencies": [],
                    "_line": start.number,
                }
            )
        return actions

    def read_resource_cell(self, i: int, action: str) -> tuple[list[dict[str, Any]], int]:
        lines = self.lines
        if i < len(lines) and lines[i].text == "-":
            return [], i + 1
        found: list[dict[str, Any]] = []
        while (
            i < len(lines)
            and ":" not in lines[i].text
            and lines[i].text != "-"
            and not ACTION_RE.match(lines[i].text)
        ):
            text = lines[i].text
            required = text.endswith("*")
            name = text.rstrip("*").strip()
            if not re.fullmatch(r"[A-Za-z][\w.-]*", name):
                break
            found.append({"name": name, "required": required})
            i += 1
        if not found:
            where = lines[i].number if i < len(lines) else None
            self.error(f"the resource type cell of {action} is missing or malformed", where)
        return found, i

    def read_key_cell(self, i: int) -> tuple[list[str], int, bool]:
        lines = self.lines
        if i >= len(lines):
            return [], i, False
        if lines[i].text == "-":
            return [], i + 1, True
        keys: list[str] = []
        first = lines[i]
        if first.bullet:
            while i < len(lines) and lines[i].bullet and KEY_RE.match(lines[i].text):
                keys.append(lines[i].text)
                i += 1
        elif KEY_RE.match(first.text) and not ACTION_RE.match(first.text):
            keys.append(first.text)
            i += 1
        return keys, i, bool(keys)

    # -- Table 2 ------------------------------------------------------------------

    def parse_api(self, line: Line) -> dict[str, Any] | None:
        m = API_RE.match(line.text)
        if not m:
            return None
        method, path, note = m.group(1), m.group(2), (m.group(3) or "").strip()
        if method not in HTTP_METHODS:
            candidates = [known for known in HTTP_METHODS if known.endswith(method.upper())]
            if len(candidates) == 1:
                self.warn(
                    f"truncated HTTP method {method!r} in {line.text!r}: read as "
                    f"{candidates[0]}",
                    line.number,
                )
                method = candidates[0]
            else:
                self.error(f"unknown HTTP method {method!r} in {line.text!r}", line.number)
                return None
        return {
            "method": method,
            "path": path,
            "note": note,
            "conditional": note.lower().startswith("required only"),
        }

    def read_apis(self, caption: int) -> list[dict[str, Any]]:
        i = self.skip_header(caption, ("API", "Action", "Dependencies"))
        lines = self.lines
        by_key: dict[tuple[str, str], dict[str, Any]] = {}
        pending: list[dict[str, Any]] = []
        pending_line: int | None = None
        current: dict[str, Any] | None = None  # the action row whose dependencies may follow
        self._dependencies: dict[str, list[tuple[str, int]]] = {}
        while i < len(lines):
            line = lines[i]
            if line.text in SECTION_HEADINGS or CAPTION_RE.match(line.text):
                break
            api = self.parse_api(line) if API_RE.match(line.text) else None
            if api is not None:
                pending.append(api)
                pending_line = pending_line or line.number
                current = None
            elif ACTION_RE.match(line.text):
                if pending:
                    current = {"action": line.text, "line": line.number}
                    for entry in pending:
                        key = (entry["method"], entry["path"])
                        target = by_key.setdefault(
                            key, {"method": key[0], "path": key[1], "actions": []}
                        )
                        target["actions"].append(
                            {
                                "action": line.text,
                                "note": entry["note"],
                                "conditional": entry["conditional"],
                            }
                        )
                    pending = []
                    pending_line = None
                elif current is not None:
                    self._dependencies.setdefault(current["action"], []).append(
                        (line.text, line.number)
                    )
                else:
                    self.warn(f"action {line.text!r} outside any API row", line.number)
            elif line.text == "-":
                if current is None and pending:
                    self.error("a '-' where an action was expected", line.number)
            elif API_RE.match(line.text):
                pass  # an API whose method could not be read: already reported
            else:
                break  # prose after the table
            i += 1
        if pending:
            self.error(
                "APIs at the end of the dependencies table have no action: the page looks "
                "truncated",
                pending_line,
            )
        return list(by_key.values())

    # -- Tables 3 and 4 -------------------------------------------------------------

    def read_resource_types(self, caption: int) -> list[dict[str, Any]]:
        i = self.skip_header(caption, ("Resource Type", "URN"))
        lines = self.lines
        found: list[dict[str, Any]] = []
        while i + 1 < len(lines):
            line = lines[i]
            if line.text in SECTION_HEADINGS or CAPTION_RE.match(line.text):
                break
            nxt = lines[i + 1]
            if not line.bullet and re.fullmatch(r"[A-Za-z][\w.-]*", line.text) and URN_RE.match(
                nxt.text
            ):
                found.append({"name": line.text, "urn_pattern": nxt.text})
                i += 2
                continue
            i += 1
        return found

    def read_keys(self, caption: int) -> list[dict[str, Any]]:
        i = self.skip_header(
            caption, ("Service-specific", "Type", "Single-valued", "Description")
        )
        lines = self.lines
        found: list[dict[str, Any]] = []
        while i < len(lines):
            line = lines[i]
            if not KEY_RE.match(line.text) or ACTION_RE.match(line.text):
                break
            if i + 3 >= len(lines) + 0 and i + 2 >= len(lines):
                self.error(f"the row of key {line.text} ends early", line.number)
                break
            type_line = lines[i + 1]
            multi_line = lines[i + 2]
            description = lines[i + 3].text if i + 3 < len(lines) else ""
            value_type = KEY_TYPES.get(type_line.text.strip().lower())
            multi = multi_line.text.strip().lower().replace("-", " ")
            if value_type is None:
                self.error(
                    f"unknown type {type_line.text!r} for condition key {line.text}",
                    type_line.number,
                )
            elif multi not in {"single valued", "multivalued", "multi valued"}:
                self.error(
                    f"expected 'Single-valued' or 'Multivalued' for {line.text}, "
                    f"got {multi_line.text!r}",
                    multi_line.number,
                )
            else:
                found.append(
                    {
                        "name": line.text,
                        "type": value_type,
                        "multivalued": multi.startswith("multi"),
                        "description": description,
                        "_line": line.number,
                    }
                )
            i += 4
        return found

    # -- consistency ------------------------------------------------------------------

    def cross_check(self, service: dict[str, Any]) -> None:
        prefix = service["prefix"]
        action_names = {a["name"].lower(): a for a in service["actions"]}
        type_names = {r["name"] for r in service["resource_types"]}
        for name, deps in getattr(self, "_dependencies", {}).items():
            action = action_names.get(name.lower())
            for dep, line in deps:
                if action is not None and dep not in action["dependencies"]:
                    action["dependencies"].append(dep)
                if dep.split(":")[0].lower() == prefix.lower() and dep.lower() not in action_names:
                    self.warn(
                        f"{name} depends on {dep}, which this page does not define", line
                    )
        for api in service["apis"]:
            for link in api["actions"]:
                if link["action"].lower() not in action_names:
                    self.warn(
                        f"{api['method']} {api['path']} needs {link['action']}, which the "
                        "actions table does not define"
                    )
        used_keys: set[str] = set()
        for action in service["actions"]:
            line = action.pop("_line")
            for ref in action["resource_types"]:
                if ref["name"] not in type_names:
                    self.error(
                        f"{action['name']} names resource type {ref['name']!r}, which the "
                        "resource types table does not define (is the page truncated?)",
                        line,
                    )
            used_keys.update(k.lower() for k in action["condition_keys"])
            if not action_names_has_api(service, action["name"]):
                self.warn(f"{action['name']} has no API in the dependencies table", line)
        defined = set()
        for key in service["condition_keys"]:
            line = key.pop("_line")
            defined.add(key["name"].lower())
            if key["name"].lower() not in used_keys:
                self.warn(f"condition key {key['name']} is defined but no action uses it", line)
        for action in service["actions"]:
            for key_name in action["condition_keys"]:
                if not key_name.lower().startswith("g:") and key_name.lower() not in defined:
                    self.warn(
                        f"{action['name']} lists condition key {key_name}, which the page "
                        "does not define"
                    )


def action_names_has_api(service: dict[str, Any], action: str) -> bool:
    return any(
        link["action"].lower() == action.lower()
        for api in service["apis"]
        for link in api["actions"]
    )


def read_huawei_page(text: str, *, source_name: str = "") -> ImportData:
    """Read a page; the result's `errors` say why it cannot be imported, if it cannot."""
    return _PageReader(text, source_name).read()
