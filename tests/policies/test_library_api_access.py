"""Who may do what through the API: another user's private policy does not exist for
them on any endpoint; a read-only share reads and never writes."""

from __future__ import annotations

import pytest

from scpstudio.policies import services
from scpstudio.policies.models import Policy, PolicyShare, PolicyVersion
from tests.policies.api_helpers import client_for, create, error, send, url
from tests.policies.library import GET_DENIED, SHARE_DENIED

pytestmark = pytest.mark.django_db


def _every_endpoint(policy_id: int) -> list[tuple[str, str, object]]:
    return [
        ("GET", url("policy", policy_id), None),
        ("PUT", url("policy", policy_id), {"document": "{}", "base_version": 1}),
        ("PATCH", url("policy", policy_id), {"name": "Taken"}),
        ("DELETE", url("policy", policy_id), None),
        ("GET", url("policy-versions", policy_id), None),
        ("GET", url("policy-version", policy_id, 1), None),
        ("POST", url("policy-version-restore", policy_id, 1), None),
        ("GET", url("policy-diff", policy_id) + "?from=1&to=2", None),
        ("POST", url("policy-diff", policy_id), {"from": 1, "draft": "{}"}),
        ("GET", url("policy-export", policy_id) + "?format=terraform", None),
        ("POST", url("policy-duplicate", policy_id), None),
        ("GET", url("policy-shares", policy_id), None),
        ("POST", url("policy-shares", policy_id), {"user": "bob", "can_edit": True}),
        ("DELETE", url("policy-share", policy_id, "alice"), None),
    ]


@pytest.fixture
def private(alice):
    owner = client_for(alice)
    created = create(owner, document=SHARE_DENIED)
    send(owner, "PUT", url("policy", created["id"]), {"document": GET_DENIED, "base_version": 1})
    return created["id"]


def test_another_users_private_policy_is_404_on_every_endpoint(private, bob):
    intruder = client_for(bob)

    for method, path, body in _every_endpoint(private):
        answer = error(send(intruder, method, path, body), 404)
        assert answer["error"] == "There is no such policy, or it is not shared with you.", path

    policy = Policy.objects.get()
    assert (policy.name, policy.latest_version, PolicyVersion.objects.count()) == (
        "Guardrails",
        2,
        2,
    )
    assert not PolicyShare.objects.exists()


def test_a_policy_id_that_does_not_exist_answers_the_same_404(private, bob):
    intruder = client_for(bob)

    missing = error(send(intruder, "GET", url("policy", private + 1000)), 404)
    hidden = error(send(intruder, "GET", url("policy", private)), 404)

    assert missing == hidden


def test_lists_and_counts_never_include_another_users_private_policy(private, bob):
    create(client_for(bob), name="Bobs")

    listed = send(client_for(bob), "GET", url("policies")).json()
    searched = send(client_for(bob), "GET", url("policies") + "?q=Guardrails").json()

    assert listed["count"] == 1 and [p["name"] for p in listed["results"]] == ["Bobs"]
    assert searched == {"count": 0, "next": None, "previous": None, "results": []}


def test_a_read_only_share_reads_everything_and_every_write_is_403(alice, bob, private):
    services.share_policy(user=alice, policy=Policy.objects.get(), with_user=bob, can_edit=False)
    reader = client_for(bob)

    reads = [
        send(reader, "GET", url("policy", private)),
        send(reader, "GET", url("policy-versions", private)),
        send(reader, "GET", url("policy-version", private, 1)),
        send(reader, "GET", url("policy-diff", private) + "?from=1&to=2"),
        send(reader, "POST", url("policy-diff", private), {"from": 1, "draft": "{}"}),
        send(reader, "GET", url("policy-export", private)),
    ]
    writes = [
        send(reader, "PUT", url("policy", private), {"document": "{}", "base_version": 2}),
        send(reader, "PATCH", url("policy", private), {"name": "Mine"}),
        send(reader, "DELETE", url("policy", private)),
        send(reader, "POST", url("policy-version-restore", private, 1)),
        send(reader, "POST", url("policy-shares", private), {"user": "bob", "can_edit": True}),
    ]

    assert [r.status_code for r in reads] == [200] * 6
    for response in writes:
        error(response, 403)
    policy = Policy.objects.get()
    assert (policy.name, policy.latest_version) == ("Guardrails", 2)
    assert not PolicyShare.objects.get().can_edit
    listed = send(reader, "GET", url("policies")).json()["results"]
    assert [(p["name"], p["is_owner"], p["can_edit"]) for p in listed] == [
        ("Guardrails", False, False)
    ]


def test_an_edit_share_saves_but_does_not_delete_or_share(alice, bob, carol, private):
    services.share_policy(user=alice, policy=Policy.objects.get(), with_user=bob, can_edit=True)
    editor = client_for(bob)

    saved = send(editor, "PUT", url("policy", private), {"document": "{}", "base_version": 2})
    deleted = send(editor, "DELETE", url("policy", private))
    shared = send(editor, "POST", url("policy-shares", private), {"user": "carol"})

    assert saved.status_code == 200 and saved.json()["version"] == 3
    assert error(deleted, 403)["error"] == "Only the policy's owner can do that."
    error(shared, 403)
    assert PolicyVersion.objects.filter(number=3).get().author == bob


def test_the_owner_shares_lists_and_unshares(alice, bob, private):
    owner = client_for(alice)

    given = send(owner, "POST", url("policy-shares", private), {"user": "bob", "can_edit": True})
    listed = send(owner, "GET", url("policy-shares", private)).json()
    removed = send(owner, "DELETE", url("policy-share", private, "bob"))

    assert given.status_code == 200 and given.json()["can_edit"] is True
    assert [s["user"] for s in listed["results"]] == ["bob"]
    assert removed.status_code == 204
    assert error(send(client_for(bob), "GET", url("policy", private)), 404)


def test_unsharing_a_username_with_nul_is_a_sentence_not_a_database_error(alice, private):
    response = send(client_for(alice), "DELETE", url("policy-share", private, "bo\x00b"))

    assert error(response, 400)["field"] == "user"
