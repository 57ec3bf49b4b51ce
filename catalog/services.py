"""Writes to the catalog: imports (with their change set), the shipped data, the revision."""

from __future__ import annotations

import contextvars
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connections, transaction
from django.db.models import F
from django.utils import timezone

from catalog.changes import (
    ImportResult,
    change_set,
    document_completed,
    source_summary,
)
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
    Operation,
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


def _current_for(doc: dict[str, Any]) -> dict[str, Any]:
    """The part of the database the document would replace, in the same format."""
    prefixes = [s["prefix"] for s in doc.get("services", [])]
    current = catalog_export(
        services=prefixes, global_keys="global_condition_keys" in doc, regions="regions" in doc
    )
    if "global_key_updates" in doc:
        names = [k["name"] for k in doc["global_key_updates"]]
        current["global_key_updates"] = [
            {
                "name": k.name,
                "type": k.value_type,
                "multivalued": k.multivalued,
                "description": k.description,
            }
            for k in ConditionKey.objects.filter(service__isnull=True, name__in=names)
        ]
    return current


def catalog_import(data: ImportData, *, dry_run: bool = False) -> ImportResult:
    """Compare the data with the catalog and, unless dry or in error, apply it atomically.

    A service in the data replaces that service whole (rows it no longer lists are
    removed); global keys, when present, replace the global keys, and regions the regions.
    """
    if data.errors:
        return ImportResult([], data.anomalies, False, {})
    try:
        with transaction.atomic():
            current = _current_for(data.document)
            doc = document_completed(data.document, current)
            changes = change_set(current, doc)
            applied = bool(changes) and not dry_run
            if applied:
                with _one_revision():
                    _apply(doc)
    except DatabaseError as exc:
        refused = Anomaly(
            "error", f"the database refused the import, so nothing was written: {exc}"
        )
        return ImportResult([], [*data.anomalies, refused], False, {})
    return ImportResult(changes, data.anomalies, applied, source_summary(data.document))


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
    for k in doc.get("global_key_updates", []):
        # a key a service's schema lists with g: is the global key: update, never duplicate
        existing = ConditionKey.objects.filter(name__iexact=k["name"], service__isnull=True).first()
        if existing is None:
            ConditionKey.objects.create(
                name=k["name"],
                value_type=k["type"],
                multivalued=k["multivalued"],
                request_wide=False,
                description=k["description"],
            )
        else:
            existing.value_type, existing.multivalued = k["type"], k["multivalued"]
            existing.description = k["description"]
            existing.save(update_fields=["value_type", "multivalued", "description"])
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
            "scp_governed": s["scp_governed"],
            "schema_version": s["schema_version"],
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
    unseen = [a for a in s["actions"] if a["name"] not in current]
    taken = set(
        Action.objects.filter(name__in=[a["name"] for a in unseen]).values_list("name", flat=True)
    )
    # Actions the catalog has nowhere yet (a service synced for the first time): in bulk.
    fresh = [a for a in unseen if a["name"] not in taken]
    created = Action.objects.bulk_create(
        Action(
            service=service,
            name=a["name"],
            description=a["description"],
            access_level=a["access_level"],
            permission_only=a["permission_only"],
            aliases=a["aliases"],
        )
        for a in fresh
    )
    _create_links(list(zip(created, fresh, strict=True)), types)
    fresh_names = {a["name"] for a in fresh}
    for a in s["actions"]:
        if current.get(a["name"]) == a or a["name"] in fresh_names:
            continue
        action, _ = Action.objects.update_or_create(
            name=a["name"],
            defaults={
                "service": service,
                "description": a["description"],
                "access_level": a["access_level"],
                "permission_only": a["permission_only"],
                "aliases": a["aliases"],
            },
        )
        action.resource_links.all().delete()
        action.key_links.all().delete()
        action.dependencies.all().delete()
        _create_links([(action, a)], types)
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
    _apply_operations(service, s["operations"])


def _apply_operations(service: Service, operations: list[dict[str, Any]]) -> None:
    current = {op.operation_id: op for op in service.operations.all()}
    for data in operations:
        op = current.get(data["operation_id"])
        if op is None:
            Operation.objects.create(
                service=service,
                operation_id=data["operation_id"],
                action_name=data["action"],
                dependent_actions=data["dependent_actions"],
            )
        elif (op.action_name, op.dependent_actions) != (data["action"], data["dependent_actions"]):
            op.action_name, op.dependent_actions = data["action"], data["dependent_actions"]
            op.action = None
            op.save(update_fields=["action_name", "dependent_actions", "action"])
    service.operations.exclude(operation_id__in=[o["operation_id"] for o in operations]).delete()


def _create_links(pairs: list[tuple[Action, dict[str, Any]]], types: dict[str, Any]) -> None:
    """The rows of each (saved action, its data): resource types, keys, dependencies."""
    ActionResourceType.objects.bulk_create(
        ActionResourceType(
            action=action,
            resource_type=types[r["name"]],
            required=r["required"],
            condition_keys=r["condition_keys"],
        )
        for action, a in pairs
        for r in a["resource_types"]
    )
    ActionConditionKey.objects.bulk_create(
        ActionConditionKey(action=action, key_name=name, position=i)
        for action, a in pairs
        for i, name in enumerate(dict.fromkeys(a["condition_keys"]))
    )
    Dependency.objects.bulk_create(
        Dependency(action=action, target_name=name, position=i)
        for action, a in pairs
        for i, name in enumerate(dict.fromkeys(a["dependencies"]))
    )


def _relink() -> None:
    """Point name references at the rows they name, wherever such a row now exists."""
    index: dict[type[Any], dict[str, int]] = {}
    for model, name_field, fk_field, target in (
        (Dependency, "target_name", "target_id", Action),
        (ApiAction, "action_name", "action_id", Action),
        (ActionConditionKey, "key_name", "key_id", ConditionKey),
        (Operation, "action_name", "action_id", Action),
    ):
        unlinked = model.objects.filter(**{f"{fk_field[:-3]}__isnull": True}).values_list(
            "pk", name_field
        )
        rows = list(unlinked)
        if not rows:
            continue
        if target not in index:
            index[target] = {n.lower(): pk for pk, n in target.objects.values_list("pk", "name")}
        found = index[target]
        stale = [
            model(pk=pk, **{fk_field: found[name.lower()]})
            for pk, name in rows
            if name.lower() in found
        ]
        model.objects.bulk_update(stale, [fk_field], batch_size=500)


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
