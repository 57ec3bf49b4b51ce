"""scp_lint and scp_preview in a checkout whose database is not set up (issue #15, item 8).

Each runs `python manage.py` in a subprocess, as a CI job would, against a DATABASE_URL of
its own: the shipped catalog files answer when the database holds no catalog, and a
database that cannot be reached is one sentence and exit status 2.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MISSPELT = {"Version": "5.0", "Statement": [{"Effect": "Deny", "Action": "ims:images:crete"}]}
NOTE = "the database holds no catalog yet (run `make setup`, or `manage.py migrate`)"


def _run(database_url: str, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "manage.py", *argv],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def policy_file(tmp_path: Path) -> str:
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(MISSPELT), encoding="utf-8")
    return str(path)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_scp_lint_on_an_empty_database_file_reads_the_shipped_catalog(tmp_path, policy_file):
    database = tmp_path / "empty.sqlite3"
    database.touch()

    run = _run(f"sqlite:///{database}", "scp_lint", "--format", "json", policy_file)

    assert run.returncode == 1, run.stderr  # the misspelt action is an error
    assert "Traceback" not in run.stderr
    assert NOTE in run.stderr
    [finding] = json.loads(run.stdout)["files"][0]["findings"]
    assert finding["code"] == "INVALID_ACTION"
    assert "ims:images:create" in finding["suggestions"]


def test_scp_lint_without_a_database_file_creates_none(tmp_path, policy_file):
    database = tmp_path / "never.sqlite3"

    run = _run(f"sqlite:///{database}", "scp_lint", policy_file)

    assert run.returncode == 1, run.stderr
    assert NOTE in run.stderr
    assert "ims:images:create" in run.stdout
    assert not database.exists()


def test_scp_preview_on_an_empty_database_file_reads_the_shipped_catalog(tmp_path, policy_file):
    database = tmp_path / "empty.sqlite3"
    database.touch()
    share = {"Version": "5.0", "Statement": [{"Effect": "Deny", "Action": "ims:images:share"}]}
    (tmp_path / "share.json").write_text(json.dumps(share), encoding="utf-8")

    run = _run(
        f"sqlite:///{database}", "scp_preview", "--format", "json", str(tmp_path / "share.json")
    )

    assert run.returncode == 0, run.stderr
    assert NOTE in run.stderr
    rows = {r["method"] + " " + r["path"]: r for r in json.loads(run.stdout)["apis"]}
    assert rows["POST /v2/images/{image_id}/members"]["outcome"] == "denied"


@pytest.mark.parametrize("command", ["scp_lint", "scp_preview"])
def test_an_unreachable_database_is_one_sentence_and_exit_2(command, policy_file):
    url = f"postgres://nobody:nothing@127.0.0.1:{_closed_port()}/scp"

    run = _run(url, command, policy_file)

    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    assert "The database cannot be reached" in run.stderr
    assert "check DATABASE_URL" in run.stderr
    assert run.stdout == ""
