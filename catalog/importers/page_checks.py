"""Checks across the tables of one page: names one table uses and another never defines.

The tables are read one by one; only together do they show a dependency on an
action the page never defines, a key no action uses, or an action no API needs.
Most of these are legitimate on Huawei's pages, so they are warnings: reported,
kept as references, never repaired by guessing. A resource type no table defines
is an error, because the catalog cannot link an action to it.
"""

from __future__ import annotations

from typing import Any

from catalog.importers import Anomaly
from catalog.importers.page_layout import CAPTION_RE, TABLE_CAPTIONS, Line

CAPTIONS = TABLE_CAPTIONS


def repeated_table(lines: list[Line]) -> Anomaly | None:
    """A file holding the page (or one of its tables) more than once is not one page.

    Gluing the copies together would import whichever rows were read first; the copies
    are counted by the captions of the four tables.
    """
    for words, caption in CAPTIONS.items():
        at = [
            line.number
            for line in lines
            if (m := CAPTION_RE.match(line.text)) and m.group(1).lower().startswith(words)
        ]
        if len(at) < 2:
            continue
        shown = ", ".join(str(n) for n in at[:6]) + (", ..." if len(at) > 6 else "")
        if caption == "Supported Actions":
            message = (
                f"the page appears {len(at)} times in this file (its 'Supported Actions' "
                f"table starts on lines {shown}): import one copy of one page per file"
            )
        else:
            message = (
                f"the '{caption}' table appears {len(at)} times (lines {shown}): the page was "
                "pasted together; import one copy of one page per file"
            )
        return Anomaly("error", message, at[1])
    return None


def cross_check(
    service: dict[str, Any],
    dependencies: dict[str, list[tuple[str, int]]],
    *,
    check_types: bool = True,
) -> list[Anomaly]:
    """Attach the dependencies to their actions and report what does not add up.

    Removes the private `_line` entries the readers left on actions and keys.
    `check_types` is off when the page has no resource types table at all: that is
    reported once by the reader, not once per action.
    """
    found: list[Anomaly] = []
    prefix = service["prefix"].lower()
    actions = {a["name"].lower(): a for a in service["actions"]}
    type_names = {r["name"] for r in service["resource_types"]}
    linked = {link["action"].lower() for api in service["apis"] for link in api["actions"]}

    for name, deps in dependencies.items():
        action = actions.get(name.lower())
        for dep, line in deps:
            if action is not None:
                action["dependencies"].append(dep)
            if dep.split(":")[0].lower() == prefix and dep.lower() not in actions:
                found.append(
                    Anomaly(
                        "warning", f"{name} depends on {dep}, which this page does not define", line
                    )
                )
    for api in service["apis"]:
        for link in api["actions"]:
            if link["action"].lower() not in actions:
                found.append(
                    Anomaly(
                        "warning",
                        f"{api['method']} {api['path']} needs {link['action']}, which the "
                        "actions table does not define",
                    )
                )

    used_keys: set[str] = set()
    for action in service["actions"]:
        line = action.pop("_line")
        for ref in action["resource_types"] if check_types else []:
            if ref["name"] not in type_names:
                found.append(
                    Anomaly(
                        "error",
                        f"{action['name']} names resource type {ref['name']!r}, which the "
                        "resource types table does not define (is the page truncated?)",
                        line,
                    )
                )
        used_keys.update(k.lower() for k in action["condition_keys"])
        if action["name"].lower() not in linked:
            found.append(
                Anomaly("warning", f"{action['name']} has no API in the dependencies table", line)
            )

    defined: set[str] = set()
    for key in service["condition_keys"]:
        line = key.pop("_line")
        defined.add(key["name"].lower())
        if not key["name"].lower().startswith(prefix + ":"):
            found.append(
                Anomaly(
                    "error",
                    f"{key['name']} is in the service-specific keys table but does not start "
                    f"with {service['prefix']}:",
                    line,
                )
            )
        if key["name"].lower() not in used_keys:
            found.append(
                Anomaly(
                    "warning", f"condition key {key['name']} is defined but no action uses it", line
                )
            )
    for action in service["actions"]:
        for key_name in action["condition_keys"]:
            if not key_name.lower().startswith("g:") and key_name.lower() not in defined:
                found.append(
                    Anomaly(
                        "warning",
                        f"{action['name']} lists condition key {key_name}, which the page "
                        "does not define",
                    )
                )
    return found
