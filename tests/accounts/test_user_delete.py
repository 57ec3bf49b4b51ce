"""Deleting a user says what becomes of their policies: transferred to another user, or
deleted on purpose; versions they saved elsewhere stay, shown as by "(deleted user)"."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db.models import ProtectedError

from scpstudio.accounts import selectors, services
from scpstudio.accounts.models import ApiToken
from scpstudio.accounts.services import AccountInputError, user_delete
from scpstudio.policies import services as library
from scpstudio.policies.models import Policy, PolicyShare, PolicyVersion
from tests.policies.api_helpers import client_for, send, url
from tests.policies.library import GET_DENIED, SHARE_DENIED, saved

pytestmark = pytest.mark.django_db
User = get_user_model()


def _edit_as(user, policy, document=GET_DENIED):
    library.share_policy(user=policy.owner, policy=policy, with_user=user, can_edit=True)
    return library.save_version(
        user=user, policy=policy, document=document, base_version=policy.latest_version
    )


def test_a_user_who_owns_policies_is_not_deleted_by_accident(alice):
    saved(alice)

    with pytest.raises(ProtectedError):
        alice.delete()
    with pytest.raises(AccountInputError, match="alice owns 1 policy: transfer them"):
        user_delete(user=alice)
    assert User.objects.filter(username="alice").exists()
    assert Policy.objects.count() == PolicyVersion.objects.count() == 1


def test_transfer_moves_every_policy_with_its_history(alice, bob, carol):
    first = saved(alice, name="Guardrails")
    second = saved(alice, name="Images")
    _edit_as(carol, first)
    library.share_policy(user=alice, policy=second, with_user=carol)

    done = user_delete(user=alice, transfer_to=bob)

    assert not User.objects.filter(username="alice").exists()
    assert set(Policy.objects.filter(owner=bob).values_list("name", flat=True)) == {
        "Guardrails",
        "Images",
    }
    assert [
        v.author_name for v in PolicyVersion.objects.filter(policy=first).order_by("number")
    ] == [
        "(deleted user)",
        "carol",
    ]
    assert PolicyShare.objects.filter(policy=second, user=carol).exists()  # others keep access
    assert done.transferred == 2 and done.deleted == 0 and done.renamed == ()
    assert done.sentence == "The user alice was deleted. Their 2 policies now belong to bob."


def test_transfer_renames_a_policy_whose_name_the_receiver_uses(alice, bob):
    saved(bob, name="Guardrails")
    saved(alice, name="Guardrails")
    saved(alice, name="Guardrails from alice")  # the first new name is taken by the transfer

    done = user_delete(user=alice, transfer_to=bob)

    assert sorted(Policy.objects.filter(owner=bob).values_list("name", flat=True)) == [
        "Guardrails",
        "Guardrails from alice",
        "Guardrails from alice 2",
    ]
    assert done.renamed == (("Guardrails", "Guardrails from alice 2"),)
    assert '"Guardrails" is now "Guardrails from alice 2"' in done.sentence


def test_a_transferred_name_keeps_to_the_name_rule(db):
    taken = {"x" * 64}

    name = services.transferred_name("x" * 64, "ann.lee@example.com", taken)

    assert len(name) <= 64
    assert name not in taken
    assert services.transferred_name("Guard", "ann.lee@example.com", set()) == (
        "Guard from ann_lee_example_com"
    )


def test_transfer_drops_the_receivers_own_shares_of_them(alice, bob):
    policy = saved(alice)
    library.share_policy(user=alice, policy=policy, with_user=bob, can_edit=True)

    user_delete(user=alice, transfer_to=bob)

    assert not PolicyShare.objects.exists()
    assert client_for(bob).get(url("policy", policy.pk)).json()["is_owner"] is True


def test_delete_policies_removes_them_with_the_versions_others_saved(alice, bob):
    policy = saved(alice)
    _edit_as(bob, policy)
    bobs = saved(bob, name="Bobs")

    done = user_delete(user=alice, delete_policies=True)

    assert list(Policy.objects.all()) == [bobs]
    assert PolicyVersion.objects.filter(policy=bobs).count() == 1
    assert done.sentence == (
        "The user alice was deleted. Their 1 policy was deleted with all their versions."
    )


def test_a_user_without_policies_is_deleted_with_their_tokens(alice, bob):
    services.token_create(user=alice, name="CI")
    policy = saved(bob)
    _edit_as(alice, policy)

    user_delete(user=alice)

    assert not ApiToken.objects.exists()
    assert [v.author_name for v in PolicyVersion.objects.order_by("number")] == [
        "bob",
        "(deleted user)",
    ]


def test_the_choices_are_exclusive_and_the_receiver_another_user(alice, bob):
    saved(alice)

    with pytest.raises(AccountInputError, match="Choose one"):
        user_delete(user=alice, transfer_to=bob, delete_policies=True)
    with pytest.raises(AccountInputError, match="another user"):
        user_delete(user=alice, transfer_to=alice)
    assert Policy.objects.get().owner == alice


def test_the_plan_names_the_policies_and_the_versions_of_others(alice, bob, carol):
    policy = saved(alice, name="Guardrails")
    _edit_as(bob, policy)
    _edit_as(carol, policy, SHARE_DENIED)
    saved(alice, name="Alone")
    elsewhere = saved(bob, name="Bobs")
    _edit_as(alice, elsewhere)
    services.token_create(user=alice, name="CI")

    plan = selectors.user_deletion_plan(alice)

    assert plan.policy_count == 2
    assert [(p.name, p.versions, p.others_versions, p.other_authors) for p in plan.policies] == [
        ("Alone", 1, 0, ()),
        ("Guardrails", 3, 2, ("bob", "carol")),
    ]
    assert plan.others_versions == 2
    assert plan.versions_elsewhere == 1
    assert plan.shares_of_theirs == 2 and plan.shared_with_them == 1
    assert plan.tokens == 1


# -- "(deleted user)" wherever an author is shown --------------------------------------------


@pytest.fixture
def left_behind(alice, bob):
    """bob's policy, with a second version saved by alice, whose account is then deleted."""
    policy = saved(bob)
    _edit_as(alice, policy)
    user_delete(user=alice)
    return policy


def test_the_policy_page_shows_a_deleted_author(client, bob, left_behind):
    client.force_login(bob)

    page = client.get(f"/policies/{left_behind.pk}/").content.decode()

    assert '<td data-label="By">(deleted user)</td>' in page
    assert '<td data-label="By">bob</td>' in page


def test_the_compare_page_shows_a_deleted_author(client, bob, left_behind):
    client.force_login(bob)

    page = client.get(f"/policies/{left_behind.pk}/compare/?from=1&to=2").content.decode()

    assert "Saved: version 1 by bob; version 2 by (deleted user)." in page


def test_the_api_gives_a_deleted_author_as_null(bob, left_behind):
    versions = send(client_for(bob), "GET", url("policy-versions", left_behind.pk)).json()

    assert [v["author"] for v in versions["results"]] == [None, "bob"]


def test_the_editors_conflict_page_names_a_deleted_author(client, alice, bob):
    from tests.editor.helpers import form_fields
    from tests.policies.library import deny, policy_text

    policy = saved(bob)
    client.force_login(bob)
    fields = form_fields(client.get(f"/editor/?policy={policy.pk}"))
    _edit_as(alice, policy)  # version 2, saved while bob was typing
    user_delete(user=alice)
    fields.update(json=policy_text(deny(["ims:images:export"])), source="json")

    refused = client.post("/editor/save/", {**fields, "op": "save"})

    assert refused.status_code == 409
    assert "(saved by (deleted user))" in refused.content.decode()
