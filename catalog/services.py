"""Writes to the catalog: imports (with their change set), the shipped data, the revision."""

from __future__ import annotations

import contextvars
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connections, transaction
from django.db.models import F
from django.utils import timezone

from catalog.importers import Anomaly, ImportData
from catalog.models import (
    Action,
    ActionConditionKey,
    ActionResourceType,
    Api,
    ApiAction,
    CatalogRevision,
    ConditionKey,
    Dependency,
    ImportDraft,
    Region,
    ResourceType,
    Service,
)
from catalog.selectors import IMPORT_DRAFT_TTL, catalog_export, service_document

SHIPPED_DIR = Path(__file__).resolve().parent / "data"
SHIPPED_GLOBAL_KEYS = SHIPPED_DIR / "global-keys.json"

_bulk_write: contextvars.ContextVar[bool] = contextvars.ContextVar("catalog_bulk", default=False)


# -- the revision every worker checks ---------------------------------------------------


def catalog_revision_bump(*, using: str = "default") -> None:
    """Count one catalog change; snapshots built for an older number are rebuilt."""
    if _bulk_write.get():
        return
    updated = CatalogRevision.objects.using(using).filter(pk=1).update(number=F("number") + 1)
    if not updated:
        CatalogRevision.objects.using(using).get_or_create(pk=1, defaults={"number": 1})


@contextmanager
def _one_revision(using: str = "default") -> Iterator[None]:
    token = _bulk_write.set(True)
    try:
        yield
    finally:
        _bulk_write.reset(token)
    catalog_revision_bump(using=using)


# -- change sets ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    kind: str  # "service", "resource type", "condition key", "action", "API"
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
    for s in doc.get("services", []):
        p = s["prefix"]
        # where the text came from (a file name) is provenance, not a change of the catalog
        out[("service", p)] = {n: s.get(n) for n in ("name", "updated_on")}
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
    return out


