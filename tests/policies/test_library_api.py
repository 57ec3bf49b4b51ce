"""The policy library's REST API: create, list, read, save with a lock, delete."""

from __future__ import annotations

import json

import pytest

from scpstudio.policies.models import Policy, PolicyVersion
from tests.policies.api_helpers import client_for, create, error, send, url
from tests.policies.library import GET_DENIED, SHARE_DENIED

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(alice):
    return client_for(alice)


def test_creating_answers_201_with_version_1_and_the_text_as_sent(api):
    text = (
        '{"Version":"5.0",\n\t"Statement":[{"Effect":"Deny",'
        '"Action":"ims:images:share","Resource":"*"}]}'
    )

    response = send(
        api,
        "POST",
        url("policies"),
        {
            "name": "No sharing",
            "description": "d",
            "profile": "scp",
            "document": text,
            "message": "m",
        },
    )

    assert response.status_code == 201
    body = response.json()
    assert {"id", "name", "description", "profile", "document", "version", "owner",
            "updated_at", "worst_severity", "size"} <= set(body)  # fmt: skip
    assert (body["version"], body["owner"], body["document"]) == (1, "alice", text)
    assert body["worst_severity"] == ""
    assert body["size"] == {
        "characters": len(text),
        "minified_characters": len(text) - 2,
        "limit": 5120,
    }
    assert PolicyVersion.objects.get().message == "m"


def test_the_document_reopens_byte_for_byte(api):
    text = '{ "Version" : "5.0" ,\r\n "Statement" : [ ] , "x": "é\u2028\\ud800" }\n\n'

    created = create(api, document=text)
    again = send(api, "GET", url("policy", created["id"]))
    version = send(api, "GET", url("policy-version", created["id"], 1))
    exported = send(api, "GET", url("policy-export", created["id"]) + "?format=json")

    assert again.json()["document"] == text
    assert version.json()["document"] == text
    assert exported.content.decode("utf-8") == text


def test_a_draft_with_errors_is_saved_and_says_so(api):
    body = create(api, document='{"Version": "5.0", "Statement": [')

    assert body["worst_severity"] == "error"


def test_the_list_has_count_and_results_with_filters(api):
    create(api, name="Sharing", description="no sharing outside", document=SHARE_DENIED)
    create(api, name="Broken", document="{")
    create(api, name="Identity", profile="identity", document=SHARE_DENIED)

    every = send(api, "GET", url("policies")).json()
    found = send(api, "GET", url("policies") + "?q=OUTSIDE").json()
    errors = send(api, "GET", url("policies") + "?severity=error").json()
    identity = send(api, "GET", url("policies") + "?profile=identity").json()

    assert every["count"] == 3 and len(every["results"]) == 3
    assert "document" not in every["results"][0]
    assert [p["name"] for p in every["results"]] == ["Identity", "Broken", "Sharing"]
    assert [p["name"] for p in found["results"]] == ["Sharing"]
    assert [p["name"] for p in errors["results"]] == ["Broken"]
    assert [p["name"] for p in identity["results"]] == ["Identity"]


@pytest.mark.parametrize(
    "query, field",
    [("severity=bad", "severity"), ("profile=aws", "profile"), ("order=x", "order"),
     ("q=" + "x" * 201, "q"), ("limit=0", "limit"), ("offset=-1", "offset")],
)  # fmt: skip
def test_a_bad_filter_is_400_naming_it(api, query, field):
    body = error(send(api, "GET", url("policies") + "?" + query), 400)

    assert body["field"] == field


def test_saving_on_the_latest_version_answers_the_new_version(api):
    created = create(api, document=SHARE_DENIED)

    response = send(
        api,
        "PUT",
        url("policy", created["id"]),
        {"document": GET_DENIED, "base_version": 1, "message": "deny get"},
    )

    assert response.status_code == 200
    assert response.json()["version"] == 2
    assert response.json()["document"] == GET_DENIED


def test_two_clients_saving_on_the_same_version_the_second_gets_409_and_nothing_changes(alice, bob):
    first, second = client_for(alice), client_for(bob)
    created = create(first, document=SHARE_DENIED)
    Policy.objects.get().shares.create(user=bob, can_edit=True)
    path = url("policy", created["id"])
    assert send(second, "GET", path).json()["version"] == 1  # both opened version 1

    ok = send(first, "PUT", path, {"document": GET_DENIED, "base_version": 1})
    late = send(second, "PATCH", path, {"document": "{}", "base_version": 1, "name": "Mine"})

    assert ok.status_code == 200
    assert late.status_code == 409
    body = late.json()
    assert set(body) == {"error", "base_version", "current_version"}
    assert (body["base_version"], body["current_version"]) == (1, 2)
    assert body["error"].endswith(".")
    latest = send(first, "GET", path).json()
    assert (latest["version"], latest["name"], latest["document"]) == (2, "Guardrails", GET_DENIED)
    assert PolicyVersion.objects.count() == 2


def test_patch_without_a_document_renames_without_a_new_version(api):
    created = create(api)

    response = send(api, "PATCH", url("policy", created["id"]), {"name": "Renamed"})

    assert response.status_code == 200
    assert (response.json()["name"], response.json()["version"]) == ("Renamed", 1)


