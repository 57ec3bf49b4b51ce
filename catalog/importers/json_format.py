"""Check a document in our catalog JSON format field by field.

The format is described in `scpstudio.engine.catalog_json`. Every error names
the field by its path (`services[0].actions[3].access_level`), and a document
with any error is not imported at all.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from catalog.importers import Anomaly, ImportData
from catalog.importers.json_text import json_kind
from catalog.importers.urns import EXAMPLE as URN_EXAMPLE
from catalog.importers.urns import urn_markup, urn_service
from catalog.models import ACCESS_LEVEL_RE as _LEVEL_PATTERN
from catalog.models import AccessLevel, HttpMethod, KeyType, Region
from scpstudio.engine.catalog import REGION_RE
from scpstudio.engine.catalog_json import FORMAT_NAME, FORMAT_VERSION

PREFIX_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
ACCESS_LEVEL_RE = re.compile(_LEVEL_PATTERN)
GLOBAL_PREFIX = "g"

# The fields each object of the format may hold; anything else is a typo to report.
FIELDS = {
    "document": {"format", "version", "services", "global_condition_keys", "regions"},
    "region": {"id", "name"},
    "global key": {"name", "type", "multivalued", "request_wide", "confirmed", "description"},
    "service": {
        "prefix",
        "name",
        "source",
        "updated_on",
        "scp_governed",
        "schema_version",
        "resource_types",
        "condition_keys",
        "actions",
        "apis",
        "operations",
    },
    "resource type": {"name", "urn_pattern"},
    "condition key": {"name", "type", "multivalued", "description"},
    "action": {
        "name",
        "description",
        "access_level",
        "permission_only",
        "aliases",
        "resource_types",
        "condition_keys",
        "dependencies",
    },
    "resource type link": {"name", "required", "condition_keys"},
    "operation": {"operation_id", "action", "dependent_actions"},
    "API": {"method", "path", "actions"},
    "API link": {"action", "note", "conditional"},
}
ACTION_RE = re.compile(r"^[A-Za-z0-9][\w-]*:[A-Za-z0-9*][\w*-]*:[A-Za-z0-9*][\w*-]*$")


class _Checker:
    def __init__(self) -> None:
        self.anomalies: list[Anomaly] = []

    def error(self, where: str, message: str) -> None:
        self.anomalies.append(Anomaly("error", message, field=where))

    def warn(self, where: str, message: str) -> None:
        self.anomalies.append(Anomaly("warning", message, field=where))

    def obj(self, value: Any, where: str, kind: str) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.error(where, f"must be an object, not {json_kind(value)}")
            return None
        for name in sorted(set(value) - FIELDS[kind]):
            self.error(
                f"{where}.{name}" if where else name,
                f"is not a field of {kind} objects (they hold {', '.join(sorted(FIELDS[kind]))})",
            )
        return value

    def items(self, parent: dict[str, Any], name: str, where: str) -> list[Any]:
        value = parent.get(name, [])
        if value is None or not isinstance(value, list):
            self.error(
                f"{where}.{name}" if where else name, f"must be a list, not {json_kind(value)}"
            )
            return []
        return value

    def string(
        self, parent: dict[str, Any], name: str, where: str, *, required: bool = True
    ) -> str:
        value = parent.get(name)
        path = f"{where}.{name}"
        if value is None:
            if required:
                self.error(path, "is required")
            return ""
        if not isinstance(value, str):
            self.error(path, f"must be a string, not {json_kind(value)}")
            return ""
        return value

    def boolean(self, parent: dict[str, Any], name: str, where: str, default: bool) -> bool:
        value = parent.get(name, default)
        if not isinstance(value, bool):
            self.error(f"{where}.{name}", f"must be true or false, not {json_kind(value)}")
            return default
        return value

    def maybe_boolean(self, parent: dict[str, Any], name: str, where: str) -> bool | None:
        value = parent.get(name)
        if value is not None and not isinstance(value, bool):
            self.error(f"{where}.{name}", f"must be true, false or null, not {json_kind(value)}")
            return None
        return value

    def choice(self, parent: dict[str, Any], name: str, where: str, allowed: list[str]) -> str:
        value = self.string(parent, name, where)
        if value and value not in allowed:
            self.error(f"{where}.{name}", f"{value!r} is not one of {', '.join(allowed)}")
        return value

    def names(self, parent: dict[str, Any], name: str, where: str) -> list[str]:
        out: list[str] = []
        for i, value in enumerate(self.items(parent, name, where)):
            if not isinstance(value, str) or not value:
                self.error(
                    f"{where}.{name}[{i}]", f"must be a non-empty string, not {json_kind(value)}"
                )
            elif value in out:
                self.error(f"{where}.{name}[{i}]", f"{value!r} appears more than once")
            else:
                out.append(value)
        return out

    # -- the document ---------------------------------------------------------------

    def document(self, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.error("(document)", f"must be an object, not {json_kind(value)}")
            return {}
        if value.get("format") != FORMAT_NAME:
            self.error("format", f"must be {FORMAT_NAME!r}: is this an SCP Studio catalog file?")
        version = value.get("version")
        if type(version) is not int or version != FORMAT_VERSION:
            self.error("version", f"must be {FORMAT_VERSION}, not {version!r}")
        doc = self.obj(value, "", "document") or {}
        keys = [
            self.global_key(k, f"global_condition_keys[{i}]")
            for i, k in enumerate(self.items(doc, "global_condition_keys", ""))
        ]
        self.duplicates(keys, "name", "global_condition_keys")
        services = [
            self.service(s, f"services[{i}]") for i, s in enumerate(self.items(doc, "services", ""))
        ]
        regions = [
            self.region(r, f"regions[{i}]") for i, r in enumerate(self.items(doc, "regions", ""))
        ]
        self.duplicates(regions, "id", "regions")
        prefixes = [s.get("prefix") for s in services]
        for p in {p for p in prefixes if prefixes.count(p) > 1}:
            self.error("services", f"service {p!r} appears more than once")
        out: dict[str, Any] = {"format": FORMAT_NAME, "version": FORMAT_VERSION}
        if "global_condition_keys" in doc:
            out["global_condition_keys"] = keys
        if "services" in doc:
            out["services"] = services
        if "regions" in doc:
            out["regions"] = regions
        if not {"global_condition_keys", "services", "regions"} & set(doc):
            self.error("(document)", "holds none of services, global_condition_keys, regions")
        return out

    def region(self, value: Any, where: str) -> dict[str, Any]:
        r = self.obj(value, where, "region") or {}
        region_id = self.string(r, "id", where)
        name = self.string(r, "name", where, required=False)
        longest = Region._meta.get_field("region_id").max_length or 0
        if len(region_id) > longest:
            self.error(f"{where}.id", f"is {len(region_id)} characters long; at most {longest}")
        elif region_id and not REGION_RE.fullmatch(region_id):
            self.error(
                f"{where}.id",
                f"{region_id!r} is not a region ID (lower-case words and a number joined by "
                "hyphens, like cn-north-4)",
            )
        longest = Region._meta.get_field("name").max_length or 0
        if len(name) > longest:
            self.error(f"{where}.name", f"is {len(name)} characters long; at most {longest}")
        return {"id": region_id, "name": name}

    def global_key(self, value: Any, where: str) -> dict[str, Any]:
        k = self.obj(value, where, "global key") or {}
        name = self.string(k, "name", where)
        if name and not name.startswith("g:"):
            self.error(f"{where}.name", f"global keys start with 'g:', {name!r} does not")
        return {
            "name": name,
            "type": self.choice(k, "type", where, KeyType.values),
            "multivalued": self.boolean(k, "multivalued", where, False),
            "request_wide": self.boolean(k, "request_wide", where, True),
            "confirmed": self.boolean(k, "confirmed", where, True),
            "description": self.string(k, "description", where, required=False),
        }

    def service(self, value: Any, where: str) -> dict[str, Any]:
        s = self.obj(value, where, "service") or {}
        prefix = self.string(s, "prefix", where)
        if prefix and not PREFIX_RE.match(prefix):
            self.error(f"{where}.prefix", f"{prefix!r} is not a service prefix (a-z, 0-9, -)")
        elif prefix == GLOBAL_PREFIX:
            self.error(f"{where}.prefix", "'g' is the prefix of global condition keys")
        updated_on = s.get("updated_on")
        if updated_on is not None:
            try:
                date.fromisoformat(str(updated_on)) if isinstance(updated_on, str) else _raise()
            except (ValueError, TypeError):
                self.error(f"{where}.updated_on", f"must be a date YYYY-MM-DD, not {updated_on!r}")
                updated_on = None
        out = {
            "prefix": prefix,
            "name": self.string(s, "name", where) or prefix,
            "source": self.string(s, "source", where, required=False),
            "updated_on": updated_on,
            "scp_governed": self.maybe_boolean(s, "scp_governed", where),
            "schema_version": self.string(s, "schema_version", where, required=False),
            "resource_types": [],
            "condition_keys": [],
            "actions": [],
            "apis": [],
            "operations": [],
        }
        for i, r in enumerate(self.items(s, "resource_types", where)):
            w = f"{where}.resource_types[{i}]"
            r = self.obj(r, w, "resource type") or {}
            out["resource_types"].append(
                {"name": self.string(r, "name", w), "urn_pattern": self.urn(r, w, prefix)}
            )
        for i, k in enumerate(self.items(s, "condition_keys", where)):
            w = f"{where}.condition_keys[{i}]"
            k = self.obj(k, w, "condition key") or {}
            name = self.string(k, "name", w)
            if name and prefix and not name.lower().startswith(prefix.lower() + ":"):
                self.error(
                    f"{w}.name", f"{name!r} does not start with the service prefix {prefix}:"
                )
            out["condition_keys"].append(
                {
                    "name": name,
                    "type": self.choice(k, "type", w, KeyType.values),
                    "multivalued": self.boolean(k, "multivalued", w, False),
                    "description": self.string(k, "description", w, required=False),
                }
            )
        for i, a in enumerate(self.items(s, "actions", where)):
            out["actions"].append(self.action(a, f"{where}.actions[{i}]", prefix))
        for i, api in enumerate(self.items(s, "apis", where)):
            out["apis"].append(self.api(api, f"{where}.apis[{i}]"))
        for i, op in enumerate(self.items(s, "operations", where)):
            out["operations"].append(self.operation(op, f"{where}.operations[{i}]"))
        self.duplicates(out["operations"], "operation_id", f"{where}.operations")
        self.duplicates(out["actions"], "name", f"{where}.actions")
        self.duplicates(out["resource_types"], "name", f"{where}.resource_types")
        self.duplicates(out["condition_keys"], "name", f"{where}.condition_keys")
        apis = [(api["method"], api["path"]) for api in out["apis"]]
        for i, api in enumerate(apis):
            if api in apis[:i]:
                self.error(f"{where}.apis[{i}]", f"{api[0]} {api[1]} appears more than once")
        self.references(out, where)
        return out

    def references(self, s: dict[str, Any], where: str) -> None:
        """Names a service uses: an undefined resource type is an error, the rest warnings."""
        prefix = s["prefix"].lower()
        types = {r["name"] for r in s["resource_types"]}
        actions = {a["name"].lower() for a in s["actions"]}
        keys = {k["name"].lower() for k in s["condition_keys"]}
        used: set[str] = set()
        for i, a in enumerate(s["actions"]):
            w = f"{where}.actions[{i}]"
            for j, ref in enumerate(a["resource_types"]):
                if ref["name"] and ref["name"] not in types:
                    self.error(
                        f"{w}.resource_types[{j}].name",
                        f"{ref['name']!r} is not one of the service's resource_types",
                    )
            for key in a["condition_keys"]:
                used.add(key.lower())
                if not key.lower().startswith("g:") and key.lower() not in keys:
                    self.warn(f"{w}.condition_keys", f"{key} is not defined by the service")
            for dep in a["dependencies"]:
                if dep.split(":")[0].lower() == prefix and dep.lower() not in actions:
                    self.warn(f"{w}.dependencies", f"{dep} is not defined by the service")
        for i, k in enumerate(s["condition_keys"]):
            if k["name"] and k["name"].lower() not in used:
                self.warn(f"{where}.condition_keys[{i}]", f"{k['name']} is used by no action")

    def urn(self, r: dict[str, Any], where: str, prefix: str) -> str:
        pattern = self.string(r, "urn_pattern", where)
        markup = urn_markup(pattern)
        if markup is not None:
            self.error(
                f"{where}.urn_pattern",
                f"holds markup ({markup}); a URN pattern is text like {URN_EXAMPLE}",
            )
        elif pattern and prefix and urn_service(pattern).lower() != prefix.lower():
            self.warn(
                f"{where}.urn_pattern",
                f"starts with '{urn_service(pattern)}:', not the service's prefix '{prefix}:'",
            )
        return pattern

    def action(self, value: Any, where: str, prefix: str) -> dict[str, Any]:
        a = self.obj(value, where, "action") or {}
        name = self.string(a, "name", where)
        if name and not ACTION_RE.match(name):
            self.error(f"{where}.name", f"{name!r} is not service:resource-type:operation")
        elif name and prefix and name.split(":")[0].lower() != prefix.lower():
            self.error(f"{where}.name", f"{name!r} does not belong to service {prefix!r}")
        refs = []
        for i, r in enumerate(self.items(a, "resource_types", where)):
            w = f"{where}.resource_types[{i}]"
            r = self.obj(r, w, "resource type link") or {}
            ref = {
                "name": self.string(r, "name", w),
                "required": self.boolean(r, "required", w, False),
                "condition_keys": self.names(r, "condition_keys", w),
            }
            if ref["name"] and any(other["name"] == ref["name"] for other in refs):
                self.error(f"{w}.name", f"{ref['name']!r} appears more than once")
            else:
                refs.append(ref)
        return {
            "name": name,
            "description": self.string(a, "description", where, required=False),
            "access_level": self.access_level(a, where),
            "permission_only": self.boolean(a, "permission_only", where, False),
            "aliases": self.names(a, "aliases", where),
            "resource_types": refs,
            "condition_keys": self.names(a, "condition_keys", where),
            "dependencies": self.names(a, "dependencies", where),
        }

    def access_level(self, a: dict[str, Any], where: str) -> str:
        """Any level Huawei names is kept; one we do not know is said, not refused."""
        value = self.string(a, "access_level", where)
        if value and not ACCESS_LEVEL_RE.match(value):
            self.error(
                f"{where}.access_level", f"{value!r} is not an access level (a lower-case word)"
            )
        elif value and value not in AccessLevel.values:
            self.warn(
                f"{where}.access_level",
                f"{value!r} is an access level SCP Studio does not know: kept, and its actions "
                "are grouped under it",
            )
        return value

    def operation(self, value: Any, where: str) -> dict[str, Any]:
        op = self.obj(value, where, "operation") or {}
        action = self.string(op, "action", where)
        if action and not ACTION_RE.match(action):
            self.error(f"{where}.action", f"{action!r} is not service:resource-type:operation")
        return {
            "operation_id": self.string(op, "operation_id", where),
            "action": action,
            "dependent_actions": self.names(op, "dependent_actions", where),
        }

    def api(self, value: Any, where: str) -> dict[str, Any]:
        api = self.obj(value, where, "API") or {}
        path = self.string(api, "path", where)
        if path and not path.startswith("/"):
            self.error(f"{where}.path", f"{path!r} must start with /")
        links = []
        for i, link in enumerate(self.items(api, "actions", where)):
            w = f"{where}.actions[{i}]"
            link = self.obj(link, w, "API link") or {}
            action = self.string(link, "action", w)
            if action and any(other["action"] == action for other in links):
                self.error(f"{w}.action", f"{action!r} appears more than once")
                continue
            links.append(
                {
                    "action": action,
                    "note": self.string(link, "note", w, required=False),
                    "conditional": self.boolean(link, "conditional", w, False),
                }
            )
        return {
            "method": self.choice(api, "method", where, HttpMethod.values),
            "path": path,
            "actions": links,
        }

    def duplicates(self, rows: list[dict[str, Any]], key: str, where: str) -> None:
        seen: set[str] = set()
        for row in rows:
            value = str(row.get(key, "")).lower()
            if value and value in seen:
                self.error(where, f"{row[key]!r} appears more than once")
            seen.add(value)


def _raise() -> None:
    raise TypeError


def read_json_catalog(value: Any) -> ImportData:
    checker = _Checker()
    document = checker.document(value)
    return ImportData(document, checker.anomalies, "json")
