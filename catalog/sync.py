"""Sync the catalog from Huawei's IAM authorization schemas, one service at a time.

Each service is one atomic import of the schema Huawei returned, through the same change set
and anomaly report as `import_catalog`: a failure (Huawei refused, the answer cannot be read,
the schema names a URN template the engine cannot read) leaves that service as it was and
says why in a sentence; the other services go on. Before anything is applied, a removal of an
action, key or resource type that a saved policy names is flagged with the policies' names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from catalog.changes import Change, ImportResult
from catalog.huawei import HuaweiError, SyncSettings, registered_services, schema_client
from catalog.huawei import service_schema as fetch_schema
from catalog.importers import ImportData
from catalog.importers.reading import read_source
from catalog.importers.schema import SERVICE_CODE_RE
from catalog.services import catalog_import

# Kinds of change a saved policy can notice: it names actions, keys and resource types.
_NAMED_KINDS = ("action", "condition key", "resource type")

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class UsageFlag:
    """A removal a saved policy notices, with the policies that name the thing."""

    change: Change
    policies: tuple[str, ...]
    renamed_to: str = ""

    def __str__(self) -> str:
        what = f"{self.change.kind} {self.change.key}"
        if self.renamed_to:
            what += f" is renamed to {self.renamed_to} (kept as its alias, so it still matches)"
        else:
            what += " is removed"
        return f"{what}; saved policies naming it: {', '.join(self.policies)}"


@dataclass
class ServiceSync:
    """One service's step: its change set and flags, or the sentence saying why it failed."""

    code: str
    text: str = ""  # the schema's JSON as Huawei sent it (the admin applies what it showed)
    result: ImportResult | None = None
    problem: str = ""
    flags: list[UsageFlag] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problem


@dataclass
class SyncReport:
    services: list[ServiceSync] = field(default_factory=list)
    problem: str = ""  # why nothing was synced at all (no credentials, no list of services)
    applied: bool = False


def sync_codes(codes: Iterable[str]) -> tuple[list[str], list[str]]:
    """The service codes given, lower case and once each; and sentences for invalid ones."""
    out: list[str] = []
    bad: list[str] = []
    for code in codes:
        if not SERVICE_CODE_RE.match(code):
            bad.append(f"{code[:60]!r} is not a service code (letters, digits and -).")
        elif code.lower() not in out:
            out.append(code.lower())
    return out, bad


def catalog_sync(
    *,
    codes: list[str] | None = None,
    every_service: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
    config: SyncSettings | None = None,
    limit: int | None = None,
) -> SyncReport:
    """Fetch each service's schema and import it (unless `dry_run`), service by service;
    only the first `limit` services when given."""
    config = config or SyncSettings.from_django()
    report = SyncReport()
    try:
        with schema_client(config) as client:
            wanted = list(codes or [])
            if every_service:
                wanted += [c for c in registered_services(client, config) if c not in wanted]
            wanted = wanted[:limit] if limit is not None else wanted
            for i, code in enumerate(wanted, start=1):
                if progress is not None:
                    progress(i, len(wanted), code)
                try:
                    text = fetch_schema(client, code, config)
                except HuaweiError as exc:
                    report.services.append(ServiceSync(code, problem=exc.sentence))
                    continue
                report.services.append(service_import(code, text, dry_run=dry_run))
    except HuaweiError as exc:
        report.problem = exc.sentence
    report.applied = not dry_run and any(s.result and s.result.applied for s in report.services)
    return report


def service_import(code: str, text: str, *, dry_run: bool) -> ServiceSync:
    """Read one schema answer and import it atomically, flags first."""
    step = ServiceSync(code, text=text)
    data = read_source(text, source_name=f"Huawei IAM schema {code}", service_code=code)
    review = catalog_import(data, dry_run=True)
    if review.errors:
        step.result = review
        step.problem = _cannot_import(code, review)
        return step
    step.flags = usage_flags(review.changes, data)
    step.result = review if dry_run else catalog_import(data)
    if step.result.errors:
        step.problem = _cannot_import(code, step.result)
    return step


def _cannot_import(code: str, result: ImportResult) -> str:
    first = "; ".join(str(e).removeprefix("error: ") for e in result.errors[:3])
    more = f" (and {len(result.errors) - 3} more)" if len(result.errors) > 3 else ""
    return f"The schema of {code} was not imported, so {code} is as it was: {first}{more}."


def usage_flags(changes: list[Change], data: ImportData) -> list[UsageFlag]:
    """Removals of what saved policies name, each with those policies."""
    removed = [c for c in changes if c.operation == "removed" and c.kind in _NAMED_KINDS]
    if not removed:
        return []
    naming = policies_naming(c.key for c in removed)
    aliases = _aliases(data.document)
    flags = []
    for change in removed:
        policies = naming.get(change.key.casefold())
        if policies:
            renamed = aliases.get(change.key.casefold(), "") if change.kind == "action" else ""
            flags.append(UsageFlag(change, tuple(policies), renamed))
    return flags


def policies_naming(names: Iterable[str]) -> dict[str, list[str]]:
    """The policies app's answer, found through the setting (the catalog may not import it)."""
    path = getattr(settings, "CATALOG_USAGE_FINDER", "")
    if not path:
        return {}
    finder: Callable[[Iterable[str]], dict[str, list[str]]] = import_string(path)
    return finder(list(names))


def _aliases(document: dict[str, Any]) -> dict[str, str]:
    return {
        alias.casefold(): action["name"]
        for service in document.get("services", [])
        for action in service.get("actions", [])
        for alias in action.get("aliases", [])
    }
