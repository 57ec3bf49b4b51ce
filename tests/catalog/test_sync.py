"""`manage.py sync_catalog` through the real SDK (`huaweicloudsdkiam`) against our stand-in
for IAM's authorization-schema API on loopback: several services, paging, and every fault
ending in a sentence with the failing service left as it was."""

from __future__ import annotations

import copy
import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from catalog.models import Action, Operation, Service
from catalog.selectors import catalog_export
from scpstudio.policies.services import create_policy
from tests.catalog.fixtures import catalog_state
from tests.catalog.huawei_standin import GOOD_AK, LIST, Fault, StandIn
from tests.catalog.schema_data import ecs_schema

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_snapshot")]


def evs_schema() -> dict:
    return {
        "version": "1.0",
        "actions": [
            {
                "name": "evs:volumes:list",
                "access_level": "list",
                "description": {"en_US": "List disks."},
                "resources": [],
                "condition_keys": [],
            }
        ],
        "resources": [],
        "conditions": [],
        "operations": [
            {"operation_id": "ListVolumes", "operation_action": "evs:volumes:list"},
        ],
    }


def vpc_schema() -> dict:
    schema = copy.deepcopy(evs_schema())
    schema["actions"][0]["name"] = "vpc:vpcs:list"
    schema["operations"] = [{"operation_id": "ListVpcs", "operation_action": "vpc:vpcs:list"}]
    return schema


@pytest.fixture
def huawei(settings, monkeypatch):
    """The stand-in server with ECS, EVS and VPC, and the SDK pointed at it."""
    standin = StandIn(services={"ecs": ecs_schema(), "evs": evs_schema(), "vpc": vpc_schema()})
    standin.start()
    settings.CATALOG_SYNC_ENDPOINT = standin.url
    settings.CATALOG_SYNC_TIMEOUT = 1.0
    settings.CATALOG_SYNC_RETRIES = 2
    settings.CATALOG_SYNC_BACKOFF = 0.01
    monkeypatch.setenv("HUAWEICLOUD_SDK_AK", GOOD_AK)
    monkeypatch.setenv("HUAWEICLOUD_SDK_SK", "stand-in-secret")
    yield standin
    standin.stop()


def _sync(*args: str) -> str:
    out = StringIO()
    call_command("sync_catalog", *args, stdout=out)
    return out.getvalue()


def _sync_failing(*args: str) -> tuple[str, str]:
    out = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("sync_catalog", *args, stdout=out)
    return out.getvalue(), str(raised.value)


def test_two_services_are_synced_each_with_its_change_set(huawei):
    output = _sync("--service", "ecs", "--service", "EVS")

    assert "Service 1 of 2: ecs" in output and "Service 2 of 2: evs" in output
    assert "added operation DeleteServers (ecs)" in output
    assert "2 of 2 services synced." in output
    assert Service.objects.get(prefix="evs").schema_version == "1.0"
    assert Operation.objects.filter(service__prefix="ecs").count() == 2


def test_a_dry_run_fetches_and_lists_but_writes_nothing(huawei):
    before = catalog_state()

    output = _sync("--service", "ecs", "--dry-run")

    assert "Dry run, nothing written" in output
    assert "1 of 1 services checked (dry run)." in output
    assert catalog_state() == before


def test_all_pages_through_the_registered_services(huawei):
    output = _sync("--all")

    assert "Service 3 of 3: vpc" in output
    assert huawei.requests.count("/v5/authorization-schemas/registered-services") == 2
    assert set(Service.objects.values_list("prefix", flat=True)) >= {"ecs", "evs", "vpc"}


def test_syncing_again_changes_nothing(huawei):
    _sync("--service", "ecs")
    before = catalog_state()

    output = _sync("--service", "ecs")

    assert "No changes: the catalog already matches the source." in output
    assert catalog_state() == before


def test_a_rate_limited_answer_is_tried_again_and_then_synced(huawei):
    huawei.faults["ecs"] = Fault(status=429, times=2)

    output = _sync("--service", "ecs")

    assert "1 of 1 services synced." in output
    assert huawei.requests.count("/v5/authorization-schemas/services/ecs") == 3


