"""A real lock held by another connection to the test database, for the tests of what a
write does when it cannot get its lock in time.

SQLite: another connection holds `BEGIN EXCLUSIVE` (in WAL, readers go on, writers wait);
PostgreSQL: another connection holds `LOCK TABLE ... IN EXCLUSIVE MODE` (reads go on,
writes wait). Meanwhile our connection waits only a moment for a lock (SQLite's busy
timeout, PostgreSQL's lock_timeout), set through the database settings and a reconnect,
as a deployment would set them. Use with `django_db(transaction=True)`: a test wrapped in
a transaction would hold locks of its own.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from typing import Any

from django.db import connection

WAIT_MS = 200


@contextlib.contextmanager
def writes_locked(table: str = "policies_policy") -> Iterator[None]:
    """While inside, another connection holds the write lock (of `table` on PostgreSQL)."""
    options: dict[str, Any] = connection.settings_dict.setdefault("OPTIONS", {})
    saved = dict(options)
    if connection.vendor == "sqlite":
        options["timeout"] = WAIT_MS / 1000
    else:
        options["options"] = f"-c lock_timeout={WAIT_MS}"
    connection.close()  # the next query reconnects with the short wait
    other = _other_connection()
    try:
        if connection.vendor == "sqlite":
            other.execute("BEGIN EXCLUSIVE")
        else:
            other.execute("BEGIN")
            other.execute(f'LOCK TABLE "{table}" IN EXCLUSIVE MODE')
        yield
    finally:
        if connection.vendor == "sqlite":
            other.execute("ROLLBACK")
        else:
            other.rollback()
        other.close()
        options.clear()
        options.update(saved)
        connection.close()


def _other_connection() -> Any:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return sqlite3.connect(settings["NAME"], isolation_level=None)
    import psycopg

    return psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"] or None,
        password=settings["PASSWORD"] or None,
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
    )
