"""export_data and import_data: a round trip gives the same bytes, merges and dry runs say
what they do, and an import writes all of a file or nothing."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.http import HttpRequest

from scpstudio.policies.backup_format import FORMAT, VERSION
from scpstudio.policies.models import Policy, PolicyShare, PolicyVersion
from tests.policies.backup_data import (
    BROKEN_TEXT,
    ODD_TEXT,
    UNICODE_TEXT,
    build_library,
    empty_library,
    export,
)
from tests.policies.commands import run

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def quick_hashes(settings):
    """Any hasher round-trips; the default one's million rounds make each user take a second."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def library_rows() -> dict[str, list[tuple]]:
    """Everything of the library but database ids, for comparing two databases."""
    return {
        "users": sorted(
            get_user_model().objects.values_list(
                "username", "first_name", "last_name", "email", "is_staff", "is_superuser",
                "is_active", "date_joined",
            )
        ),
        "policies": sorted(
            Policy.objects.values_list(
                "owner__username", "name", "description", "profile", "latest_version",
                "created_at", "updated_at",
            )
        ),
        "versions": sorted(
            PolicyVersion.objects.values_list(
                "policy__owner__username", "policy__name", "number", "author__username",
                "created_at", "message", "document", "profile", "worst_severity", "size",
                "minified_size",
            ),
            key=repr,
        ),
        "shares": sorted(
            PolicyShare.objects.values_list(
                "policy__owner__username", "policy__name", "user__username", "can_edit",
                "created_at",
            )
        ),
    }  # fmt: skip


# -- the round trip --------------------------------------------------------------------------


def test_export_import_export_into_an_empty_database_gives_the_same_bytes(tmp_path):
    build_library()
    first = export(tmp_path, "first.json")
    empty_library()

    code, out, err = run("import_data", str(tmp_path / "first.json"))
    second = export(tmp_path, "second.json")

    assert code == 0, err
    assert "Created 3 user(s), 3 policy(ies), 7 version(s) and 2 share(s)." in out
    assert second == first


def test_a_restored_library_holds_the_same_rows_as_the_one_exported(tmp_path):
    build_library()
    before = library_rows()
    export(tmp_path)
    empty_library()

    run("import_data", str(tmp_path / "backup.json"))

    assert library_rows() == before


def test_the_backup_holds_each_text_byte_for_byte_and_no_database_id(tmp_path):
    build_library()

    data = json.loads(export(tmp_path))

    assert (data["format"], data["version"], data["password_hashes"]) == (FORMAT, VERSION, False)
    guard = next(p for p in data["policies"] if p["name"] == "Guardrails")
    texts = [v["document"] for v in guard["versions"]]
    assert texts[1:3] == [ODD_TEXT, UNICODE_TEXT]
    assert [v["author"] for v in guard["versions"]] == ["alice", "carol", None, "alice"]
    assert [(s["user"], s["can_edit"]) for s in guard["shares"]] == [
        ("bob", False),
        ("carol", True),
    ]
    draft = next(p for p in data["policies"] if p["name"] == "Draft 2")
    assert draft["versions"][0]["document"] == BROKEN_TEXT
    assert draft["created_at"] == "2024-02-29T23:59:59.000000Z"
    assert data["counts"] == {"users": 3, "policies": 3, "versions": 7, "shares": 2}
    assert '"id"' not in json.dumps(data) and '"pk"' not in json.dumps(data)


def test_password_hashes_are_left_out_unless_asked(tmp_path):
    build_library()
    hash_of_alice = get_user_model().objects.get(username="alice").password

    plain = export(tmp_path, "plain.json").decode()
    with_hashes = json.loads(export(tmp_path, "hashes.json", "--with-password-hashes"))

    assert hash_of_alice not in plain and '"password"' not in plain
    assert with_hashes["password_hashes"] is True
    assert with_hashes["users"][0]["password"] == hash_of_alice


def test_users_imported_without_a_hash_cannot_log_in_and_the_command_says_so(tmp_path, client):
    build_library()
    export(tmp_path)
    empty_library()

    code, out, _ = run("import_data", str(tmp_path / "backup.json"))

    assert code == 0
    assert "3 user(s) have no password" in out and "changepassword" in out
    alice = get_user_model().objects.get(username="alice")
    assert not alice.has_usable_password()
    assert not client.login(request=HttpRequest(), username="alice", password="pw-alice-123")


def test_users_imported_with_their_hash_log_in_with_their_password(tmp_path, client):
    build_library()
    export(tmp_path, "backup.json", "--with-password-hashes")
    empty_library()

    code, out, _ = run("import_data", str(tmp_path / "backup.json"))

    assert code == 0
    assert "no password" not in out
    assert client.login(request=HttpRequest(), username="alice", password="pw-alice-123")


def test_export_to_standard_output_is_the_same_file(tmp_path):
    build_library()
    written = export(tmp_path)

    code, out, err = run("export_data")

    assert code == 0
    assert out.encode() == written
    assert "Exported 3 user(s), 3 policy(ies), 7 version(s) and 2 share(s)." in err


def test_an_empty_library_exports_and_imports(tmp_path):
    data = export(tmp_path)

    code, out, _ = run("import_data", str(tmp_path / "backup.json"))

    assert json.loads(data)["users"] == [] and json.loads(data)["policies"] == []
    assert code == 0
    assert "Created 0 user(s), 0 policy(ies)" in out


