"""The catalog the commands check against, in a checkout whose database is not set up too.

A database that holds no catalog yet (a fresh checkout: no SQLite file, or one `migrate`
never ran on) would hold exactly the shipped files once migrated (`migrate` loads every
shipped part the database lacks). So the commands read those files (catalog/data/*.json)
and say so, rather than stopping a CI job that only has the checkout; no database file is
created on the way. A database that cannot be reached is another matter: it may hold a
maintained catalog, so the commands stop with a sentence (exit status 2) instead of
quietly answering from the shipped one.

The name starts with `_` so that Django does not list it as a command.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import CommandError
from django.db import DatabaseError, connection

from catalog.models import CatalogRevision
from catalog.services import shipped_files
from catalog.snapshot import catalog_snapshot
from scpstudio.engine.catalog import Catalog
from scpstudio.engine.catalog_json import catalog_from_json

NOT_MIGRATED = (
    "note: the database holds no catalog yet (run `make setup`, or `manage.py migrate`); "
    "the shipped catalog files (catalog/data/*.json) were read instead."
)


def command_catalog() -> tuple[Catalog, str]:
    """The catalog, and a note for standard error ("" when the database gave it)."""
    if _sqlite_file_missing():
        return shipped_catalog(), NOT_MIGRATED
    try:
        return catalog_snapshot(), ""
    except DatabaseError as exc:
        failure = exc
    try:
        tables = set(connection.introspection.table_names())
    except DatabaseError as exc:
        raise CommandError(
            f"The database cannot be reached ({_first_line(exc)}); check DATABASE_URL, or run "
            "`make setup` for a local one.",
            returncode=2,
        ) from exc
    if CatalogRevision._meta.db_table not in tables:
        return shipped_catalog(), NOT_MIGRATED
    raise CommandError(
        f"The catalog cannot be read from the database ({_first_line(failure)}); run "
        "`manage.py migrate` to bring it up to date.",
        returncode=2,
    ) from failure


def shipped_catalog() -> Catalog:
    """The catalog a freshly migrated database holds: the shipped files, read directly."""
    return catalog_from_json(json.loads(p.read_text(encoding="utf-8")) for p in shipped_files())


def _sqlite_file_missing() -> bool:
    """Whether the database is a SQLite file that does not exist (connecting would make an
    empty one beside the checkout)."""
    settings = connection.settings_dict
    name = str(settings.get("NAME") or "")
    if connection.vendor != "sqlite" or not name or name == ":memory:" or "mode=memory" in name:
        return False
    if name.startswith("file:"):
        return False  # a URI: leave it to SQLite
    return not Path(name).exists()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
