"""import_data refuses a file it cannot restore whole, with a sentence naming the place, and
writes nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from scpstudio.policies.backup_format import MAX_BACKUP_MB
from scpstudio.policies.models import Policy
from tests.policies.backup_data import build_library, empty_library, export
from tests.policies.commands import run

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def quick_hashes(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def backup(tmp_path) -> dict[str, Any]:
    """A good backup, with the database emptied as for a restore."""
    build_library()
    data = json.loads(export(tmp_path))
    empty_library()
    return data


def refused(tmp_path, content: bytes) -> str:
    path = tmp_path / "bad.json"
    path.write_bytes(content)

    code, out, err = run("import_data", str(path))

    assert code == 2
    assert out == ""
    assert err.endswith("Nothing was imported.")
    assert get_user_model().objects.count() == 0 and Policy.objects.count() == 0
    return err


def guardrails(data: dict[str, Any]) -> dict[str, Any]:
    return next(p for p in data["policies"] if p["name"] == "Guardrails")


def edited(backup: dict[str, Any], change: Callable[[dict[str, Any]], Any]) -> bytes:
    change(backup)
    return json.dumps(backup).encode()


@pytest.mark.parametrize(
    "content, sentence",
    [
        (b"", "The file is empty"),
        (b"{not json", "The file is not JSON"),
        (b"\xff\xfe{}", "not UTF-8 text (byte 0"),
        (b"[1, 2]", 'its "format" must be "scpstudio-backup"'),
        (b'{"format": "scpstudio-catalog"}', "This is not an SCP Studio backup"),
        (b"[" * 100 + b"]" * 100, "nested more than 8 levels deep"),
    ],
)
def test_a_file_that_is_not_a_backup_is_refused(tmp_path, db, content, sentence):
    err = refused(tmp_path, content)

    assert sentence in err


@pytest.mark.parametrize("version", [2, 0, "1", True, None])
def test_a_backup_of_another_format_version_is_refused(tmp_path, backup, version):
    content = edited(backup, lambda d: d.update(version=version))

    err = refused(tmp_path, content)

    assert f"format version {version!r}; this SCP Studio reads version 1" in err


def test_a_version_number_gap_is_refused_naming_the_policy(tmp_path, backup):
    content = edited(backup, lambda d: guardrails(d)["versions"].pop(1))

    err = refused(tmp_path, content)

    assert "policies[1].versions go 1, 3" in err and "version 2 is missing" in err


def test_versions_out_of_order_are_refused(tmp_path, backup):
    content = edited(backup, lambda d: guardrails(d)["versions"].reverse())

    err = refused(tmp_path, content)

    assert "policies[1].versions go 4" in err


def test_a_policy_without_versions_is_refused(tmp_path, backup):
    content = edited(backup, lambda d: guardrails(d).update(versions=[]))

    err = refused(tmp_path, content)

    assert "policies[1].versions is empty" in err


@pytest.mark.parametrize(
    "change, sentence",
    [
        (lambda d: d["users"][0].pop("email"), 'users[0] has no "email".'),
        (lambda d: d.pop("policies"), 'the backup has no "policies".'),
        (lambda d: guardrails(d)["versions"][0].pop("document"), 'versions[0] has no "document"'),
        (lambda d: d["users"][0].update(token="x"), "users[0] has a field 'token' that format"),
        (lambda d: d["users"][0].update(password="md5$x$y"), "users[0] has a field 'password'"),
        (lambda d: d["users"][0].update(username="a b/c"), "users[0].username: Enter a valid"),
        (lambda d: d["users"][1].update(username="alice"), "holds 'alice' twice"),
        (lambda d: d["users"][0].update(is_staff="yes"), "users[0].is_staff must be true or"),
        (lambda d: d["users"][0].update(date_joined="yesterday"), "date_joined must be a time"),
        (
            lambda d: d["users"][0].update(date_joined="0001-01-01T00:00:00+01:00"),
            "date_joined must be a time",
        ),
        (lambda d: d["users"][0].update(date_joined="2024-01-01T00:00:00"), "must be a time"),
        (lambda d: guardrails(d).update(owner="zed"), "policies[1].owner names 'zed', who is not"),
        (lambda d: guardrails(d).update(name="a/b"), "policies[1].name: A policy name holds"),
        (lambda d: guardrails(d).update(profile="aws"), "policies[1].profile: The profile must"),
        (
            lambda d: guardrails(d)["versions"][0].update(author="zed"),
            "versions[0].author names 'zed'",
        ),
        (
            lambda d: guardrails(d)["versions"][0].update(document="a\x00b"),
            "versions[0].document: The document holds a NUL",
        ),
        (
            lambda d: guardrails(d)["versions"][0].update(document={"Version": "5.0"}),
            "versions[0].document: The document must be the policy's JSON text",
        ),
        (
            lambda d: guardrails(d)["versions"][0].update(worst_severity="fatal"),
            "versions[0].worst_severity must be one of",
        ),
        (lambda d: guardrails(d)["versions"][0].update(size=-1), "size must be a whole number"),
        (lambda d: guardrails(d)["shares"][0].update(user="alice"), "is the policy's owner"),
        (
            lambda d: guardrails(d)["shares"].append(dict(guardrails(d)["shares"][0])),
            "shares holds 'bob' twice",
        ),
        (lambda d: d["counts"].update(versions=5), "counts.versions says 5 but the file holds 7"),
        (lambda d: d["policies"].pop(), "counts.policies says 3 but the file holds 2"),
    ],
)
def test_a_backup_with_a_bad_field_is_refused_naming_its_place(tmp_path, backup, change, sentence):
    content = edited(backup, change)

    err = refused(tmp_path, content)

    assert sentence in err


def test_a_hash_this_server_does_not_know_is_refused(tmp_path, backup):
    def with_hash(d: dict[str, Any]) -> None:
        d["password_hashes"] = True
        for user in d["users"]:
            user["password"] = "!unusable"
        d["users"][0]["password"] = "rot13$abc"

    err = refused(tmp_path, edited(backup, with_hash))

    assert "users[0].password is not a password hash this server knows" in err


def test_a_file_past_the_size_limit_is_refused_before_it_is_read(tmp_path, db):
    path = tmp_path / "huge.json"
    with path.open("wb") as fh:  # sparse: no disk space used
        fh.truncate(MAX_BACKUP_MB * 1024 * 1024 + 1)

    code, _, err = run("import_data", str(path))

    assert code == 2
    assert f"larger than {MAX_BACKUP_MB} MB" in err


@pytest.mark.parametrize(
    "name, sentence", [("missing.json", "no such file"), (".", "not a regular")]
)
def test_a_file_that_cannot_be_read_is_refused(tmp_path, db, name, sentence):
    code, _, err = run("import_data", str(tmp_path / name))

    assert code == 2
    assert sentence in err
