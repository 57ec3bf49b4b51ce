"""History, restore, compare and export through the API; the templates."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from scpstudio.policies.models import PolicyVersion
from tests.policies.api_helpers import client_for, create, error, send, url
from tests.policies.library import (
    GET_DENIED,
    SHARE_API,
    SHARE_DENIED,
    SHARE_GUARD,
    SHARE_GUARD_WITH_DEV,
    deny,
    policy_text,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(alice):
    return client_for(alice)


@pytest.fixture
def two_versions(api):
    created = create(api, name="Deny 2026", description="Keep ${x}", document=SHARE_DENIED)
    answer = send(
        api, "PUT", url("policy", created["id"]), {"document": GET_DENIED, "base_version": 1}
    )
    assert answer.status_code == 200
    return created["id"]


def test_versions_list_newest_first_with_count(api, two_versions):
    body = send(api, "GET", url("policy-versions", two_versions)).json()

    assert body["count"] == 2
    first = body["results"][0]
    assert {"number", "author", "created_at", "message", "worst_severity", "size"} <= set(first)
    assert "document" not in first
    assert [v["number"] for v in body["results"]] == [2, 1]
    assert first["author"] == "alice"


def test_one_version_adds_its_document(api, two_versions):
    body = send(api, "GET", url("policy-version", two_versions, 1)).json()

    assert (body["number"], body["document"]) == (1, SHARE_DENIED)


@pytest.mark.parametrize("number", ["3", "0", "x", "9" * 30])
def test_a_version_that_does_not_exist_is_404_with_a_sentence(api, two_versions, number):
    error(send(api, "GET", url("policy-version", two_versions, number)), 404)


def test_restore_creates_a_new_version_with_the_old_text(api, two_versions):
    response = send(api, "POST", url("policy-version-restore", two_versions, 1))

    assert response.status_code == 201
    assert (response.json()["version"], response.json()["document"]) == (3, SHARE_DENIED)
    assert response.json()["restored_from"] == 1
    assert PolicyVersion.objects.get(number=3).message == "Restored version 1"


def test_restore_on_a_stale_base_is_409(api, two_versions):
    response = send(
        api, "POST", url("policy-version-restore", two_versions, 1), {"base_version": 1}
    )

    assert response.status_code == 409
    assert response.json()["current_version"] == 2


def test_diff_lists_only_the_apis_whose_outcome_changes_and_why(api, two_versions):
    response = send(api, "GET", url("policy-diff", two_versions) + "?from=1&to=2")

    body = response.json()
    assert {"from", "to", "text_diff", "apis"} <= set(body)
    assert (body["from"], body["to"]) == (1, 2)
    apis = {f"{a['method']} {a['path']}": a for a in body["apis"]}
    get = apis["GET /v2/images/{image_id}"]
    assert list(get) == ["method", "path", "before", "after", "change", "witness", "decided_by"]
    assert (get["before"], get["after"], get["change"]) == ("allowed", "denied", "newly_denied")
    assert get["witness"] == {"region": None, "account_id": None, "resource_ids": {}, "keys": {}}
    assert (get["decided_by"]["action"], get["decided_by"]["statement"]) == ("ims:images:get", 0)
    assert "POST /v2/images/{image_id}/members" not in apis  # denied before and after
    assert '+        "ims:images:get"' in body["text_diff"]


@pytest.fixture
def widened(api):
    """Issue 17's example: version 2 lets images be shared into ou-dev too."""
    created = create(api, document=SHARE_GUARD)
    body = {"document": SHARE_GUARD_WITH_DEV, "base_version": 1}
    assert send(api, "PUT", url("policy", created["id"]), body).status_code == 200
    return created["id"]


def test_diff_names_the_newly_allowed_share_and_a_witness_request(api, widened):
    body = send(api, "GET", url("policy-diff", widened) + "?from=1&to=2").json()

    (share,) = body["apis"]
    assert f"{share['method']} {share['path']}" == SHARE_API
    assert (share["before"], share["after"]) == ("conditional", "conditional")
    assert share["change"] == "newly_allowed"
    (org_path,) = share["witness"]["keys"]["ims:TargetOrgPaths"]
    assert org_path.startswith("o-abc123/r-xyz/ou-dev/")
    assert share["decided_by"]["sid"] == "ShareInsideOrg"


def test_the_witness_is_a_context_the_preview_api_reads_and_it_differs(api, widened):
    diff = send(api, "GET", url("policy-diff", widened) + "?from=1&to=2").json()
    witness = diff["apis"][0]["witness"]

    outcomes = [
        _share_outcome(
            send(api, "POST", reverse("checks-api:preview"), {"document": doc, "context": witness})
        )
        for doc in (SHARE_GUARD, SHARE_GUARD_WITH_DEV)
    ]

    assert outcomes == ["denied", "allowed"]


def _share_outcome(answer) -> str:
    assert answer.status_code == 200, answer.content
    rows = answer.json()["apis"]
    return next(r["outcome"] for r in rows if f"{r['method']} {r['path']}" == SHARE_API)


def test_diff_under_a_context_outside_the_new_ou_lists_nothing(api, widened):
    outside = {"keys": {"ims:TargetOrgPaths": ["o-abc123/r-xyz/ou-test/acc1"]}}

    body = send(api, "POST", url("policy-diff", widened), {"from": 1, "to": 2, "context": outside})

    assert body.json()["apis"] == []


def test_diff_to_defaults_to_the_latest_version(api, two_versions):
    body = send(api, "GET", url("policy-diff", two_versions) + "?from=1").json()

    assert body["to"] == 2


