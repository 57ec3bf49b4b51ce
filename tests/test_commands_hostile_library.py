"""export_data, import_data and scp_diff given hostile values: each run ends with exit status
0, 1 or 2 and, when it refuses, a sentence on stderr, never a traceback (as
tests/test_commands_hostile.py does for the other commands).

The commands run through call_command (`tests/policies/commands.py`): Django's command-line
entry closes every database connection when a command ends, which would end the test's
transaction on PostgreSQL. The last test runs a real `manage.py` for what only a process
shows (the `CommandError:` line, the exit status)."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scpstudio.policies.models import Policy
from tests.policies.commands import run
from tests.test_commands_hostile import (
    DEEP,
    DEEP_OBJECT,
    HOSTILE_FILES,
    LONG_INT,
    ROOT,
    files,  # noqa: F401  (fixture)
    refused,
)

pytestmark = pytest.mark.django_db
RELAXED = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
GOOD_BACKUP = {
    "format": "scpstudio-backup",
    "version": 1,
    "password_hashes": False,
    "users": [
        {
            "username": "alice",
            "first_name": "",
            "last_name": "",
            "email": "",
            "is_staff": False,
            "is_superuser": False,
            "is_active": True,
            "date_joined": "2025-01-31T09:30:00.000000Z",
        }
    ],
    "policies": [
        {
            "owner": "alice",
            "name": "Guardrails",
            "description": "",
            "profile": "scp",
            "created_at": "2025-01-31T09:30:00.000000Z",
            "updated_at": "2025-01-31T09:30:00.000000Z",
            "versions": [
                {
                    "number": 1,
                    "author": "alice",
                    "created_at": "2025-01-31T09:30:00.000000Z",
                    "message": "",
                    "profile": "scp",
                    "worst_severity": "",
                    "size": 2,
                    "minified_size": 2,
                    "document": "{}",
                }
            ],
            "shares": [],
        }
    ],
    "counts": {"users": 1, "policies": 1, "versions": 1, "shares": 0},
}


def nothing_imported() -> bool:
    return get_user_model().objects.count() == 0 and Policy.objects.count() == 0


# -- import_data FILE [--merge] [--dry-run] ---------------------------------------------------


@pytest.mark.parametrize("kind", HOSTILE_FILES + ["directory", "device", "policy"])
def test_import_data_refuses_a_hostile_file_and_writes_nothing(files, kind):  # noqa: F811
    code, _, err = run("import_data", files[kind])

    refused(code, err, "Nothing was imported.")
    assert code == 2
    assert nothing_imported()


def test_import_data_refuses_a_file_name_holding_a_nul_byte():
    code, _, err = run("import_data", "back\x00up.json")

    refused(code, err, "Cannot read 'back\\x00up.json': it is not a file name.")


def test_import_data_reads_hostile_stdin_as_unreadable(monkeypatch):
    code, _, err = run("import_data", "-", stdin=DEEP_OBJECT.encode(), monkeypatch=monkeypatch)

    refused(code, err, "nested more than")


def test_the_good_backup_of_these_tests_imports(tmp_path):
    path = tmp_path / "good.json"
    path.write_text(json.dumps(GOOD_BACKUP), encoding="utf-8")

    code, out, err = run("import_data", str(path))

    assert code == 0, err
    assert "Created 1 user(s), 1 policy(ies), 1 version(s) and 0 share(s)." in out


_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=12)
    | st.sampled_from(["alice", "scp", "2025-01-31T09:30:00Z", "", "!", "md5$a$b"]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in the good backup: each can be given a hostile value."""
    out = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            out += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out += _paths(item, (*prefix, index))
    return out


PLACES = _paths(GOOD_BACKUP)


@settings(max_examples=150, deadline=None, suppress_health_check=RELAXED)
@given(place=st.sampled_from(PLACES), value=_json, drop=st.booleans())
def test_import_data_answers_a_backup_with_any_value_anywhere(tmp_path, place, value, drop):
    data = copy.deepcopy(GOOD_BACKUP)
    if not place:
        data = value
    else:
        parent = data
        for key in place[:-1]:
            parent = parent[key]
        if drop and isinstance(parent, dict):
            del parent[place[-1]]
        else:
            parent[place[-1]] = value
    path = tmp_path / "any.json"
    path.write_text(json.dumps(data), encoding="utf-8")

    code, out, err = run("import_data", "--dry-run", str(path))

    assert code in (0, 2), err
    assert "Traceback" not in err
    assert code == 0 or err.strip().endswith("Nothing was imported.")
    assert nothing_imported()