def test_patch_without_a_document_on_a_stale_base_is_409(api):
    created = create(api)
    send(api, "PUT", url("policy", created["id"]), {"document": "{}", "base_version": 1})

    response = send(api, "PATCH", url("policy", created["id"]), {"name": "X", "base_version": 1})

    assert response.status_code == 409
    assert Policy.objects.get().name == "Guardrails"


def test_delete_answers_204_and_the_policy_is_gone(api):
    created = create(api)

    response = send(api, "DELETE", url("policy", created["id"]))

    assert response.status_code == 204
    assert send(api, "GET", url("policy", created["id"])).status_code == 404
    assert not PolicyVersion.objects.exists()


def test_duplicate_makes_a_copy_of_the_latest_text(api):
    created = create(api, document=SHARE_DENIED)

    response = send(api, "POST", url("policy-duplicate", created["id"]))

    assert response.status_code == 201
    assert (response.json()["name"], response.json()["document"]) == (
        "Copy of Guardrails",
        SHARE_DENIED,
    )


def test_the_same_name_twice_is_400_with_a_sentence(api):
    create(api, name="Twice")

    body = error(send(api, "POST", url("policies"), {"name": "Twice", "document": "{}"}), 400)

    assert body == {
        "error": 'You already have a policy named "Twice"; choose another name.',
        "field": "name",
    }


def test_anonymous_is_refused_with_a_sentence_on_every_library_endpoint(alice):
    policy_id = create(client_for(alice))["id"]
    anonymous = client_for()

    for method, path in [
        ("GET", url("policies")),
        ("POST", url("policies")),
        ("GET", url("policy", policy_id)),
        ("PUT", url("policy", policy_id)),
        ("DELETE", url("policy", policy_id)),
        ("GET", url("policy-versions", policy_id)),
        ("GET", url("policy-diff", policy_id) + "?from=1"),
        ("GET", url("policy-export", policy_id)),
    ]:
        response = send(anonymous, method, path, {"name": "x", "document": "{}"})
        body = error(response, 401)
        assert body["error"].startswith("Sign in"), (method, path)
        assert response["WWW-Authenticate"] == "Token", (method, path)

    assert Policy.objects.count() == 1


def test_a_session_client_must_send_the_csrf_token_to_write(alice):
    from rest_framework.test import APIClient

    strict = APIClient(enforce_csrf_checks=True)
    strict.force_login(alice)

    response = send(strict, "POST", url("policies"), {"name": "x", "document": "{}"})

    assert response.status_code == 403
    assert "CSRF" in response.json()["error"]
    assert not Policy.objects.exists()


def test_http_basic_works_for_scripts(alice):
    from rest_framework.test import APIClient

    script = APIClient()
    script.credentials(HTTP_AUTHORIZATION="Basic " + _basic("alice", "pw-alice-123"))

    response = send(script, "POST", url("policies"), {"name": "From CI", "document": "{}"})

    assert response.status_code == 201


def _basic(user: str, password: str) -> str:
    import base64

    return base64.b64encode(f"{user}:{password}".encode()).decode()


def test_the_new_endpoints_are_in_the_openapi_schema(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")

    paths = json.loads(schema.content)["paths"]
    for path in [
        "/api/v1/policies/",
        "/api/v1/policies/{policy_id}/",
        "/api/v1/policies/{policy_id}/versions/",
        "/api/v1/policies/{policy_id}/versions/{number}/",
        "/api/v1/policies/{policy_id}/versions/{number}/restore",
        "/api/v1/policies/{policy_id}/diff",
        "/api/v1/policies/{policy_id}/export",
        "/api/v1/templates/",
        "/api/v1/templates/{slug}/",
    ]:
        assert path in paths, path
    assert "409" in paths["/api/v1/policies/{policy_id}/"]["put"]["responses"]


def test_a_profile_change_is_a_new_version_and_the_list_agrees_with_the_version_table(api):
    allow = '{"Version": "5.0", "Statement": [{"Effect": "Allow", "Action": "ims:images:get"}]}'
    created = create(api, document=allow)
    assert created["worst_severity"] == "error"  # an SCP may only deny

    changed = send(api, "PATCH", url("policy", created["id"]), {"profile": "identity"})

    assert changed.status_code == 200
    assert (changed.json()["version"], changed.json()["profile"]) == (2, "identity")
    [listed] = send(api, "GET", url("policies")).json()["results"]
    newest = send(api, "GET", url("policy-versions", created["id"])).json()["results"][0]
    assert (newest["number"], newest["profile"], newest["message"]) == (
        2,
        "identity",
        "Profile changed to IAM identity policy",
    )
    assert listed["worst_severity"] == newest["worst_severity"] != "error"
    assert listed["size"] == newest["size"]
    assert send(api, "GET", url("policy-version", created["id"], 2)).json()["document"] == allow


def test_patch_with_a_document_but_no_base_version_is_400_naming_it(api):
    created = create(api)

    answer = error(send(api, "PATCH", url("policy", created["id"]), {"document": "{}"}), 400)

    assert answer["field"] == "base_version"
    assert PolicyVersion.objects.count() == 1


def test_a_message_without_a_new_version_is_refused_not_dropped(api):
    created = create(api)

    answer = error(
        send(api, "PATCH", url("policy", created["id"]), {"name": "New", "message": "why"}), 400
    )

    assert answer["field"] == "message"
    assert Policy.objects.get().name == "Guardrails"