def _compare(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
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


def _summary(doc: dict[str, Any]) -> dict[str, int]:
    services = doc.get("services", [])
    summary = {
        "regions": len(doc.get("regions", [])),
        "services": len(services),
        "actions": sum(len(s["actions"]) for s in services),
        "resource types": sum(len(s["resource_types"]) for s in services),
        "service condition keys": sum(len(s["condition_keys"]) for s in services),
        "global condition keys": len(doc.get("global_condition_keys", [])),
        "APIs": sum(len(s["apis"]) for s in services),
        "API-action links": sum(len(a["actions"]) for s in services for a in s["apis"]),
        "dependencies": sum(len(a["dependencies"]) for s in services for a in s["actions"]),
    }
    return {name: count for name, count in summary.items() if count}


def _current_for(doc: dict[str, Any]) -> dict[str, Any]:
    """The part of the database the document would replace, in the same format."""
    prefixes = [s["prefix"] for s in doc.get("services", [])]
    return catalog_export(
        services=prefixes, global_keys="global_condition_keys" in doc, regions="regions" in doc
    )


def catalog_import(data: ImportData, *, dry_run: bool = False) -> ImportResult:
    """Compare the data with the catalog and, unless dry or in error, apply it atomically.

    A service in the data replaces that service whole (rows it no longer lists are
    removed); global keys, when present, replace the global keys, and regions the regions.
    """
    if data.errors:
        return ImportResult([], data.anomalies, False, {})
    doc = data.document
    try:
        with transaction.atomic():
            changes = _compare(_current_for(doc), doc)
            applied = bool(changes) and not dry_run
            if applied:
                with _one_revision():
                    _apply(doc)
    except DatabaseError as exc:
        refused = Anomaly(
            "error", f"the database refused the import, so nothing was written: {exc}"
        )
        return ImportResult([], [*data.anomalies, refused], False, {})
    return ImportResult(changes, data.anomalies, applied, _summary(doc))


def _apply(doc: dict[str, Any]) -> None:
    if "regions" in doc:
        for r in doc["regions"]:
            Region.objects.update_or_create(region_id=r["id"], defaults={"name": r["name"]})
        Region.objects.exclude(region_id__in=[r["id"] for r in doc["regions"]]).delete()
    if "global_condition_keys" in doc:
        keep = []
        for k in doc["global_condition_keys"]:
            ConditionKey.objects.update_or_create(
                name=k["name"],
                defaults={
                    "service": None,
                    "value_type": k["type"],
                    "multivalued": k["multivalued"],
                    "request_wide": k["request_wide"],
                    "confirmed": k.get("confirmed", True),
                    "description": k["description"],
                },
            )
            keep.append(k["name"])
        ConditionKey.objects.filter(service__isnull=True).exclude(name__in=keep).delete()
    for s in doc.get("services", []):
        _apply_service(s)
    _relink()


def _apply_service(s: dict[str, Any]) -> None:
    service, _ = Service.objects.update_or_create(
        prefix=s["prefix"],
        defaults={
            "name": s["name"],
            "source": s["source"] or "",
            "updated_on": date.fromisoformat(s["updated_on"]) if s["updated_on"] else None,
        },
    )
    types = {}
    for r in s["resource_types"]:
        types[r["name"]], _ = ResourceType.objects.update_or_create(
            service=service, name=r["name"], defaults={"urn_pattern": r["urn_pattern"]}
        )
    service.resource_types.exclude(name__in=list(types)).delete()
    for k in s["condition_keys"]:
        ConditionKey.objects.update_or_create(
            name=k["name"],
            defaults={
                "service": service,
                "value_type": k["type"],
                "multivalued": k["multivalued"],
                "request_wide": False,
                "description": k["description"],
            },
        )
    service.condition_keys.exclude(name__in=[k["name"] for k in s["condition_keys"]]).delete()

    current = {a["name"]: a for a in service_document(service)["actions"]} if service.pk else {}
    for a in s["actions"]:
        if current.get(a["name"]) == a:
            continue
        action, _ = Action.objects.update_or_create(
            name=a["name"],
            defaults={
                "service": service,
                "description": a["description"],
                "access_level": a["access_level"],
            },
        )
        action.resource_links.all().delete()
        action.key_links.all().delete()
        action.dependencies.all().delete()
        ActionResourceType.objects.bulk_create(
            ActionResourceType(
                action=action, resource_type=types[r["name"]], required=r["required"]
            )
            for r in a["resource_types"]
        )
        ActionConditionKey.objects.bulk_create(
            ActionConditionKey(action=action, key_name=name, position=i)
            for i, name in enumerate(dict.fromkeys(a["condition_keys"]))
        )
        Dependency.objects.bulk_create(
            Dependency(action=action, target_name=name, position=i)
            for i, name in enumerate(dict.fromkeys(a["dependencies"]))
        )
    service.actions.exclude(name__in=[a["name"] for a in s["actions"]]).delete()

    keep_apis = []
    for api_data in s["apis"]:
        api, _ = Api.objects.get_or_create(
            service=service, method=api_data["method"], path=api_data["path"]
        )
        keep_apis.append(api.pk)
        old = [
            {"action": link.action_name, "note": link.note, "conditional": link.conditional}
            for link in api.action_links.order_by("action_name")
        ]
        new = sorted(api_data["actions"], key=lambda link: link["action"])
        if old != new:
            api.action_links.all().delete()
            ApiAction.objects.bulk_create(
                ApiAction(
                    api=api,
                    action_name=link["action"],
                    note=link["note"],
                    conditional=link["conditional"],
                )
                for link in {link["action"]: link for link in new}.values()
            )
    service.apis.exclude(pk__in=keep_apis).delete()


def _relink() -> None:
    """Point name references at the rows they name, wherever such a row now exists."""
    actions = {a.name.lower(): a.pk for a in Action.objects.only("pk", "name")}
    keys = {k.name.lower(): k.pk for k in ConditionKey.objects.only("pk", "name")}
    for model, name_field, fk_field, index in (
        (Dependency, "target_name", "target_id", actions),
        (ApiAction, "action_name", "action_id", actions),
        (ActionConditionKey, "key_name", "key_id", keys),
    ):
        stale = []
        for row in model.objects.filter(**{f"{fk_field[:-3]}__isnull": True}):
            pk = index.get(getattr(row, name_field).lower())
            if pk is not None:
                setattr(row, fk_field, pk)
                stale.append(row)
        model.objects.bulk_update(stale, [fk_field])


# -- reviewed imports waiting for Apply ----------------------------------------------------------


def import_draft_save(*, user: Any, text: str, source_name: str) -> str:
    """Keep a reviewed source on the server; the SHA-256 the Apply form posts instead of it.

    Drafts older than IMPORT_DRAFT_TTL are dropped here, so the table stays small.
    """
    sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    ImportDraft.objects.filter(created_at__lt=timezone.now() - IMPORT_DRAFT_TTL).delete()
    ImportDraft.objects.update_or_create(
        user=user,
        sha256=sha256,
        defaults={"text": text, "source_name": source_name[:255], "created_at": timezone.now()},
    )
    return sha256


def import_draft_delete(*, draft: ImportDraft) -> None:
    draft.delete()


# -- shipped data -----------------------------------------------------------------------------


def shipped_files() -> list[Path]:
    """Global keys first, so that the services' keys find them."""
    rest = sorted(p for p in SHIPPED_DIR.glob("*.json") if p != SHIPPED_GLOBAL_KEYS)
    return [SHIPPED_GLOBAL_KEYS, *rest]


def _catalog_tables_exist(using: str) -> bool:
    """Every catalog table is there: not so while `migrate` takes the catalog (or an app it
    depends on, such as auth) back to an earlier migration, when loading would fail."""
    from django.apps import apps

    tables = set(connections[using].introspection.table_names())
    return all(m._meta.db_table in tables for m in apps.get_app_config("catalog").get_models())


def catalog_ensure_shipped(*, using: str = "default") -> list[str]:
    """Load each shipped part the database does not have yet; never overwrite a maintainer's edits.

    A shipped file with errors is a bug in the repository, so it stops `migrate` loudly.
    """
    from catalog.importers.json_format import read_json_catalog

    if using != "default" or not _catalog_tables_exist(using):
        return []
    loaded = []
    for path in shipped_files():
        data = read_json_catalog(json.loads(path.read_text(encoding="utf-8")))
        if data.errors:
            problems = "; ".join(str(e) for e in data.errors)
            raise ImproperlyConfigured(f"shipped catalog file {path.name} is invalid: {problems}")
        doc = data.document
        if (
            "global_condition_keys" in doc
            and ConditionKey.objects.filter(service__isnull=True).exists()
        ):
            doc.pop("global_condition_keys")
        if "regions" in doc and Region.objects.exists():
            doc.pop("regions")
        doc["services"] = [
            s
            for s in doc.get("services", [])
            if not Service.objects.filter(prefix=s["prefix"]).exists()
        ]
        if doc.get("services") or doc.get("global_condition_keys") or doc.get("regions"):
            result = catalog_import(data)
            if result.errors:
                problems = "; ".join(str(e) for e in result.errors)
                raise ImproperlyConfigured(f"cannot load {path.name}: {problems}")
            loaded.append(path.name)
    return loaded
