"""`POST /api/v1/catalog/imports/`: the REST face of `import_catalog`. A saved authorization
schema (or a page, or our JSON) is reviewed as a change set, then applied atomically; a
source with errors, or a user who may not change the catalog, writes nothing."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model

from catalog.models import Action, Operation, Service
from catalog.snapshot import catalog_snapshot, current_revision
from scpstudio.policies.services import create_policy
from tests.catalog.fixtures import IMS_PAGE, catalog_state, page_text
from tests.catalog.schema_data import as_text, ecs_schema

pytestmark = pytest.mark.usefixtures("db", "fresh_snapshot")

URL = "/api/v1/catalog/imports/"


def _post(client, body):
    return client.post(URL, json.dumps(body), content_type="application/json")


def test_a_saved_schema_is_reviewed_first_and_nothing_is_written(staff_client):
    before = catalog_state()

    response = _post(staff_client, {"source": as_text(ecs_schema()), "source_name": "ecs.json"})

    answer = response.json()
    assert response.status_code == 200
    assert (answer["dry_run"], answer["applied"]) == (True, False)
    texts = [c["text"] for c in answer["changes"]]
    assert "added action ecs:cloudServers:delete" in texts
    assert "added operation DeleteServers (ecs)" in texts
    assert answer["summary"]["operations"] == 2
    assert catalog_state() == before


def test_the_same_text_with_dry_run_false_is_applied_and_the_next_snapshot_has_it(staff_client):
    revision = current_revision()

    response = _post(staff_client, {"source": as_text(ecs_schema()), "dry_run": False})

    answer = response.json()
    assert response.status_code == 200
    assert answer["applied"] is True
    assert answer["counts"]["added"] == len(answer["changes"])
    assert answer["revision"] == current_revision() > revision
    assert Service.objects.get(prefix="ecs").schema_version == "2.3"
    assert Operation.objects.filter(service__prefix="ecs").count() == 2
    assert catalog_snapshot().action("ecs:servers:list").name == "ecs:cloudServers:list"


def test_a_change_names_its_fields_before_and_after(staff_client):
    _post(staff_client, {"source": as_text(ecs_schema()), "dry_run": False})
    changed = ecs_schema()
    changed["actions"][0]["access_level"] = "read"

    answer = _post(staff_client, {"source": as_text(changed)}).json()

    (change,) = [c for c in answer["changes"] if c["key"] == "ecs:cloudServers:list"]
    assert change["operation"] == "changed"
    assert change["fields_changed"]["access_level"] == {"before": "list", "after": "read"}


def test_an_unknown_access_level_is_kept_and_said_in_the_anomalies(staff_client):
    answer = _post(staff_client, {"source": as_text(ecs_schema()), "dry_run": False}).json()

    warnings = [a["message"] for a in answer["anomalies"] if a["severity"] == "warning"]
    assert any("'operate' is an access level SCP Studio does not know: kept" in w for w in warnings)
    assert Action.objects.get(name="ecs:cloudServers:migrate").access_level == "operate"


def test_huaweis_page_goes_through_the_same_import(staff_client):
    answer = _post(staff_client, {"source": page_text(IMS_PAGE), "source_name": "ims.txt"}).json()

    assert answer["summary"]["actions"] == 26
    assert answer["changes"] == []  # the shipped IMS is this page


def test_a_removal_a_saved_policy_names_is_flagged_with_the_policy(staff_client):
    _post(staff_client, {"source": as_text(ecs_schema()), "dry_run": False})
    alice = get_user_model().objects.create_user("alice", password="pw-alice-123")
    doc = {
        "Version": "5.0",
        "Statement": [{"Effect": "Deny", "Action": "ecs:cloudServers:migrate"}],
    }
    create_policy(owner=alice, name="Guard servers", document=json.dumps(doc))
    schema = ecs_schema()
    schema["actions"] = [a for a in schema["actions"] if a["name"] != "ecs:cloudServers:migrate"]

    answer = _post(staff_client, {"source": as_text(schema)}).json()

    (flag,) = answer["flags"]
    assert (flag["kind"], flag["key"], flag["policies"]) == (
        "action",
        "ecs:cloudServers:migrate",
        ["Guard servers (alice)"],
    )
    assert Action.objects.filter(name="ecs:cloudServers:migrate").exists()


def test_a_schema_the_engine_cannot_read_is_refused_and_nothing_is_written(staff_client):
    schema = ecs_schema()
    schema["resources"] = [{"type_name": "instance", "urn_template": "ecs:<region>:instance"}]
    before = catalog_state()

    response = _post(staff_client, {"source": as_text(schema), "dry_run": False})

    assert response.status_code == 400
    assert response.json()["field"] == "source"
    assert response.json()["error"].startswith("Nothing was imported: ")
    assert "the URN template 'ecs:<region>:instance' cannot be read" in response.json()["error"]
    assert catalog_state() == before


@pytest.mark.parametrize(
    ("body", "field", "sentence"),
    [
        (None, None, "The body is empty: send a JSON object with source."),
        ({}, "source", "This field is required."),
        ({"source": ""}, "source", "source may not be empty."),
        ({"source": 5}, "source", "source must be text, not a number."),
        ({"source": "x", "dry_run": "no"}, "dry_run", "dry_run must be true or false."),
        ({"source": "x", "apply": True}, "apply", "Unknown field; the body takes only: "),
    ],
)
def test_a_wrong_body_is_refused_naming_the_field(staff_client, body, field, sentence):
    before = catalog_state()

    response = staff_client.generic("POST", URL) if body is None else _post(staff_client, body)

    assert response.status_code == 400
    assert response.json()["field"] == field
    assert response.json()["error"].startswith(sentence)
    assert catalog_state() == before


def test_only_a_catalog_maintainer_may_import(client):
    bob = get_user_model().objects.create_user("bob", password="pw-bob-123")
    before = catalog_state()

    anonymous = _post(client, {"source": as_text(ecs_schema()), "dry_run": False})
    client.force_login(bob)
    signed_in = _post(client, {"source": as_text(ecs_schema()), "dry_run": False})

    assert anonymous.status_code in (401, 403)
    assert signed_in.status_code == 403
    assert "permission to change" in signed_in.json()["error"]
    assert catalog_state() == before
