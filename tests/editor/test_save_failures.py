"""The editor's Save when something goes wrong meanwhile: the share is revoked, the
policy deleted, the database locked. Each answer shows the person's text again with the
reason, and nothing is written."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from scpstudio.policies import services
from scpstudio.policies.models import Policy, PolicyVersion
from tests.editor.helpers import form_fields, kept_draft, shown_json
from tests.locks import writes_locked
from tests.policies.library import SHARE_DENIED, make_user

TYPED = '{"Version": "5.0", "Statement": [ {"Effect": "Deny", "Action": "ims:*"} ]}'


def _opened(client: Client, policy: Policy) -> dict[str, Any]:
    """The editor's form for `policy` after the person typed TYPED into its JSON."""
    page = client.get(f"/editor/?policy={policy.pk}")
    assert page.status_code == 200
    fields: dict[str, Any] = form_fields(page)
    fields.update(json=TYPED, source="json", op="save")
    return fields


@pytest.mark.django_db
def test_a_save_after_the_share_was_revoked_says_so_and_keeps_the_text(client: Client) -> None:
    alice, bob = make_user("alice"), make_user("bob")
    policy = services.create_policy(owner=alice, name="p", document=SHARE_DENIED)
    services.share_policy(user=alice, policy=policy, with_user=bob, can_edit=True)
    client.force_login(bob)
    fields = _opened(client, policy)
    services.unshare_policy(user=alice, policy=policy, with_user=bob)

    response = client.post("/editor/save/", fields)

    assert response.status_code == 409
    assert "no longer shared with you: save it as a new one" in response.content.decode()
    assert shown_json(response) == TYPED
    assert form_fields(response).get("saved_policy") is None  # the next Save makes a new one
    assert not Policy.objects.filter(owner=bob).exists()
    assert PolicyVersion.objects.filter(policy=policy).count() == 1


@pytest.mark.django_db
def test_saving_again_after_the_share_was_revoked_makes_a_policy_of_ones_own(
    client: Client,
) -> None:
    alice, bob = make_user("alice"), make_user("bob")
    policy = services.create_policy(owner=alice, name="p", document=SHARE_DENIED)
    services.share_policy(user=alice, policy=policy, with_user=bob, can_edit=True)
    client.force_login(bob)
    fields = _opened(client, policy)
    services.unshare_policy(user=alice, policy=policy, with_user=bob)
    refused = client.post("/editor/save/", fields)

    again = client.post("/editor/save/", {**form_fields(refused), "op": "save-new"})

    assert again.status_code == 302
    assert Policy.objects.get(owner=bob).versions.get().document == TYPED


@pytest.mark.django_db
def test_a_save_after_the_policy_was_deleted_says_so_and_keeps_the_text(client: Client) -> None:
    alice = make_user("alice")
    policy = services.create_policy(owner=alice, name="p", document=SHARE_DENIED)
    client.force_login(alice)
    fields = _opened(client, policy)
    services.delete_policy(user=alice, policy=policy)

    response = client.post("/editor/save/", fields)

    assert response.status_code == 409
    assert "was deleted or is no longer shared with you" in response.content.decode()
    assert shown_json(response) == TYPED
    assert not Policy.objects.exists()


@pytest.mark.django_db
def test_a_save_after_the_share_became_read_only_is_refused_with_the_text(
    client: Client,
) -> None:
    alice, bob = make_user("alice"), make_user("bob")
    policy = services.create_policy(owner=alice, name="p", document=SHARE_DENIED)
    services.share_policy(user=alice, policy=policy, with_user=bob, can_edit=True)
    client.force_login(bob)
    fields = _opened(client, policy)
    services.share_policy(user=alice, policy=policy, with_user=bob, can_edit=False)

    response = client.post("/editor/save/", fields)

    assert response.status_code == 403
    assert "Not saved:" in response.content.decode()
    assert shown_json(response) == TYPED
    assert PolicyVersion.objects.filter(policy=policy).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_save_while_the_database_is_locked_answers_503_with_the_text(client: Client) -> None:
    alice = make_user("alice")
    policy = services.create_policy(owner=alice, name="p", document=SHARE_DENIED)
    client.force_login(alice)
    fields = _opened(client, policy)

    with writes_locked():
        response = client.post("/editor/save/", fields)

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "Not saved: The database is busy" in response.content.decode()
    kept = kept_draft(response)
    assert kept["json"] == TYPED
    assert (kept["policy"], kept["base_version"]) == (str(policy.pk), "1")
    assert PolicyVersion.objects.filter(policy=policy).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_text_kept_through_a_locked_save_reopens_and_saves_as_the_next_version(
    client: Client,
) -> None:
    alice = make_user("alice")
    policy = services.create_policy(owner=alice, name="p", document=SHARE_DENIED)
    client.force_login(alice)
    with writes_locked():
        refused = client.post("/editor/save/", _opened(client, policy))

    reopened = client.post("/editor/draft/", kept_draft(refused))
    saved = client.post("/editor/save/", {**form_fields(reopened), "op": "save"})

    assert reopened.status_code == 200
    assert shown_json(reopened) == TYPED
    assert saved.status_code == 302
    assert policy.versions.get(number=2).document == TYPED


@pytest.mark.django_db(transaction=True)
def test_a_new_policy_saved_while_the_database_is_locked_is_not_created(client: Client) -> None:
    alice = make_user("alice")
    client.force_login(alice)
    page = client.get("/editor/")
    fields = {**form_fields(page), "json": TYPED, "source": "json", "name": "mine"}

    with writes_locked():
        response = client.post("/editor/save/", {**fields, "op": "save-new"})

    assert response.status_code == 503
    assert kept_draft(response)["json"] == TYPED
    assert not Policy.objects.exists()
