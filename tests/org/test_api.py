"""The organization's REST API (issue 19, item 8): the names and shapes scripts use, the
error shape, and who may read and change."""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from scpstudio.org.models import Node
from scpstudio.org.selectors import org_root
from tests.org.helpers import DELETE_API, SHARE_API, SHARE_DENIED, guardrail, ou
from tests.policies.library import make_user

pytestmark = pytest.mark.django_db
BASE = "/api/v1/org/"


@pytest.fixture
def api(small_org) -> APIClient:
    client = APIClient()
    client.force_authenticate(small_org["user"])
    return client


def send(client, method, path, body=None):
    data = json.dumps(body) if body is not None else None
    return getattr(client, method.lower())(BASE + path, data, content_type="application/json")


def test_nodes_list_in_the_issues_shape(api, small_org):
    answer = send(api, "GET", "nodes/").json()

    assert answer["count"] == 6
    root = next(n for n in answer["results"] if n["type"] == "root")
    assert set(root) >= {"id", "type", "name", "parent", "huawei_id", "management"}
    assert root["parent"] is None
    prod = next(n for n in answer["results"] if n["name"] == "Prod")
    assert (prod["type"], prod["parent"], prod["huawei_id"]) == (
        "ou",
        root["id"],
        "ou-ab12-cd34ef56",
    )


def test_create_rename_move_mark_and_delete(api, small_org):
    created = send(api, "POST", "nodes/", {"type": "ou", "name": "Ops", "parent": org_root().pk})
    ops = created.json()["id"]
    renamed = send(api, "PATCH", f"nodes/{ops}/", {"name": "Operations"})
    moved = send(api, "PATCH", f"nodes/{ops}/", {"parent": small_org["dev"].pk})
    marked = send(api, "PATCH", f"nodes/{small_org['lab'].pk}/", {"management": True})
    deleted = send(api, "DELETE", f"nodes/{ops}/")

    assert created.status_code == 201 and created.json()["type"] == "ou"
    assert renamed.json()["name"] == "Operations"
    assert moved.json()["parent"] == small_org["dev"].pk
    assert marked.json()["management"] is True
    assert deleted.status_code == 204 and not Node.objects.filter(pk=ops).exists()


def test_the_root_can_be_renamed(api):
    response = send(api, "PATCH", f"nodes/{org_root().pk}/", {"name": "Acme"})

    assert (response.status_code, response.json()["name"]) == (200, "Acme")


def test_a_move_under_its_own_descendant_answers_400_naming_parent(api, small_org):
    child = ou(small_org["user"], "Child", small_org["prod"])

    response = send(api, "PATCH", f"nodes/{small_org['prod'].pk}/", {"parent": child.pk})

    assert response.status_code == 400
    assert response.json()["field"] == "parent"
    assert "own descendants" in response.json()["error"]


def test_deleting_an_ou_that_holds_something_answers_400_with_a_sentence(api, small_org):
    response = send(api, "DELETE", f"nodes/{small_org['prod'].pk}/")

    assert response.status_code == 400
    assert response.json() == {
        "error": "OU Prod (ou-ab12-cd34ef56) still holds 2 accounts (db, web): move or delete "
        "them first; only an empty OU can be deleted.",
        "field": None,
    }


def test_attachments_in_the_issues_shape(api, small_org):
    answer = send(api, "GET", f"nodes/{small_org['prod'].pk}/attachments/").json()

    by_name = {a["name"]: a for a in answer["results"]}
    assert by_name["FullAccess"]["builtin"] is True
    assert by_name["FullAccess"]["version"] is None
    assert by_name["No delete"] == {
        "id": by_name["No delete"]["id"],
        "policy": small_org["guard"].pk,
        "name": "No delete",
        "version": None,
        "current_version": 1,
        "builtin": False,
    }


def test_attach_pinned_then_a_sixth_and_the_last_detachment_are_refused(api, small_org):
    user, dev = small_org["user"], small_org["dev"]
    first = send(
        api, "POST", f"nodes/{dev.pk}/attachments/", {"policy": small_org["guard"].pk, "version": 1}
    )
    for n in range(3):
        send(api, "POST", f"nodes/{dev.pk}/attachments/", {"policy": guardrail(user, f"G{n}").pk})
    sixth = send(api, "POST", f"nodes/{dev.pk}/attachments/", {"policy": guardrail(user, "6").pk})
    lone = ou(user, "Lone")
    last = send(api, "DELETE", f"nodes/{lone.pk}/attachments/{lone.attachments.get().pk}")

    assert first.status_code == 201 and first.json()["version"] == 1
    assert sixth.status_code == 400 and "at most 5 per node" in sixth.json()["error"]
    assert last.status_code == 400 and "at least one" in last.json()["error"]


def test_detach_answers_204(api, small_org):
    prod = small_org["prod"]
    row = prod.attachments.get(policy=small_org["guard"])

    response = send(api, "DELETE", f"nodes/{prod.pk}/attachments/{row.pk}")

    assert response.status_code == 204 and not prod.attachments.filter(pk=row.pk).exists()


def test_attach_full_access_by_name(api, small_org):
    dev = small_org["dev"]
    send(api, "POST", f"nodes/{dev.pk}/attachments/", {"policy": small_org["guard"].pk})
    send(
        api, "DELETE", f"nodes/{dev.pk}/attachments/{dev.attachments.get(builtin='FullAccess').pk}"
    )

    again = send(api, "POST", f"nodes/{dev.pk}/attachments/", {"policy": "FullAccess"})

    assert again.status_code == 201 and again.json()["builtin"] is True


