"""Read a Huawei Cloud "actions, resources and conditions" SCP page in its text form.

Every service has such a page in the same layout, so this reader knows the
layout, not IMS: four tables found by their captions, cells one per line,
bullet lists running together. Cells are told apart by their shape (an action
is `svc:type:op`, an API is `METHOD /path`, a key has one colon), and whatever
does not fit is reported as an anomaly with its line number instead of guessed.
Checks across tables (undefined names, unused keys) live in `page_checks`.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from catalog.importers import Anomaly, ImportData
from catalog.importers.page_checks import cross_check, repeated_table
from catalog.importers.page_layout import (
    ACCESS_LEVELS,
    ACTION_RE,
    API_RE,
    CAPTION_RE,
    KEY_RE,
    KEY_TYPES,
    PREFIX_IN_TITLE,
    SECTION_HEADINGS,
    TYPE_NAME_RE,
    UPDATED_RE,
    URN_RE,
    find_tables,
    read_api_cell,
    read_lines,
)
from catalog.importers.urns import EXAMPLE as URN_EXAMPLE
from catalog.importers.urns import urn_markup, urn_service
from scpstudio.engine.catalog_json import FORMAT_NAME, FORMAT_VERSION

# A level is one to three words; a longer cell is a description the layout misplaced.
OTHER_LEVEL_RE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+){0,2}$")


class _PageReader:
    def __init__(self, text: str, source_name: str) -> None:
        self.lines = read_lines(text)
        self.tables = find_tables(self.lines)
        self.source_name = source_name
        self.anomalies: list[Anomaly] = []
        self.dependencies: dict[str, list[tuple[str, int]]] = {}

    def error(self, message: str, line: int | None = None) -> None:
        self.anomalies.append(Anomaly("error", message, line))

    def warn(self, message: str, line: int | None = None) -> None:
        self.anomalies.append(Anomaly("warning", message, line))

    @property
    def last_line(self) -> int | None:
        return self.lines[-1].number if self.lines else None

    def caption_index(self, words: str) -> int | None:
        """The caption of one of the four tables, known by its words or its header cells."""
        return self.tables.get(words.lower())

    def table_end(self, start: int) -> int:
        """Index of the next caption or section heading after `start`, or the end."""
        for i in range(start, len(self.lines)):
            text = self.lines[i].text
            if text in SECTION_HEADINGS or CAPTION_RE.match(text):
                return i
        return len(self.lines)

    def skip_header(self, start: int, cells: tuple[str, ...]) -> int:
        """Index after the table's header cells, matched by their first words (`a|b`: either)."""
        i = start + 1
        for cell in cells:
            text = self.lines[i].text.lower() if i < len(self.lines) else ""
            if any(text.startswith(word.lower()) for word in cell.split("|")):
                i += 1
        return i

    # -- the page ---------------------------------------------------------------

    def read(self) -> ImportData:
        repeated = repeated_table(self.lines)
        if repeated is not None:
            return ImportData({}, [repeated], "huawei-page")
        service = self.read_title()
        t1 = self.caption_index("Supported Actions")
        if t1 is None:
            first = self.lines[0] if self.lines else None
            self.error(
                "this is not a Huawei SCP catalog page: no 'Table N Supported Actions' caption "
                + (f"(the text starts with {first.text[:60]!r})" if first else "(no text)"),
                first.number if first else 1,
            )
            return ImportData({}, self.anomalies, "huawei-page")
        actions = self.read_actions(t1)
        if not actions:
            self.error("the 'Supported Actions' table holds no action rows", self.lines[t1].number)
        prefixes = {a["name"].split(":")[0] for a in actions}
        if len(prefixes) > 1:
            self.error(
                f"actions of several services on one page: {', '.join(sorted(prefixes))}",
                self.lines[t1].number,
            )
        if prefixes:
            service["prefix"] = sorted(prefixes)[0]
        if not service["name"]:
            service["name"] = service["prefix"]

        t2 = self.caption_index("Actions and dependencies")
        if t2 is None:
            self.error(
                "the page has no 'Actions and dependencies' table (Table 2) after the actions: "
                "is it truncated?",
                self.last_line,
            )
        apis = self.read_apis(t2) if t2 is not None else []
        t3 = self.caption_index("Resource types")
        resource_types = self.read_resource_types(t3, service["prefix"]) if t3 is not None else []
        typed = [a["name"] for a in actions if a["resource_types"]]
        if t3 is None and typed:
            self.error(
                f"the page has no 'Resource types' table (Table 3), yet {len(typed)} actions name "
                "resource types: is it truncated?",
                self.last_line,
            )
        t4 = self.caption_index("Service-specific condition keys")
        keys = self.read_keys(t4) if t4 is not None else []
        keyed = [
            a
            for a in actions
            if any(":" in k and not k.startswith("g:") for k in a["condition_keys"])
        ]
        if t4 is None and keyed:
            self.error(
                f"the page has no 'Service-specific condition keys' table (Table 4), yet "
                f"{len(keyed)} actions use service-specific keys: is it truncated?",
                self.last_line,
            )
        # The Conditions section closes every page; a page without it was cut. Resources
        # may be missing on a service without resource-level permissions.
        if not any(line.text == "Conditions" for line in self.lines[t1:]):
            self.error(
                "the page has no 'Conditions' section after the actions: it looks truncated",
                self.last_line,
            )

        service.update(
            resource_types=resource_types, condition_keys=keys, actions=actions, apis=apis
        )
        self.anomalies.extend(
            cross_check(service, self.dependencies, check_types=bool(resource_types))
        )
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
            self.warn("no 'Updated on' date at the top of the page", 1)
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
            keys, i = self.read_key_cell(i, name)
            if level is None:
                # a level Huawei names that we do not know is kept, grouped under its name;
                # a cell that is not a word is the layout misread, and is refused
                other = re.sub(r"[\s-]+", "_", level_line.text.strip().lower())
                if not OTHER_LEVEL_RE.match(other):
                    self.error(
                        f"unknown access level {level_line.text!r} for {name} (known: List, "
                        "Read, Write, Permission management, Tagging, or another word)",
                        level_line.number,
                    )
                    continue
                self.warn(
                    f"access level {level_line.text!r} for {name} is one SCP Studio does not "
                    f"know: kept as {other!r}, and its actions are grouped under it",
                    level_line.number,
                )
                level = other
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
        self.check_table_end(i, "Supported Actions", lambda line: bool(ACTION_RE.match(line.text)))
        return actions

    def check_table_end(self, i: int, table: str, is_row: Any) -> None:
        """Where a table stopped being read, the page must go on with prose or the next table.

        Ending at the end of the text means the page was cut; rows further down that
        were never reached mean a line the reader does not understand. Both are errors,
        so that a partly read table is never imported as if it were whole.
        """
        lines = self.lines
        if i >= len(lines):
            self.error(
                f"the page ends inside the '{table}' table: it looks truncated", self.last_line
            )
            return
        unread = [line for line in lines[i : self.table_end(i)] if is_row(line)]
        if unread:
            self.error(
                f"cannot read the '{table}' table from here on ({lines[i].text[:60]!r} does not "
                f"fit the layout); {len(unread)} more row(s) follow, first at line "
                f"{unread[0].number}",
                lines[i].number,
            )

    def read_resource_cell(self, i: int, action: str) -> tuple[list[dict[str, Any]], int]:
        lines = self.lines
        if i < len(lines) and lines[i].text == "-":
            return [], i + 1
        found: list[dict[str, Any]] = []
        while i < len(lines) and ":" not in lines[i].text and lines[i].text != "-":
            text = lines[i].text
            required = text.endswith("*")
            name = text.rstrip("*").strip()
            if not TYPE_NAME_RE.match(name):
                break
            if any(r["name"] == name for r in found):
                self.warn(f"{action} lists resource type {name!r} twice", lines[i].number)
            else:
                found.append({"name": name, "required": required})
            i += 1
        if not found:
            where = lines[i].number if i < len(lines) else self.last_line
            self.error(f"the resource type cell of {action} is missing or malformed", where)
        return found, i

    def read_key_cell(self, i: int, action: str) -> tuple[list[str], int]:
        lines = self.lines
        if i >= len(lines):
            self.error(
                f"the row of {action} has no condition key cell: the page looks truncated",
                self.last_line,
            )
            return [], i
        if lines[i].text == "-":
            return [], i + 1
        keys: list[str] = []
        first = lines[i]
        if first.bullet:
            while i < len(lines) and lines[i].bullet and KEY_RE.match(lines[i].text):
                if lines[i].text in keys:
                    self.warn(f"{action} lists {lines[i].text} twice", lines[i].number)
                else:
                    keys.append(lines[i].text)
                i += 1
        elif KEY_RE.match(first.text) and not ACTION_RE.match(first.text):
            keys.append(first.text)
            i += 1
        if not keys:
            self.error(
                f"the condition key cell of {action} is missing or malformed: expected '-' or "
                f"keys, found {first.text[:60]!r}",
                first.number,
            )
        return keys, i

    # -- Table 2 ------------------------------------------------------------------

    def read_apis(self, caption: int) -> list[dict[str, Any]]:
        i = self.skip_header(caption, ("API", "Action", "Dependencies"))
        lines = self.lines
        by_key: dict[tuple[str, str], dict[str, Any]] = {}
        pending: list[tuple[dict[str, Any], int]] = []
        current: str | None = None  # the action whose dependencies may follow
        while i < len(lines):
            line = lines[i]
            if line.text in SECTION_HEADINGS or CAPTION_RE.match(line.text):
                break
            if API_RE.match(line.text):
                api, anomaly = read_api_cell(line)
                if anomaly is not None:
                    self.anomalies.append(anomaly)
                if api is not None:
                    pending.append((api, line.number))
                current = None
            elif ACTION_RE.match(line.text):
                if pending:
                    current = line.text
                    for api, number in pending:
                        self.link(by_key, api, line.text, number)
                    pending = []
                elif current is not None:
                    deps = self.dependencies.setdefault(current, [])
                    if any(dep == line.text for dep, _ in deps):
                        self.warn(f"{current} lists dependency {line.text} twice", line.number)
                    else:
                        deps.append((line.text, line.number))
                else:
                    self.warn(f"action {line.text!r} outside any API row", line.number)
            elif line.text == "-":
                if current is None and pending:
                    self.error("a '-' where an action was expected", line.number)
            else:
                break  # prose after the table, or a line that fits no cell
            i += 1
        if pending:
            self.error(
                "APIs at the end of the dependencies table have no action: the page looks "
                "truncated",
                pending[0][1],
            )
        elif i >= len(lines):
            self.error(
                "the page ends inside the 'Actions and dependencies' table; the Resources "
                "and Conditions sections are missing: it looks truncated",
                self.last_line,
            )
        else:
            self.check_table_end(
                i,
                "Actions and dependencies",
                lambda line: bool(ACTION_RE.match(line.text) or API_RE.match(line.text)),
            )
        return list(by_key.values())

    def link(
        self, by_key: dict[Any, dict[str, Any]], api: dict[str, Any], action: str, number: int
    ) -> None:
        key = (api["method"], api["path"])
        target = by_key.setdefault(key, {"method": key[0], "path": key[1], "actions": []})
        if any(link["action"] == action for link in target["actions"]):
            self.warn(f"{key[0]} {key[1]} is linked to {action} twice", number)
            return
        target["actions"].append(
            {"action": action, "note": api["note"], "conditional": api["conditional"]}
        )

    # -- Tables 3 and 4 -------------------------------------------------------------

    def read_resource_types(self, caption: int, prefix: str) -> list[dict[str, Any]]:
        i = self.skip_header(caption, ("Resource Type", "URN"))
        lines = self.lines
        end = self.table_end(i)  # the next section may follow the last row directly
        found: list[dict[str, Any]] = []
        while i < end:
            line = lines[i]
            if line.bullet or not TYPE_NAME_RE.match(line.text):
                break  # the notes under the table, or the prose after it
            nxt = lines[i + 1] if i + 1 < end else None
            if nxt is None and i + 1 < len(lines):
                self.error(
                    f"resource type {line.text!r} has no URN pattern: the table ends at line "
                    f"{lines[end].number} ({lines[end].text[:60]!r})",
                    line.number,
                )
                break
            markup = urn_markup(nxt.text) if nxt is not None else None
            if nxt is not None and markup is not None:
                self.error(
                    f"the URN pattern of resource type {line.text!r} holds markup ({markup}): "
                    f"a URN pattern is text like {URN_EXAMPLE}",
                    nxt.number,
                )
                return found
            if nxt is None or not URN_RE.match(nxt.text):
                self.error(
                    f"resource type {line.text!r} has no URN pattern"
                    + (f" (found {nxt.text[:60]!r})" if nxt else ": the page looks truncated"),
                    (nxt or line).number,
                )
                break
            if any(r["name"] == line.text for r in found):
                self.error(f"resource type {line.text!r} appears twice", line.number)
            else:
                urn_prefix = urn_service(nxt.text)
                if prefix and urn_prefix.lower() != prefix.lower():
                    self.warn(
                        f"the URN pattern of resource type {line.text!r} starts with "
                        f"'{urn_prefix}:', but the page is about service '{prefix}'",
                        nxt.number,
                    )
                found.append({"name": line.text, "urn_pattern": nxt.text})
            i += 2
        if not found:
            self.error(
                "the 'Resource types' table holds no rows (is the page truncated?)",
                lines[caption].number,
            )
        return found

    def read_keys(self, caption: int) -> list[dict[str, Any]]:
        i = self.skip_header(
            caption, ("Service-specific|Condition Key", "Type", "Single-valued", "Description")
        )
        lines = self.lines
        end = self.table_end(i)
        reported = len(self.anomalies)
        found: list[dict[str, Any]] = []
        while i < end:
            line = lines[i]
            if not KEY_RE.match(line.text) or ACTION_RE.match(line.text):
                break
            if i + 3 >= end:
                self.error(
                    f"the row of key {line.text} ends early: the page looks truncated",
                    line.number,
                )
                break
            type_line, multi_line, description = lines[i + 1], lines[i + 2], lines[i + 3].text
            value_type = KEY_TYPES.get(type_line.text.strip().lower())
            multi = multi_line.text.strip().lower().replace("-", " ")
            if value_type is None:
                self.error(
                    f"unknown type {type_line.text!r} for condition key {line.text} (known: "
                    "string, numeric, boolean, date, ip address)",
                    type_line.number,
                )
            elif multi not in {"single valued", "multivalued", "multi valued"}:
                self.error(
                    f"expected 'Single-valued' or 'Multivalued' for {line.text}, "
                    f"got {multi_line.text!r}",
                    multi_line.number,
                )
            elif any(k["name"].lower() == line.text.lower() for k in found):
                self.error(f"condition key {line.text} appears twice", line.number)
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
        if not found and len(self.anomalies) == reported:
            self.error(
                "the 'Service-specific condition keys' table holds no rows (is the page "
                "truncated?)",
                lines[caption].number,
            )
        return found


def read_huawei_page(text: str, *, source_name: str = "") -> ImportData:
    """Read a page; the result's `errors` say why it cannot be imported, if it cannot."""
    return _PageReader(text, source_name).read()
