"""Read one service's catalog as IAM's authorization-schema API returns it.

`GET /v5/authorization-schemas/services/{service_code}` (the SDK's
`get_authorization_schema_v5`, or Huawei's command-line client, saved to a file) answers::

    {"version",
     "actions": [{"name", "access_level", "permission_only", "description": {"en_US", "zh_CN"},
                  "aliases": [name], "resources": [{"urn_template", "required",
                                                    "condition_keys": [name]}],
                  "condition_keys": [name]}],
     "resources": [{"type_name", "urn_template"}],
     "conditions": [{"key", "value_type", "multi_valued", "description"}],
     "operations": [{"operation_id", "operation_action", "dependent_actions": [name]}]}

The answer does not name its service: the prefix of its action names does (or the
`service_code` the sync asked for). It carries no API paths, situations or dependencies
between actions: those stay as the page importer left them (the import keeps what a source
does not carry). Keys starting `g:` update the global keys rather than becoming the
service's own. An access level Huawei names that we do not know is kept as given.
"""

from __future__ import annotations

import re
from typing import Any

from catalog.importers import Anomaly, ImportData
from catalog.importers.json_text import json_kind
from catalog.importers.urns import EXAMPLE as URN_EXAMPLE
from catalog.importers.urns import urn_markup
from catalog.models import Action, Operation, ResourceType
from scpstudio.engine.catalog import ACCESS_LEVELS
from scpstudio.engine.catalog_json import FORMAT_NAME, FORMAT_VERSION

SOURCE_KIND = "huawei-schema"
# What tells the schema from our format: it has these and no "format".
SCHEMA_PARTS = frozenset({"actions", "resources", "conditions", "operations"})
_TOP_FIELDS = SCHEMA_PARTS | {"version", "service_code"}
SERVICE_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,55}$")
_ACTION_RE = re.compile(r"^[A-Za-z0-9][\w-]*:[A-Za-z0-9][\w-]*:[A-Za-z0-9][\w-]*$")
_LEVEL_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_KEY_RE = re.compile(r"^[A-Za-z0-9][\w-]*:[^\s:][^\s]*$")
# Huawei spells value types in several ways across services; each maps to one of ours.
VALUE_TYPES = {
    "string": "string",
    "str": "string",
    "arn": "string",
    "urn": "string",
    "number": "number",
    "numeric": "number",
    "integer": "number",
    "int": "number",
    "long": "number",
    "float": "number",
    "double": "number",
    "boolean": "boolean",
    "bool": "boolean",
    "date": "date",
    "datetime": "date",
    "date_time": "date",
    "time": "date",
    "ip": "ip",
    "ipaddress": "ip",
    "ip_address": "ip",
}
_LIST_TYPE = re.compile(r"^(?:array_?of_?|list_?of_?)|_?(?:list|array)$")
# `{region}` and `<region>` are both placeholders; we write the second.
_BRACED = re.compile(r"\{([A-Za-z][\w.-]*)\}")
_LONGEST_LEVEL = Action._meta.get_field("access_level").max_length or 32
_LONGEST_TYPE = ResourceType._meta.get_field("name").max_length or 100
_LONGEST_URN = ResourceType._meta.get_field("urn_pattern").max_length or 300
_LONGEST_OPERATION = Operation._meta.get_field("operation_id").max_length or 200


def looks_like_schema(value: Any) -> bool:
    return isinstance(value, dict) and "format" not in value and bool(SCHEMA_PARTS & set(value))