FAULTS = [
    (Fault(status=403), "Huawei refused access to the schema of ecs (HTTP 403)"),
    (
        Fault(status=429),
        "Huawei kept answering 'too many requests' for the schema of ecs (HTTP 429) after 3 tries",
    ),
    (Fault(status=500), "Huawei's IAM failed to answer for the schema of ecs (HTTP 500)"),
    (Fault(delay=2.5), "Huawei did not answer for the schema of ecs within 1 seconds"),
    (Fault(body='{"actions": [{"name": "ecs:x:y",'), "not valid JSON"),
    (Fault(body="[1, 2]"), "(document): must be an object, not a list"),
    (
        Fault(
            body=json.dumps(
                {
                    **ecs_schema(),
                    "resources": [
                        {"type_name": "instance", "urn_template": "ecs:<region>:instance"}
                    ],
                }
            )
        ),
        "the URN template 'ecs:<region>:instance' cannot be read",
    ),
]


def _ecs_state() -> str:
    """ECS as an export holds it (actions, keys, resource types, operations), global keys too."""
    return json.dumps(catalog_export(services=["ecs"]), sort_keys=True)


@pytest.mark.parametrize(
    ("fault", "sentence"),
    FAULTS,
    ids=["403", "429 every time", "500", "slow", "malformed", "not an object", "unreadable URN"],
)
def test_a_fault_on_one_service_leaves_it_as_it_was_and_the_others_go_on(huawei, fault, sentence):
    _sync("--service", "ecs")
    changed = ecs_schema()
    changed["actions"][0]["access_level"] = "read"
    huawei.services["ecs"] = changed
    huawei.faults["ecs"] = fault
    ecs_before = _ecs_state()

    output, error = _sync_failing("--service", "ecs", "--service", "evs")

    assert sentence in output
    assert error == "1 service(s) failed and were left as they were: ecs."
    assert _ecs_state() == ecs_before
    assert Service.objects.filter(prefix="evs").exists()


def test_wrong_credentials_are_a_sentence_and_nothing_is_written(huawei, monkeypatch):
    monkeypatch.setenv("HUAWEICLOUD_SDK_AK", "AKWRONG")
    before = catalog_state()

    output, error = _sync_failing("--service", "ecs")

    assert "Huawei refused the credentials for the schema of ecs (HTTP 401): check " in output
    assert "HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK" in output
    assert catalog_state() == before


def test_a_refused_list_of_services_stops_the_whole_sync_with_a_sentence(huawei):
    huawei.faults[LIST] = Fault(status=500)
    before = catalog_state()

    _, error = _sync_failing("--all")

    assert error.startswith("Huawei's IAM failed to answer for the list of services (HTTP 500)")
    assert catalog_state() == before


def test_missing_credentials_say_which_variables_to_set(huawei, monkeypatch):
    monkeypatch.delenv("HUAWEICLOUD_SDK_AK")
    monkeypatch.delenv("HUAWEICLOUD_SDK_SK")

    _, error = _sync_failing("--service", "ecs")

    assert error.startswith("No Huawei credentials: set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK")
    assert huawei.requests == []


def test_an_unknown_access_level_is_synced_and_said(huawei):
    output = _sync("--service", "ecs")

    assert "'operate' is an access level SCP Studio does not know: kept" in output
    assert Action.objects.get(name="ecs:cloudServers:migrate").access_level == "operate"


def test_an_unknown_service_code_is_a_404_sentence(huawei):
    output, _ = _sync_failing("--service", "nosuch")

    assert "Huawei answered 'not found' for the schema of nosuch (HTTP 404)" in output


@pytest.mark.parametrize("args", [(), ("--service", "ecs/../x")])
def test_the_command_refuses_what_it_cannot_sync_before_calling_huawei(huawei, args):
    with pytest.raises(CommandError):
        call_command("sync_catalog", *args, stdout=StringIO())

    assert huawei.requests == []


# -- removals a saved policy notices ----------------------------------------------------------


