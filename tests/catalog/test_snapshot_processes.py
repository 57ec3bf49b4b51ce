"""Several app servers on one database: an admin edit of the catalog made through one
process is seen by every other process at its next request, though each keeps its own
snapshot (catalog/snapshot.py, keyed by the revision stored in the database).

Two real Python processes, each with Django set up as a server has it, hold a warm
snapshot; the edit goes through the admin of this process; both then answer the new text.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from catalog.models import Action
from tests.catalog.test_snapshot import _form_data

pytestmark = pytest.mark.django_db(transaction=True)

# A server in miniature: each line read is a request, answered from its own snapshot.
SERVER = """
import json, sys
from catalog.snapshot import catalog_snapshot
for line in sys.stdin:
    catalog = catalog_snapshot()
    print(json.dumps({
        "revision": catalog.revision,
        "description": catalog.action("ims:images:share").description,
        "snapshot": id(catalog),
    }), flush=True)
"""


def _database_url() -> str:
    """The test database, as a server's DATABASE_URL would name it."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    host = quote(db["HOST"] or "localhost", safe="")
    return f"postgres://{user}{password}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


class Server:
    def __init__(self) -> None:
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "DJANGO_SETTINGS_MODULE": "scpstudio.settings",
            "DJANGO_SECRET_KEY": "tests-only",
        }
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "shell", "-v", "0", "-c", SERVER],
            cwd=Path(settings.BASE_DIR),
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def ask(self) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write("request\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        assert line, f"the server process ended with status {self.process.wait(10)}"
        return json.loads(line)

    def stop(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


@pytest.fixture
def two_servers() -> Iterator[tuple[Server, Server]]:
    servers = (Server(), Server())
    try:
        yield servers
    finally:
        for server in servers:
            server.stop()


def test_two_processes_see_an_admin_edit_of_the_catalog(staff_client, two_servers) -> None:
    first, second = two_servers
    before = [first.ask(), second.ask()]
    action = Action.objects.get(name="ims:images:share")
    url = reverse("admin:catalog_action_change", args=[action.pk])
    data = _form_data(staff_client.get(url))
    data["description"] = "Share an image with another account (edited)."

    edited = staff_client.post(url, data)
    after = [first.ask(), second.ask()]

    assert edited.status_code == 302
    assert {b["description"] for b in before} == {action.description}
    assert {a["description"] for a in after} == {"Share an image with another account (edited)."}
    assert after[0]["revision"] == after[1]["revision"] > before[0]["revision"]


def test_a_process_keeps_its_snapshot_while_the_catalog_is_unchanged(two_servers) -> None:
    first, _ = two_servers

    answers = [first.ask(), first.ask()]

    assert answers[0]["snapshot"] == answers[1]["snapshot"]