class _SchemaReader:
    def __init__(self, service_code: str) -> None:
        self.service_code = service_code
        self.anomalies: list[Anomaly] = []
        self.prefix = ""

    def error(self, where: str, message: str) -> None:
        self.anomalies.append(Anomaly("error", message, field=where))

    def warn(self, where: str, message: str) -> None:
        self.anomalies.append(Anomaly("warning", message, field=where))

    def objects(self, doc: dict[str, Any], name: str) -> list[tuple[str, dict[str, Any]]]:
        value = doc.get(name, [])
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(name, f"must be a list, not {json_kind(value)}")
            return []
        out = []
        for i, item in enumerate(value):
            if isinstance(item, dict):
                out.append((f"{name}[{i}]", item))
            else:
                self.error(f"{name}[{i}]", f"must be an object, not {json_kind(item)}")
        return out

    def text(self, obj: dict[str, Any], name: str, where: str, *, required: bool = True) -> str:
        value = obj.get(name)
        if value is None or value == "":
            if required:
                self.error(f"{where}.{name}", "is required")
            return ""
        if not isinstance(value, str):
            self.error(f"{where}.{name}", f"must be a string, not {json_kind(value)}")
            return ""
        return value.strip()

    def flag(self, obj: dict[str, Any], name: str, where: str) -> bool:
        value = obj.get(name, False)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.error(f"{where}.{name}", f"must be true or false, not {json_kind(value)}")
            return False
        return value

    def names(self, obj: dict[str, Any], name: str, where: str) -> list[str]:
        value = obj.get(name, [])
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(f"{where}.{name}", f"must be a list of names, not {json_kind(value)}")
            return []
        out: list[str] = []
        for i, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                self.error(f"{where}.{name}[{i}]", f"must be a name, not {json_kind(item)}")
            elif item.strip() not in out:
                out.append(item.strip())
        return out

    # -- the answer -------------------------------------------------------------------

    def read(self, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.error("(document)", f"must be an object, not {json_kind(value)}")
            return {}
        for name in sorted(set(value) - _TOP_FIELDS):
            self.warn(name, "is not part of IAM's authorization schema; it was ignored")
        for part in sorted(SCHEMA_PARTS):
            if value.get(part) is not None and not isinstance(value[part], list):
                self.error(part, f"must be a list, not {json_kind(value[part])}")
                return {}
        self.prefix = self.service_prefix(value)
        if not self.prefix:
            return {}
        version = value.get("version")
        if version is not None and not isinstance(version, str | int | float):
            self.error("version", f"must be a string, not {json_kind(version)}")
            version = None
        types = self.resource_types(value)
        by_urn = {t["urn_pattern"]: t["name"] for t in types}
        service_keys, global_keys = self.conditions(value)
        actions = [self.action(a, w, by_urn) for w, a in self.objects(value, "actions")]
        self.repeated([a["name"] for a in actions], "actions", "action")
        self.aliases_unique(actions)
        operations = [self.operation(o, w) for w, o in self.objects(value, "operations")]
        self.repeated([o["operation_id"] for o in operations], "operations", "operation_id")
        service = {
            "prefix": self.prefix,
            "source": f"Huawei IAM authorization schema {self.prefix}"
            + (f" (version {version})" if version not in (None, "") else ""),
            "schema_version": str(version) if version is not None else "",
            "resource_types": types,
            "condition_keys": service_keys,
            "actions": actions,
            "operations": operations,
        }
        self.references(service)
        doc: dict[str, Any] = {
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "services": [service],
        }
        if global_keys:
            doc["global_key_updates"] = global_keys
        return doc

    def service_prefix(self, value: dict[str, Any]) -> str:
        """The service the answer is about: the code asked for, else its actions' prefix."""
        code = self.service_code or value.get("service_code") or ""
        if not isinstance(code, str) or (code and not SERVICE_CODE_RE.match(code)):
            self.error("service_code", f"{code!r} is not a service code (letters, digits, -)")
            return ""
        found = {
            a["name"].split(":", 1)[0].lower()
            for a in value.get("actions") or []
            if isinstance(a, dict) and isinstance(a.get("name"), str) and ":" in a["name"]
        }
        if code:
            return code.lower()
        if len(found) == 1:
            return found.pop()
        if not found:
            self.error(
                "(document)",
                "the schema names no action, so its service is unknown: give the service code",
            )
        else:
            self.error(
                "actions",
                f"the actions belong to several services ({', '.join(sorted(found))}); "
                "a schema describes one",
            )
        return ""

    def resource_types(self, value: dict[str, Any]) -> list[dict[str, Any]]:
        out = []
        for where, r in self.objects(value, "resources"):
            name = self.text(r, "type_name", where)
            pattern = self.urn(self.text(r, "urn_template", where), f"{where}.urn_template")
            if len(name) > _LONGEST_TYPE:
                self.error(f"{where}.type_name", f"is longer than {_LONGEST_TYPE} characters")
            out.append({"name": name, "urn_pattern": pattern})
        self.repeated([t["name"] for t in out], "resources", "type_name")
        self.repeated([t["urn_pattern"] for t in out], "resources", "urn_template")
        return out

    def urn(self, template: str, where: str) -> str:
        """The template as the engine reads it (`<placeholder>` parts), or "" with an error."""
        if not template:
            return ""
        markup = urn_markup(template)
        pattern = _BRACED.sub(r"<\1>", template)
        parts = pattern.split(":", 4)
        problem = ""
        if markup is not None:
            problem = f"holds markup ({markup})"
        elif len(parts) != 5 or not parts[0] or not parts[3] or not parts[4]:
            problem = "does not have the five parts service:region:account:type:id"
        elif pattern.count("<") != pattern.count(">") or re.search(r"[{}\s]", pattern):
            problem = "has a placeholder that does not close"
        elif len(pattern) > _LONGEST_URN:
            problem = f"is longer than {_LONGEST_URN} characters"
        if problem:
            self.error(
                where,
                f"the URN template {template[:80]!r} cannot be read: it {problem}; "
                f"a template looks like {URN_EXAMPLE}",
            )
            return ""
        if parts[0].lower() != self.prefix:
            self.warn(where, f"starts with '{parts[0]}:', not the service's '{self.prefix}:'")
        return pattern

    def conditions(
        self, value: dict[str, Any]
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        own: list[dict[str, Any]] = []
        global_keys: list[dict[str, Any]] = []
        for where, k in self.objects(value, "conditions"):
            name = self.text(k, "key", where)
            raw_type = self.text(k, "value_type", where)
            value_type, listed = _value_type(raw_type)
            multivalued = self.flag(k, "multi_valued", where) or listed
            if raw_type and value_type is None:
                self.error(
                    f"{where}.value_type",
                    f"{raw_type!r} is not a value type SCP Studio knows "
                    "(string, number, boolean, date, ip, or a list of one of them)",
                )
            if name and not _KEY_RE.match(name):
                self.error(f"{where}.key", f"{name!r} is not a condition key (prefix:name)")
                continue
            key = {
                "name": name,
                "type": value_type or "string",
                "multivalued": multivalued,
                "description": _description(k.get("description")),
            }
            if name.lower().startswith("g:"):
                global_keys.append(key)
            elif name.split(":", 1)[0].lower() != self.prefix:
                self.warn(f"{where}.key", f"{name} belongs to another service; it was left out")
            else:
                own.append(key)
        self.repeated([k["name"].lower() for k in own + global_keys], "conditions", "key")
        return own, global_keys

    def action(self, a: dict[str, Any], where: str, by_urn: dict[str, str]) -> dict[str, Any]:
        name = self.text(a, "name", where)
        if name and not _ACTION_RE.match(name):
            self.error(f"{where}.name", f"{name!r} is not service:resource-type:operation")
        elif name and name.split(":", 1)[0].lower() != self.prefix:
            self.error(f"{where}.name", f"{name!r} does not belong to service {self.prefix!r}")
        links = []
        for i, r in enumerate(a.get("resources") or []):
            w = f"{where}.resources[{i}]"
            if not isinstance(r, dict):
                self.error(w, f"must be an object, not {json_kind(r)}")
                continue
            template = self.text(r, "urn_template", w)
            pattern = _BRACED.sub(r"<\1>", template)
            type_name = by_urn.get(pattern)
            if template and type_name is None:
                self.error(
                    f"{w}.urn_template", f"{template!r} is the template of none of the resources"
                )
                continue
            if any(link["name"] == type_name for link in links):
                self.error(f"{w}.urn_template", f"{template!r} appears more than once")
                continue
            links.append(
                {
                    "name": type_name,
                    "required": self.flag(r, "required", w),
                    "condition_keys": self.names(r, "condition_keys", w),
                }
            )
        aliases = self.names(a, "aliases", where)
        for i, alias in enumerate(aliases):
            if not _ACTION_RE.match(alias):
                self.error(f"{where}.aliases[{i}]", f"{alias!r} is not an action name")
        return {
            "name": name,
            "description": _description(a.get("description")),
            "access_level": self.access_level(a, where),
            "permission_only": self.flag(a, "permission_only", where),
            "aliases": [x for x in aliases if x.lower() != name.lower()],
            "resource_types": links,
            "condition_keys": self.names(a, "condition_keys", where),
        }

    def access_level(self, a: dict[str, Any], where: str) -> str:
        raw = self.text(a, "access_level", where)
        level = re.sub(r"[\s-]+", "_", raw.lower())
        if not raw:
            return ""
        if not _LEVEL_RE.match(level) or len(level) > _LONGEST_LEVEL:
            self.error(f"{where}.access_level", f"{raw[:40]!r} is not an access level (a word)")
        elif level not in ACCESS_LEVELS:
            self.warn(
                f"{where}.access_level",
                f"{raw!r} is an access level SCP Studio does not know: kept, and its actions "
                "are grouped under it",
            )
        return level

    def operation(self, o: dict[str, Any], where: str) -> dict[str, Any]:
        operation_id = self.text(o, "operation_id", where)
        if len(operation_id) > _LONGEST_OPERATION:
            self.error(f"{where}.operation_id", f"is longer than {_LONGEST_OPERATION} characters")
        action = self.text(o, "operation_action", where)
        if action and not _ACTION_RE.match(action):
            self.error(f"{where}.operation_action", f"{action!r} is not an action name")
        dependent = self.names(o, "dependent_actions", where)
        for i, dep in enumerate(dependent):
            if not _ACTION_RE.match(dep):
                self.error(f"{where}.dependent_actions[{i}]", f"{dep!r} is not an action name")
        return {"operation_id": operation_id, "action": action, "dependent_actions": dependent}

    def references(self, service: dict[str, Any]) -> None:
        """Names used but not defined are reported; the import still links what exists."""
        actions = {a["name"].lower() for a in service["actions"]}
        aliases = {x.lower() for a in service["actions"] for x in a["aliases"]}
        keys = {k["name"].lower() for k in service["condition_keys"]}
        for i, op in enumerate(service["operations"]):
            if op["action"] and op["action"].lower() not in actions | aliases:
                self.warn(
                    f"operations[{i}].operation_action",
                    f"{op['action']} is not one of the schema's actions",
                )
        for i, a in enumerate(service["actions"]):
            listed = a["condition_keys"] + [
                k for r in a["resource_types"] for k in r["condition_keys"]
            ]
            for key in dict.fromkeys(listed):
                if key.split(":", 1)[0].lower() == self.prefix and key.lower() not in keys:
                    self.warn(f"actions[{i}].condition_keys", f"{key} is not one of its conditions")

    def aliases_unique(self, actions: list[dict[str, Any]]) -> None:
        names = {a["name"].lower() for a in actions}
        owner: dict[str, str] = {}
        for i, a in enumerate(actions):
            for alias in a["aliases"]:
                folded = alias.lower()
                if folded in names:
                    self.error(f"actions[{i}].aliases", f"{alias} is the name of another action")
                elif folded in owner and owner[folded] != a["name"]:
                    self.error(
                        f"actions[{i}].aliases", f"{alias} is also an alias of {owner[folded]}"
                    )
                owner[folded] = a["name"]

    def repeated(self, values: list[str], where: str, what: str) -> None:
        seen: set[str] = set()
        for value in values:
            folded = value.lower()
            if folded and folded in seen:
                self.error(where, f"{what} {value!r} appears more than once")
            seen.add(folded)


def _value_type(raw: str) -> tuple[str | None, bool]:
    """Our type for Huawei's spelling, and whether it names a list (`StringList`)."""
    folded = re.sub(r"[\s-]+", "_", raw.strip().lower())
    plain = _LIST_TYPE.sub("", folded)
    return VALUE_TYPES.get(plain), plain != folded


def _description(value: Any) -> str:
    """The English text of a description, else the Chinese, else a plain string given."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dict):
        for lang in ("en_US", "en-US", "en_us", "zh_CN", "zh-CN", "zh_cn"):
            text = value.get(lang)
            if isinstance(text, str) and text.strip():
                return text.strip()
    return ""


def read_schema(value: Any, *, service_code: str = "") -> ImportData:
    """One service's schema as catalog data; `service_code` is the code it was asked for."""
    reader = _SchemaReader(service_code)
    document = reader.read(value)
    if any(a.severity == "error" for a in reader.anomalies):
        return ImportData({}, reader.anomalies, SOURCE_KIND)
    return ImportData(document, reader.anomalies, SOURCE_KIND)