def test_a_policy_not_shared_with_you_cannot_be_attached(api, small_org):
    other = guardrail(make_user("stranger"), "Private")

    response = send(api, "POST", f"nodes/{small_org['dev'].pk}/attachments/", {"policy": other.pk})

    assert response.status_code == 400 and response.json()["field"] == "policy"


def test_preview_in_the_issues_shape(api, small_org):
    answer = send(api, "GET", f"nodes/{small_org['web'].pk}/preview").json()

    row = next(a for a in answer["apis"] if f"{a['method']} {a['path']}" == DELETE_API)
    assert answer["node"]["name"] == "web" and answer["note"] is None
    assert row["outcome"] == "denied"
    assert row["decided_by"]["level"]["id"] == small_org["prod"].pk
    assert row["decided_by"]["level"]["name"] == "Prod"
    assert (row["decided_by"]["policy"], row["decided_by"]["sid"]) == ("No delete", "NoDelete")


def test_preview_with_a_context(api, small_org):
    response = send(
        api, "POST", f"nodes/{small_org['web'].pk}/preview", {"context": {"region": "cn-north-4"}}
    )
    refused = send(api, "POST", f"nodes/{small_org['web'].pk}/preview", {"context": {"x": 1}})

    assert response.status_code == 200
    assert refused.status_code == 400 and refused.json()["field"] == "context"


def test_the_management_accounts_preview_has_a_note(api, small_org):
    web = small_org["web"]
    send(api, "PATCH", f"nodes/{web.pk}/", {"management": True})

    answer = send(api, "GET", f"nodes/{web.pk}/preview").json()

    assert {a["outcome"] for a in answer["apis"]} == {"allowed"}
    assert "management account" in answer["note"]


def test_what_if_in_the_issues_shape(api, small_org):
    response = send(
        api,
        "POST",
        "what-if",
        {"node": small_org["dev"].pk, "action": "attach", "draft": SHARE_DENIED},
    )

    [lab] = response.json()["accounts"]
    [change] = lab["apis"]
    assert (lab["id"], lab["name"]) == (small_org["lab"].pk, "lab")
    assert f"{change['method']} {change['path']}" == SHARE_API
    assert (change["before"], change["after"], change["change"]) == (
        "allowed",
        "denied",
        "newly_denied",
    )
    assert change["decided_by"]["level"]["name"] == "Dev"


def test_what_if_detach_and_move(api, small_org):
    prod = small_org["prod"]
    detach = send(
        api,
        "POST",
        "what-if",
        {"node": prod.pk, "action": "detach", "policy": small_org["guard"].pk},
    )
    move = send(
        api,
        "POST",
        "what-if",
        {"node": small_org["lab"].pk, "action": "move", "parent": prod.pk},
    )

    assert {a["name"] for a in detach.json()["accounts"]} == {"web", "db"}
    assert [a["name"] for a in move.json()["accounts"]] == ["lab"]


def test_what_if_refusals_name_their_field(api, small_org):
    no_node = send(api, "POST", "what-if", {"node": 999999, "action": "attach", "draft": "{}"})
    bad_action = send(api, "POST", "what-if", {"node": small_org["root"].pk, "action": "explode"})

    assert (no_node.status_code, no_node.json()["field"]) == (400, "node")
    assert (bad_action.status_code, bad_action.json()["field"]) == (400, "action")


def test_a_draft_that_is_not_json_is_said_once_with_where(api, small_org):
    body = {"node": small_org["root"].pk, "action": "attach", "draft": "{not json"}

    answer = send(api, "POST", "what-if", body)

    assert (answer.status_code, answer.json()["field"]) == (400, "draft")
    error = answer.json()["error"]
    assert error.startswith("The draft cannot be read. The policy is not valid JSON:")
    assert "line 1, column 2" in error
    assert error.count("not valid JSON") == 1


def test_reading_needs_an_account_and_anonymous_answers_403(small_org):
    anonymous = APIClient()

    for method, path in [("GET", "nodes/"), ("POST", "what-if"), ("GET", "nodes/1/preview")]:
        response = send(anonymous, method, path, {} if method == "POST" else None)
        assert response.status_code == 403, path
        assert "Sign in" in response.json()["error"]


def test_a_wrong_password_still_answers_401(small_org):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Basic bm9ib2R5Om5vcGU=")

    assert send(client, "GET", "nodes/").status_code == 401


def test_a_reader_reads_and_asks_but_does_not_change(small_org):
    client = APIClient()
    client.force_authenticate(make_user("viewer"))

    listed = send(client, "GET", "nodes/")
    asked = send(
        client,
        "POST",
        "what-if",
        {"node": small_org["dev"].pk, "action": "attach", "draft": SHARE_DENIED},
    )
    refused = send(client, "POST", "nodes/", {"type": "ou", "name": "X", "parent": org_root().pk})

    assert (listed.status_code, asked.status_code) == (200, 200)
    assert refused.status_code == 403 and "Can change the organization" in refused.json()["error"]


def test_the_org_endpoints_are_in_the_openapi_schema(client):
    paths = json.loads(client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").content)[
        "paths"
    ]

    for path in [
        "/api/v1/org/nodes/",
        "/api/v1/org/nodes/{node_id}/",
        "/api/v1/org/nodes/{node_id}/attachments/",
        "/api/v1/org/nodes/{node_id}/attachments/{attachment_id}",
        "/api/v1/org/nodes/{node_id}/preview",
        "/api/v1/org/what-if",
    ]:
        assert path in paths, path
