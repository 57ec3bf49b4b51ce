"""The change set of an import: what a source would add, change and remove in the catalog.

Pure functions over documents in our JSON format (the catalog as exported, and the source as
read): nothing here reads or writes the database, so the dry run and the apply compare alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from catalog.importers import Anomaly


@dataclass(frozen=True)
class Change:
    kind: str  # "service", "resource type", "condition key", "action", "API", "operation"
    key: str
    operation: str  # "added" | "changed" | "removed"
    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)

    def __str__(self) -> str:
        text = f"{self.operation} {self.kind} {self.key}"
        if self.fields:
            parts = [f"{name}: {old!r} -> {new!r}" for name, (old, new) in self.fields.items()]
            text += " (" + "; ".join(parts) + ")"
        return text


def _records(doc: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """A document as flat records keyed by (kind, natural key), for comparing."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for r in doc.get("regions", []):
        out[("region", r["id"])] = {"name": r["name"]}
    for k in doc.get("global_condition_keys", []):
        out[("condition key", k["name"])] = {n: v for n, v in k.items() if n != "name"}
    for k in doc.get("global_key_updates", []):
        out[("condition key", k["name"])] = {n: v for n, v in k.items() if n != "name"}
    for s in doc.get("services", []):
        p = s["prefix"]
        # where the text came from (a file name) is provenance, not a change of the catalog
        out[("service", p)] = {n: s.get(n) for n in SERVICE_FIELDS}
        for r in s["resource_types"]:
            out[("resource type", f"{p}:{r['name']}")] = {"urn_pattern": r["urn_pattern"]}
        for k in s["condition_keys"]:
            out[("condition key", k["name"])] = {n: v for n, v in k.items() if n != "name"}
        for a in s["actions"]:
            record = {n: v for n, v in a.items() if n != "name"}
            # stored and exported by name, so the source's order is no change
            record["resource_types"] = sorted(a["resource_types"], key=lambda r: r["name"])
            out[("action", a["name"])] = record
        for api in s["apis"]:
            links = sorted(api["actions"], key=lambda link: link["action"])
            out[("API", f"{api['method']} {api['path']} ({p})")] = {"actions": links}
        for op in s.get("operations", []):
            out[("operation", f"{op['operation_id']} ({p})")] = {
                "action": op["action"],
                "dependent_actions": op["dependent_actions"],
            }
    return out


SERVICE_FIELDS = ("name", "updated_on", "scp_governed", "schema_version")
# What a source may leave out, to be kept as the catalog has it: the page knows no operations,
# aliases or per-type keys; IAM's schema knows no API paths, dependencies or display name.
_SERVICE_DEFAULTS: dict[str, Any] = {
    "source": "",
    "updated_on": None,
    "scp_governed": None,
    "schema_version": "",
    "apis": [],
    "operations": [],
}
_ACTION_DEFAULTS: dict[str, Any] = {"dependencies": [], "permission_only": False, "aliases": []}


def document_completed(doc: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    """The document with every part its source does not carry taken from the catalog.

    Our JSON format carries everything; Huawei's page and IAM's schema each carry a part,
    and importing one must not wipe what the other brought.
    """
    now = {s["prefix"]: s for s in current.get("services", [])}
    services = []
    for s in doc.get("services", []):
        old = now.get(s["prefix"], {})
        s = {**s}
        s.setdefault("name", old.get("name") or s["prefix"].upper())
        for name, default in _SERVICE_DEFAULTS.items():
            s.setdefault(name, old.get(name, default))
        old_actions = {a["name"].lower(): a for a in old.get("actions", [])}
        s["actions"] = [
            _complete_action(a, old_actions.get(a["name"].lower(), {})) for a in s["actions"]
        ]
        services.append(s)
    out = {**doc, "services": services} if "services" in doc else {**doc}
    if "global_key_updates" in doc:
        old_keys = {k["name"].lower(): k for k in current.get("global_key_updates", [])}
        out["global_key_updates"] = [
            {
                **k,
                "description": k["description"]
                or old_keys.get(k["name"].lower(), {}).get("description", ""),
            }
            for k in doc["global_key_updates"]
        ]
    return out


def _complete_action(a: dict[str, Any], old: dict[str, Any]) -> dict[str, Any]:
    a = {**a}
    for name, default in _ACTION_DEFAULTS.items():
        a.setdefault(name, old.get(name, default))
    old_links = {r["name"]: r for r in old.get("resource_types", [])}
    a["resource_types"] = [
        {
            **r,
            "condition_keys": r.get(
                "condition_keys", old_links.get(r["name"], {}).get("condition_keys", [])
            ),
        }
        for r in a["resource_types"]
    ]
    return a


def change_set(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    before, after = _records(old), _records(new)
    changes: list[Change] = []
    for key in sorted(after.keys() | before.keys()):
        kind, name = key
        if key not in before:
            changes.append(Change(kind, name, "added"))
        elif key not in after:
            changes.append(Change(kind, name, "removed"))
        else:
            diff = {
                n: (before[key].get(n), after[key].get(n))
                for n in after[key].keys() | before[key].keys()
                if before[key].get(n) != after[key].get(n)
            }
            if diff:
                changes.append(Change(kind, name, "changed", dict(sorted(diff.items()))))
    return changes


@dataclass
class ImportResult:
    changes: list[Change]
    anomalies: list[Anomaly]
    applied: bool
    summary: dict[str, int]

    @property
    def errors(self) -> list[Anomaly]:
        return [a for a in self.anomalies if a.severity == "error"]

    def counts(self) -> dict[str, int]:
        out = {"added": 0, "changed": 0, "removed": 0}
        for c in self.changes:
            out[c.operation] += 1
        return out


def source_summary(doc: dict[str, Any]) -> dict[str, int]:
    """What the source holds (parts it does not carry count nothing)."""
    services = doc.get("services", [])
    actions = [a for s in services for a in s["actions"]]
    apis = [api for s in services for api in s.get("apis", [])]
    summary = {
        "regions": len(doc.get("regions", [])),
        "services": len(services),
        "actions": len(actions),
        "resource types": sum(len(s["resource_types"]) for s in services),
        "service condition keys": sum(len(s["condition_keys"]) for s in services),
        "global condition keys": len(doc.get("global_condition_keys", [])),
        "global condition keys updated": len(doc.get("global_key_updates", [])),
        "APIs": len(apis),
        "API-action links": sum(len(api["actions"]) for api in apis),
        "operations": sum(len(s.get("operations", [])) for s in services),
        "dependencies": sum(len(a.get("dependencies", [])) for a in actions),
    }
    return {name: count for name, count in summary.items() if count}