def test_a_removed_action_a_saved_policy_names_is_flagged_with_the_policy(huawei):
    _sync("--service", "ecs")
    alice = get_user_model().objects.create_user("alice", password="pw-alice-123")
    create_policy(
        owner=alice,
        name="Guard servers",
        document=json.dumps(
            {
                "Version": "5.0",
                "Statement": [{"Effect": "Deny", "Action": ["ecs:cloudServers:migrate"]}],
            }
        ),
    )
    create_policy(
        owner=alice,
        name="Unrelated",
        document=json.dumps(
            {"Version": "5.0", "Statement": [{"Effect": "Deny", "Action": ["ecs:*"]}]}
        ),
    )
    del huawei.services["ecs"]["actions"][3]

    output = _sync("--service", "ecs", "--dry-run")

    assert "removed action ecs:cloudServers:migrate" in output
    assert (
        "! action ecs:cloudServers:migrate is removed; saved policies naming it: "
        "Guard servers (alice)"
    ) in output
    assert "Unrelated" not in output
    assert Action.objects.filter(name="ecs:cloudServers:migrate").exists()


def test_a_renamed_action_kept_as_an_alias_is_flagged_as_a_rename(huawei):
    _sync("--service", "ecs")
    bob = get_user_model().objects.create_user("bob", password="pw-bob-123")
    create_policy(
        owner=bob,
        name="Keep servers",
        document=json.dumps(
            {
                "Version": "5.0",
                "Statement": [{"Effect": "Deny", "Action": "ecs:cloudServers:delete"}],
            }
        ),
    )
    schema = huawei.services["ecs"]
    schema["actions"][1]["name"] = "ecs:servers:delete"
    schema["actions"][1]["aliases"] = ["ecs:cloudServers:delete"]
    schema["operations"][1]["operation_action"] = "ecs:servers:delete"

    output = _sync("--service", "ecs", "--dry-run")

    assert (
        "! action ecs:cloudServers:delete is renamed to ecs:servers:delete (kept as its alias, "
        "so it still matches); saved policies naming it: Keep servers (bob)"
    ) in output


# -- the admin's "Sync from Huawei" ---------------------------------------------------------


def test_the_admin_shows_the_dry_run_first_and_applies_what_it_showed(staff_client, huawei):
    before = catalog_state()

    review = staff_client.post("/admin/catalog/service/sync/", {"services": "ecs, evs"})

    body = review.content.decode()
    assert review.status_code == 200
    assert "1 of 2: ecs" in body and "2 of 2: evs" in body
    assert "added action ecs:cloudServers:delete" in body
    assert "Apply the changes of 2 services" in body
    assert catalog_state() == before
    drafts = review.context["drafts"]
    huawei.services["evs"]["actions"][0]["access_level"] = "read"  # a later answer

    applied = staff_client.post("/admin/catalog/service/sync/", {"confirm": "1", "draft": drafts})

    assert applied.status_code == 302
    assert Action.objects.get(name="evs:volumes:list").access_level == "list"
    assert Service.objects.filter(prefix="ecs").exists()


def test_the_admin_apply_of_a_review_no_longer_there_says_so(staff_client, huawei):
    response = staff_client.post(
        "/admin/catalog/service/sync/", {"confirm": "1", "draft": ["0" * 64]}
    )

    assert response.status_code == 400
    assert "no longer on the server" in response.content.decode()


def test_the_admin_dry_run_says_why_a_service_failed(staff_client, huawei):
    huawei.faults["ecs"] = Fault(status=403)

    response = staff_client.post("/admin/catalog/service/sync/", {"services": "ecs evs"})

    body = response.content.decode()
    assert "ecs — not synced" in body
    assert "Huawei refused access to the schema of ecs (HTTP 403)" in body
    assert "Apply the changes of 1 service" in body


def test_the_admin_refuses_an_empty_or_wrong_request_before_calling_huawei(staff_client, huawei):
    empty = staff_client.post("/admin/catalog/service/sync/", {"services": ""})
    wrong = staff_client.post("/admin/catalog/service/sync/", {"services": "ecs ../etc"})

    assert "Name the services to sync" in empty.content.decode()
    assert "is not a service code" in wrong.content.decode()
    assert huawei.requests == []


def test_the_service_list_links_to_the_sync(staff_client):
    page = staff_client.get("/admin/catalog/service/")

    assert 'href="/admin/catalog/service/sync/"' in page.content.decode()
