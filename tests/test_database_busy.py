"""A database that cannot take a write in time answers 503 with a sentence (and
Retry-After), in the API's shape or as a page; never a bare 500. Real locks, held by
another connection (tests/locks.py)."""

from __future__ import annotations

import pytest
from django.test import Client

from scpstudio.database_busy import BUSY, RETRY_AFTER_SECONDS
from scpstudio.policies import services
from scpstudio.policies.models import Policy, PolicyShare
from tests.locks import writes_locked
from tests.policies.library import SHARE_DENIED, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_api_create_while_writes_are_locked_answers_503_in_the_api_shape(
    client: Client,
) -> None:
    client.force_login(make_user("alice"))

    with writes_locked():
        response = client.post(
            "/api/v1/policies/",
            {"name": "p", "document": SHARE_DENIED},
            content_type="application/json",
        )

    assert response.status_code == 503
    assert response.json() == {"error": BUSY, "field": None}
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert not Policy.objects.exists()


def test_an_api_share_while_writes_are_locked_answers_503(client: Client) -> None:
    alice = make_user("alice")
    make_user("bob")
    policy = services.create_policy(owner=alice, name="p", document=SHARE_DENIED)
    client.force_login(alice)

    with writes_locked("policies_policyshare"):
        response = client.post(
            f"/api/v1/policies/{policy.pk}/shares/",
            {"user": "bob"},
            content_type="application/json",
        )

    assert response.status_code == 503
    assert response.json()["error"] == BUSY
    assert not PolicyShare.objects.exists()


def test_a_rename_page_while_writes_are_locked_answers_a_page_with_the_sentence(
    client: Client,
) -> None:
    alice = make_user("alice")
    policy = services.create_policy(owner=alice, name="p", document=SHARE_DENIED)
    client.force_login(alice)

    with writes_locked():
        response = client.post(f"/policies/{policy.pk}/rename/", {"name": "q"})

    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert BUSY in response.content.decode()
    assert Policy.objects.get().name == "p"


def test_the_same_rename_goes_through_once_the_lock_is_gone(client: Client) -> None:
    alice = make_user("alice")
    policy = services.create_policy(owner=alice, name="p", document=SHARE_DENIED)
    client.force_login(alice)
    with writes_locked():
        client.post(f"/policies/{policy.pk}/rename/", {"name": "q"})

    response = client.post(f"/policies/{policy.pk}/rename/", {"name": "q"})

    assert response.status_code == 302
    assert Policy.objects.get().name == "q"
