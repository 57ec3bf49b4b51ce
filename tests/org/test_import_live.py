"""Importing the organization live (issue 19, item 6): `manage.py import_org [--dry-run]` and
the admin's import drive the real SDK (`huaweicloudsdkorganizations`) against the stand-in on
loopback, several pages of everything; each fault (401, 429 after its retries, 500, a slow
answer, a malformed body) ends with a sentence and an unchanged database."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from scpstudio.org.exporting import export_text
from scpstudio.org.models import Node
from scpstudio.policies.models import Policy
from tests.org.helpers import EXPECTED_TREE, guardrail, ou, shape
from tests.org_import.standin import GOOD_AK, Fault, StandIn

pytestmark = pytest.mark.django_db
API = "/v1/organizations"


@pytest.fixture
def huawei(settings, monkeypatch):
    """The stand-in, two items a page, the SDK's environment variables and our settings."""
    standin = StandIn().start()
    monkeypatch.setenv("HUAWEICLOUD_SDK_AK", GOOD_AK)
    monkeypatch.setenv("HUAWEICLOUD_SDK_SK", "stand-in-secret")
    monkeypatch.setenv("HUAWEICLOUD_SDK_DOMAIN_ID", "0a1b2c3d4e5f60718293a4b5c6d7e8f9")
    settings.ORG_IMPORT_ENDPOINT = standin.url
    settings.ORG_IMPORT_TIMEOUT = 1.0
    settings.ORG_IMPORT_RETRIES = 2
    settings.ORG_IMPORT_BACKOFF = 0.01
    yield standin
    standin.stop()


def import_org(*args: str) -> str:
    out = StringIO()
    call_command("import_org", *args, stdout=out)
    return out.getvalue()


def refused(*args: str) -> str:
    with pytest.raises(CommandError) as raised:
        import_org(*args)
    assert raised.value.returncode == 2
    return str(raised.value)


def everything() -> tuple[str, int]:
    return export_text("json"), Policy.objects.count()


def test_the_dry_run_prints_what_would_change_and_writes_nothing(huawei, organizer):
    before = everything()

    printed = import_org("--dry-run", "--owner", organizer.username)

    assert printed.startswith("Dry run: From Huawei Organizations: 18 added, 1 changed, 0 removed.")
    assert (
        "  added: account management (0a1b2c3d4e5f60718293a4b5c6d7e8f9) under the root" in printed
    )
    assert "tag" in printed and "Nothing was written (--dry-run)." in printed
    assert everything() == before


def test_the_import_builds_the_tree_and_a_second_one_changes_nothing(huawei, organizer):
    import_org("--owner", organizer.username)
    after_first = everything()
    built = shape()

    printed = import_org("--owner", organizer.username)

    assert built == EXPECTED_TREE
    assert Policy.objects.get(name="No sharing").owner == organizer
    assert "nothing to change" in printed
    assert everything() == after_first
    # every listing was read page by page, two items a page
    assert huawei.requests.count(f"{API}/policies/p-FullAccess/attached-entities") >= 10


def test_a_rate_limited_answer_is_asked_again_and_the_import_goes_on(huawei, organizer):
    huawei.faults[f"{API}/accounts"] = Fault(status=429, times=2)

    import_org("--owner", organizer.username)

    assert Node.objects.filter(kind="account").count() == 5


FAULTS = {
    "401": (None, "Huawei refused the credentials for GET /v1/organizations/roots (HTTP 401)"),
    "429 every time": (
        (f"{API}/policies", Fault(status=429)),
        "Huawei kept answering 'too many requests' to GET /v1/organizations/policies (HTTP 429) "
        "after 3 tries",
    ),
    "500": (
        (f"{API}/organizational-units", Fault(status=500)),
        "Huawei Organizations failed to answer GET /v1/organizations/organizational-units",
    ),
    "slow": (
        (f"{API}/policies/p-noshare001", Fault(delay=2.5)),
        "Huawei did not answer GET /v1/organizations/policies/p-noshare001 within 1 seconds",
    ),
    "malformed": (
        (f"{API}/accounts", Fault(body=json.dumps({"accounts": [{"id": 5}]}))),
        "GET /v1/organizations/accounts?parent_id=r-abcd1234, accounts[0]:",
    ),
}


@pytest.mark.parametrize(("fault", "sentence"), FAULTS.values(), ids=FAULTS.keys())
def test_each_fault_ends_with_a_sentence_and_an_unchanged_database(
    huawei, organizer, monkeypatch, fault, sentence
):
    ou(organizer, "Already here")
    guardrail(organizer)
    before = everything()
    if fault is None:
        monkeypatch.setenv("HUAWEICLOUD_SDK_AK", "AKWRONG0000000000000")
    else:
        huawei.faults[fault[0]] = fault[1]

    said = refused("--owner", organizer.username)

    assert said.startswith("Nothing was imported. ")
    assert sentence in said
    assert everything() == before


def test_without_credentials_nothing_is_asked(huawei, organizer, monkeypatch):
    monkeypatch.delenv("HUAWEICLOUD_SDK_AK")

    said = refused("--dry-run")

    assert "No Huawei credentials: set HUAWEICLOUD_SDK_AK" in said
    assert huawei.requests == []


def test_an_unknown_owner_is_refused_before_anything_is_read(huawei):
    said = refused("--owner", "nobody")

    assert said == "There is no active user nobody: nothing was imported."
    assert huawei.requests == []


def test_a_json_export_is_imported_from_a_file(tmp_path, organizer):
    ou(organizer, "Exported")
    path = tmp_path / "organization.json"
    call_command("export_org", "--format", "json", "--output", str(path), stderr=StringIO())
    Node.objects.filter(name="Exported").delete()

    printed = import_org("--json", str(path), "--owner", organizer.username)

    assert "added: OU Exported under the root" in printed
    assert export_text("json") == path.read_text(encoding="utf-8")


# -- the admin's import --------------------------------------------------------------------


def test_the_admin_shows_the_dry_run_then_applies_it(huawei, staff_client):
    page = staff_client.get("/admin/org/node/import/")
    dry = staff_client.post("/admin/org/node/import/", {"dry_run": "1"})
    written_by_dry_run = Node.objects.count()
    digest = dry.context["plan"].digest
    applied = staff_client.post("/admin/org/node/import/", {"apply": "1", "digest": digest})

    assert page.status_code == 200 and b"Read Huawei (dry run)" in page.content
    assert b"added: OU Team A (ou-team0001) under OU Dev" in dry.content
    assert written_by_dry_run == 1
    assert applied.status_code == 302
    assert Node.objects.filter(huawei_id="ou-team0001").exists()


def test_the_admin_action_leads_to_the_import(huawei, staff_client):
    answer = staff_client.post(
        "/admin/org/node/", {"action": "import_from_huawei", "_selected_action": []}
    )

    assert answer.status_code == 302
    assert answer["Location"] == "/admin/org/node/import/"


def test_the_admin_says_a_fault_and_writes_nothing(huawei, staff_client):
    huawei.faults[f"{API}/roots"] = Fault(status=500)

    answer = staff_client.post("/admin/org/node/import/", {"dry_run": "1"})

    assert answer.status_code == 502
    assert b"failed to answer GET /v1/organizations/roots (HTTP 500)" in answer.content
    assert Node.objects.count() == 1


def test_the_admin_import_needs_the_organization_permission(client, reader):
    client.force_login(reader)

    answer = client.get("/admin/org/node/import/")

    assert answer.status_code in (302, 403)