def test_diff_of_a_draft_under_a_context(api, two_versions):
    draft = policy_text(
        deny("ims:images:copyInRegion", Condition={"Bool": {"ims:Encrypted": ["false"]}})
    )

    plain = send(api, "POST", url("policy-diff", two_versions), {"from": 2, "draft": draft})
    known = send(
        api,
        "POST",
        url("policy-diff", two_versions),
        {"from": 2, "draft": draft, "context": {"keys": {"ims:Encrypted": ["false"]}}},
    )

    copy = "POST /v1/cloudimages/{image_id}/copy"
    assert plain.json()["to"] == "draft"
    assert {f"{a['method']} {a['path']}": a["after"] for a in plain.json()["apis"]}[copy] == (
        "conditional"
    )
    assert {f"{a['method']} {a['path']}": a["after"] for a in known.json()["apis"]}[copy] == (
        "denied"
    )


@pytest.mark.parametrize(
    "method, query, body, field",
    [
        ("GET", "", None, "from"),
        ("GET", "?from=x", None, "from"),
        ("GET", "?from=1&to=9", None, "to"),
        ("POST", "", {"draft": "{}"}, "from"),
        ("POST", "", {"from": "1", "draft": "{}"}, "from"),
        ("POST", "", {"from": 1, "draft": 5}, "draft"),
        ("POST", "", {"from": 1, "draft": "x" * 100_001}, "draft"),
        ("POST", "", {"from": 1, "to": 2, "draft": "{}"}, "to"),
        ("POST", "", {"from": 1, "context": {"keys": "x"}}, "context"),
        ("POST", "", {"from": 1, "full_access": "yes"}, "full_access"),
        ("POST", "", {"from": 1, "colour": 1}, "colour"),
    ],
)
def test_a_diff_that_cannot_be_made_is_400_naming_the_field(
    api, two_versions, method, query, body, field
):
    response = send(api, method, url("policy-diff", two_versions) + query, body)

    assert error(response, 400)["field"] == field


def test_export_json_is_the_saved_text_and_minified_and_terraform_come_from_the_engine(
    api, two_versions
):
    base = url("policy-export", two_versions)

    as_saved = send(api, "GET", base)
    minified = send(api, "GET", base + "?format=minified&version=1")
    terraform = send(api, "GET", base + "?format=terraform")

    assert as_saved.content.decode() == GET_DENIED
    assert as_saved["Content-Disposition"] == 'attachment; filename="deny_2026.json"'
    assert minified.content.decode() == json.dumps(json.loads(SHARE_DENIED), separators=(",", ":"))
    tf = terraform.content.decode()
    assert terraform["Content-Type"] == "text/plain; charset=utf-8"
    assert tf.startswith('resource "huaweicloud_organizations_policy" "deny_2026" {\n')
    assert 'description = "Keep $${x}"' in tf
    content = re.search(r"jsonencode\((.*)\)\n\}\n$", tf, re.S)
    assert content and json.loads(content[1]) == json.loads(GET_DENIED)


def test_export_of_text_that_is_not_json_is_only_as_saved(api):
    created = create(api, document='{"Version": ')

    refused = send(api, "GET", url("policy-export", created["id"]) + "?format=terraform")
    as_saved = send(api, "GET", url("policy-export", created["id"]))

    assert error(refused, 400)["field"] == "format"
    assert as_saved.content.decode() == '{"Version": '


@pytest.mark.parametrize(
    "query, status, field",
    [("?format=yaml", 400, "format"), ("?format=", 400, "format"), ("?version=7", 404, None),
     ("?version=x", 400, "version"), ("?version=-1", 400, "version")],
)  # fmt: skip
def test_a_bad_export_query_is_a_sentence(api, two_versions, query, status, field):
    response = send(api, "GET", url("policy-export", two_versions) + query)

    assert error(response, status)["field"] == field


def test_templates_are_listed_and_found_by_slug_without_an_account(client):
    listed = client.get(url("templates")).json()
    one = client.get(url("template", "deny-cross-region-copies"))
    missing = client.get(url("template", "nope"))

    assert listed["count"] == 7 == len(listed["results"])
    assert {"slug", "title", "explanation", "profile", "document"} <= set(listed["results"][0])
    assert one.status_code == 200
    assert "ims:images:copyCrossRegion" in one.json()["document"]
    assert error(missing, 404)["error"] == "There is no template with that slug."


def test_a_template_saved_as_a_policy_keeps_its_text(api, client):
    template = client.get(url("template", "require-owner-tag")).json()

    created = create(api, name="Owner tag", document=template["document"], profile="scp")

    assert created["document"] == template["document"]
    assert created["worst_severity"] in {"", "suggestion"}


def test_a_bodiless_restore_as_curl_sends_it_restores(live_server, transactional_db, alice):
    import http.client
    from base64 import b64encode
    from urllib.parse import urlsplit

    created = create(client_for(alice), document=SHARE_DENIED)
    send(client_for(alice), "PUT", url("policy", created["id"]), {"document": GET_DENIED,
                                                                   "base_version": 1})  # fmt: skip
    server = urlsplit(live_server.url)
    connection = http.client.HTTPConnection(server.hostname, server.port, timeout=10)
    login = b64encode(b"alice:pw-alice-123").decode()

    # `curl -X POST -u alice:... URL`: no body, no Content-Type, no Content-Length
    connection.putrequest("POST", url("policy-version-restore", created["id"], 1))
    connection.putheader("Authorization", f"Basic {login}")
    connection.endheaders()
    answer = connection.getresponse()

    assert answer.status == 201, answer.read()
    assert PolicyVersion.objects.get(policy_id=created["id"], number=3).document == SHARE_DENIED