def test_an_import_reads_standard_input(tmp_path, monkeypatch):
    build_library()
    data = export(tmp_path)
    empty_library()

    code, _, err = run("import_data", "-", stdin=data, monkeypatch=monkeypatch)

    assert code == 0, err
    assert Policy.objects.count() == 3


def test_an_export_replaces_an_earlier_file_whole_and_leaves_nothing_beside_it(tmp_path):
    (tmp_path / "backup.json").write_text("an older backup, longer than the new one " * 1000)

    data = export(tmp_path)

    assert json.loads(data)["counts"]["users"] == 0
    assert [p.name for p in tmp_path.iterdir()] == ["backup.json"]


def test_export_to_a_folder_that_does_not_exist_exits_2_with_a_sentence(tmp_path):
    code, _, err = run("export_data", "--output", str(tmp_path / "no" / "such" / "file.json"))

    assert code == 2
    assert "cannot write" in err and "No such file or directory" in err


# -- into a database that holds something ----------------------------------------------------


def test_import_into_a_database_with_users_is_refused_without_merge(tmp_path):
    build_library()
    export(tmp_path)
    before = library_rows()

    code, out, err = run("import_data", str(tmp_path / "backup.json"))

    assert code == 2
    assert "already holds 3 user(s) and 3 policy(ies)" in err and "--merge" in err
    assert out == ""
    assert library_rows() == before


def test_merging_the_same_backup_again_changes_nothing(tmp_path):
    build_library()
    export(tmp_path)
    before = library_rows()

    code, out, _ = run("import_data", "--merge", str(tmp_path / "backup.json"))

    assert code == 0
    assert "Created 0 user(s), 0 policy(ies), 0 version(s) and 0 share(s)." in out
    assert "Kept 3 existing user(s)" in out
    assert "Skipped 3 policy(ies) whose owner already has one of that name" in out
    assert library_rows() == before


def test_a_merge_adds_new_users_and_policies_and_keeps_existing_users_as_they_are(tmp_path):
    build_library()
    export(tmp_path)
    empty_library()
    users = get_user_model()
    alice = users.objects.create_user("alice", "new@example.com", "pw-new-alice-1")
    Policy.objects.create(owner=alice, name="Guardrails", latest_version=0)

    code, out, _ = run("import_data", "--merge", str(tmp_path / "backup.json"))

    assert code == 0
    assert "Created 2 user(s), 2 policy(ies), 3 version(s) and 0 share(s)." in out
    assert "Kept 1 existing user(s) as they are (same username): alice." in out
    assert "Skipped 1 policy(ies)" in out and "alice/Guardrails" in out
    alice.refresh_from_db()
    assert alice.email == "new@example.com" and alice.check_password("pw-new-alice-1")
    assert Policy.objects.get(owner=alice, name="A first").versions.count() == 1
    assert Policy.objects.get(owner=alice, name="Guardrails").versions.count() == 0


def test_a_dry_run_says_what_it_would_create_and_writes_nothing(tmp_path):
    build_library()
    export(tmp_path)
    empty_library()

    code, out, _ = run("import_data", "--dry-run", str(tmp_path / "backup.json"))

    assert code == 0
    assert "Would create 3 user(s), 3 policy(ies), 7 version(s) and 2 share(s)." in out
    assert "Dry run: nothing was written." in out
    assert get_user_model().objects.count() == 0 and Policy.objects.count() == 0


def test_a_dry_run_merge_lists_what_it_would_skip(tmp_path):
    build_library()
    export(tmp_path)
    before = library_rows()

    code, out, _ = run("import_data", "--merge", "--dry-run", str(tmp_path / "backup.json"))

    assert code == 0
    assert "Would create 0 user(s)" in out
    assert "alice/A first, alice/Guardrails, carol/Draft 2." in out
    assert library_rows() == before


def test_a_profile_change_comes_back_as_the_version_it_is(tmp_path):
    build_library()
    export(tmp_path)
    empty_library()

    run("import_data", str(tmp_path / "backup.json"))

    restored = Policy.objects.get(name="Draft 2")
    first, second = restored.versions.order_by("number")
    assert restored.profile == "identity"
    assert (first.profile, second.profile) == ("scp-2024", "identity")
    assert second.document == first.document


# -- all or nothing --------------------------------------------------------------------------


def refuse_shares() -> None:
    """A trigger that makes the database refuse every new share: the last rows an import
    writes, after its users, policies and versions."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION refuse_share() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'no shares today'; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER refuse_share BEFORE INSERT ON policies_policyshare "
                "FOR EACH ROW EXECUTE FUNCTION refuse_share()"
            )
        else:
            cursor.execute(
                "CREATE TRIGGER refuse_share BEFORE INSERT ON policies_policyshare "
                "BEGIN SELECT RAISE(ABORT, 'no shares today'); END"
            )
    # The test's transaction is rolled back, and the trigger with it (DDL is transactional
    # on both databases).


def test_an_import_the_database_refuses_midway_writes_nothing(tmp_path):
    build_library()
    export(tmp_path)
    empty_library()
    refuse_shares()

    code, out, err = run("import_data", str(tmp_path / "backup.json"))

    assert (code, out) == (2, "")
    assert "no shares today" in err and "nothing was written" in err
    assert get_user_model().objects.count() == 0
    assert (Policy.objects.count(), PolicyVersion.objects.count()) == (0, 0)
