"""The database settings a deployment gets: SQLite that waits for its write lock (taken
at the start of each transaction) and runs in WAL; PostgreSQL left as configured. Read
from real processes, as gunicorn would start them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings as django_settings

ROOT = Path(django_settings.BASE_DIR)

SQLITE_PROBE = """
import json
from django.db import connection
with connection.cursor() as cursor:
    pragmas = {
        name: cursor.execute(f"PRAGMA {name}").fetchone()[0]
        for name in ("journal_mode", "synchronous", "busy_timeout")
    }
print(json.dumps({**pragmas, "transaction_mode": connection.transaction_mode}))
"""


def _manage(database_url: str, *args: str) -> str:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SECRET_KEY": "tests-only",
        "DJANGO_SETTINGS_MODULE": "scpstudio.settings",
    }
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1]


def test_a_sqlite_database_waits_for_its_write_lock_and_runs_in_wal(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"

    found = json.loads(_manage(url, "shell", "-c", SQLITE_PROBE))

    assert found == {
        "journal_mode": "wal",
        "synchronous": 1,  # NORMAL
        "busy_timeout": django_settings.SQLITE_BUSY_TIMEOUT * 1000,
        "transaction_mode": "IMMEDIATE",
    }


def test_a_postgresql_url_gets_none_of_the_sqlite_options() -> None:
    probe = (
        "from django.conf import settings; print(settings.DATABASES['default'].get('OPTIONS', {}))"
    )

    options = _manage("postgres://scp@db.example.internal:5432/scp", "shell", "-c", probe)

    assert options == "{}"