@settings(max_examples=40, deadline=None, suppress_health_check=RELAXED)
@given(content=st.binary(max_size=300))
def test_import_data_answers_any_file_content_with_an_exit_status(tmp_path, content):
    path = tmp_path / "any.json"
    path.write_bytes(content)

    code, _, err = run("import_data", str(path))

    assert code == 2, err
    assert "Traceback" not in err


# -- export_data [--output FILE] [--with-password-hashes] ------------------------------------


@pytest.mark.parametrize("output", ["directory", "missing-dir", "nul", "/dev/full", "not-a-dir"])
def test_export_data_refuses_an_output_it_cannot_write(tmp_path, output):
    (tmp_path / "file").write_text("x")
    target = {
        "directory": str(tmp_path),
        "missing-dir": str(tmp_path / "no" / "such" / "out.json"),
        "nul": str(tmp_path / "out\x00.json"),
        "/dev/full": "/dev/full",
        "not-a-dir": str(tmp_path / "file" / "out.json"),
    }[output]

    code, _, err = run("export_data", "--output", target)

    refused(code, err, "cannot write")
    assert code == 2


def test_export_data_refuses_a_flag_given_a_value():
    code, _, err = run("export_data", "--with-password-hashes=no")

    refused(code, err, "--with-password-hashes")


# -- scp_diff OLD NEW [--context] [--fail-on] ------------------------------------------------


@pytest.mark.parametrize("kind", HOSTILE_FILES + ["directory", "device"])
def test_scp_diff_refuses_a_hostile_policy_file(files, kind):  # noqa: F811
    code, _, err = run("scp_diff", files["policy"], files[kind], "--fail-on", "any")

    refused(code, err, "NEW")
    assert code == 2


@pytest.mark.parametrize(
    ("context", "sentence"),
    [
        (DEEP, "nested more than"),
        ('{"keys": {"g:X": [' + LONG_INT + "]}}", "a number of 5000 digits"),
        ('{"region": NaN}', "NaN is not JSON"),
        ("[1, 2]", "must be a JSON object"),
        ("@", "cannot read"),
        ("\udcff", "not valid JSON"),
    ],
)
def test_scp_diff_refuses_a_hostile_context_with_a_sentence(files, context, sentence):  # noqa: F811
    code, _, err = run("scp_diff", files["policy"], files["policy"], "--context", context)

    refused(code, err, sentence)
    assert code == 2


def test_scp_diff_shows_a_file_name_holding_a_nul_byte_escaped(files):  # noqa: F811
    code, _, err = run("scp_diff", "ol\x00d.json", files["policy"])

    refused(code, err, "cannot read OLD ('ol\\x00d.json')")
    assert "\x00" not in err


@pytest.mark.parametrize(("option", "value"), [("--fail-on", "\x00"), ("--format", "sarif")])
def test_scp_diff_refuses_an_option_value_it_does_not_know(files, option, value):  # noqa: F811
    code, _, err = run("scp_diff", files["policy"], files["policy"], option, value)

    refused(code, err, "invalid choice")


# -- a real process ----------------------------------------------------------------------------


def test_a_real_round_trip_through_manage_py(tmp_path):
    db = tmp_path / "db.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"sqlite:///{db}",
    }
    good = tmp_path / "good.json"
    good.write_text(json.dumps(GOOD_BACKUP, indent=2), encoding="utf-8")

    def python_manage(*argv: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            [sys.executable, "manage.py", *argv],
            cwd=ROOT,
            env=env,
            capture_output=True,
            timeout=300,
        )

    python_manage("migrate", "--noinput", "-v", "0")
    imported = python_manage("import_data", str(good))
    again = python_manage("import_data", str(good))
    exported = python_manage("export_data")

    assert imported.returncode == 0, imported.stderr
    assert again.returncode == 2
    assert b"CommandError: The database already holds 1 user(s)" in again.stderr
    assert b"Traceback" not in again.stderr
    assert json.loads(exported.stdout) == GOOD_BACKUP
    assert Path(db).exists()
