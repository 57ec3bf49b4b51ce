"""Hostile catalog JSON files: nested 100,000 deep, a 5,000-digit number, NUL bytes.

The admin import and `manage.py import_catalog` answer each with a sentence and write
nothing; neither ever shows a traceback or a 500.
"""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from catalog.importers.reading import read_source
from tests.catalog.fixtures import catalog_state

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
HEADER = '{"format": "scpstudio-catalog", "version": '

HOSTILE = {
    "deep-list.json": ("[" * 100_000 + "]" * 100_000, "nested more than 32 levels deep"),
    "deep-object.json": ('{"a": ' * 100_000 + "1" + "}" * 100_000, "nested more than 32 levels"),
    "deep-in-a-service.json": (
        HEADER + '1, "services": [' + "[" * 100_000 + "]" * 100_000 + "]}",
        "nested more than 32 levels deep",
    ),
    "long-version.json": (HEADER + "9" * 5000 + "}", "a number of 5000 digits"),
    "long-number-in-a-list.json": (
        HEADER + '1, "services": [-' + "1" * 5000 + "]}",
        "a number of 5000 digits",
    ),
    "nan.json": (HEADER + "NaN}", "NaN is not JSON"),
    # found by the fuzz suite: a review page holding it could not be written (500)
    "lone-surrogate.json": (
        HEADER + '1, "services": [{"prefix": "ims", "name": "x\\udfffy"}]}',
        "half of a character (a lone surrogate escape)",
    ),
}


def _upload(staff_client, name: str, text: str):
    return staff_client.post(
        reverse("admin:catalog_import"), {"file": SimpleUploadedFile(name, text.encode())}
    )


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_reading_a_hostile_json_file_gives_an_error_not_an_exception(name):
    text, sentence = HOSTILE[name]

    data = read_source(text, source_name=name)

    assert [a.severity for a in data.anomalies] == ["error"]
    assert sentence in str(data.anomalies[0])


def test_a_deep_json_file_names_the_line_where_it_gets_too_deep():
    text = '{\n"services": [\n' + "[\n" * 40 + "]\n" * 40 + "]}"

    [error] = read_source(text).anomalies

    assert error.line == 33
    assert str(error) == (
        "error: line 33: the JSON is nested more than 32 levels deep; a catalog file needs about 7"
    )


def test_a_catalog_file_of_ordinary_depth_is_still_read():
    text = (ROOT / "catalog" / "data" / "global-keys.json").read_text(encoding="utf-8")

    data = read_source(text)

    assert data.errors == []
    assert data.document["global_condition_keys"]


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_admin_import_of_a_hostile_json_file_answers_a_sentence(staff_client, name):
    text, sentence = HOSTILE[name]
    before = catalog_state()

    response = _upload(staff_client, name, text)

    body = response.content.decode()
    assert response.status_code in (200, 400)
    assert "The source cannot be imported" in body
    assert sentence in body
    assert "Apply these" not in body
    assert catalog_state() == before


def test_admin_import_of_a_text_file_with_a_nul_byte_says_so(staff_client):
    before = catalog_state()

    response = _upload(staff_client, "nul.txt", "Updated on 2024-05-11\n\x00\nTable 1\n")

    assert response.status_code == 200
    assert "line 2: the file holds a NUL character" in response.content.decode()
    assert catalog_state() == before


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_import_command_refuses_a_hostile_json_file_with_a_sentence(tmp_path, name):
    text, sentence = HOSTILE[name]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    before = catalog_state()
    out = StringIO()

    with pytest.raises(CommandError, match="not imported") as refused:
        call_command("import_catalog", str(path), stdout=out)

    assert refused.value.returncode == 1
    assert sentence in out.getvalue()
    assert catalog_state() == before


def test_import_command_prints_no_traceback_for_a_deep_json_file(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")

    run = subprocess.run(
        [sys.executable, "manage.py", "import_catalog", str(path), "--dry-run"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        },
        timeout=120,
    )

    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert "nested more than 32 levels deep" in run.stdout
    assert run.stderr == f"CommandError: {path}: not imported\n"
