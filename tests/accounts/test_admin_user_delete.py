"""The user admin's delete page: lists the user's policies and the versions others saved
in them, and asks whether to transfer them or delete them."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from scpstudio.policies import services as library
from scpstudio.policies.models import Policy, PolicyVersion
from tests.policies.library import GET_DENIED, saved

pytestmark = pytest.mark.django_db
User = get_user_model()


def _delete_url(user) -> str:
    return f"/admin/auth/user/{user.pk}/delete/"


@pytest.fixture
def alices_policy(alice, bob):
    policy = saved(alice, name="Guardrails")
    library.share_policy(user=alice, policy=policy, with_user=bob, can_edit=True)
    library.save_version(user=bob, policy=policy, document=GET_DENIED, base_version=1)
    return policy


def test_the_page_names_the_policies_and_the_versions_of_others(staff_client, alice, alices_policy):
    page = staff_client.get(_delete_url(alice))

    body = page.content.decode()
    assert page.status_code == 200
    assert "alice owns 1 policy" in body
    assert "<td>Guardrails</td><td>2</td><td>1, by bob</td>" in body
    assert 'value="transfer"' in body and 'value="delete"' in body
    assert "including the 1 saved by other people" in body


def test_transfer_to_a_user_from_the_page(staff_client, alice, bob, alices_policy):
    response = staff_client.post(
        _delete_url(alice), {"what": "transfer", "transfer_to": "bob"}, follow=True
    )

    assert response.redirect_chain[-1][0] == "/admin/auth/user/"
    assert "Their 1 policy now belongs to bob." in response.content.decode()
    assert not User.objects.filter(username="alice").exists()
    assert Policy.objects.get().owner == bob
    assert PolicyVersion.objects.count() == 2


def test_delete_them_from_the_page(staff_client, alice, alices_policy):
    response = staff_client.post(_delete_url(alice), {"what": "delete"}, follow=True)

    assert "was deleted with all their versions" in response.content.decode()
    assert not Policy.objects.exists() and not PolicyVersion.objects.exists()
    assert not User.objects.filter(username="alice").exists()


@pytest.mark.parametrize(
    ("form", "says"),
    [
        ({}, "Choose what becomes of their policies."),
        ({"what": "transfer"}, "Name the user who receives the policies."),
        ({"what": "transfer", "transfer_to": "nobody"}, "There is no user &#x27;nobody&#x27;."),
        ({"what": "transfer", "transfer_to": "alice"}, "to another user than the one"),
        ({"what": "burn"}, "Choose transfer or delete for their policies."),
    ],
)
def test_without_a_valid_choice_nothing_is_deleted(staff_client, alice, alices_policy, form, says):
    response = staff_client.post(_delete_url(alice), form)

    assert response.status_code == 400
    assert says in response.content.decode()
    assert User.objects.filter(username="alice").exists()
    assert Policy.objects.get().owner == alice


def test_a_user_without_policies_is_deleted_after_a_plain_confirmation(staff_client, bob):
    page = staff_client.get(_delete_url(bob)).content.decode()

    staff_client.post(_delete_url(bob), {})

    assert "bob owns no policies." in page and 'value="transfer"' not in page
    assert not User.objects.filter(username="bob").exists()


def test_users_are_not_deleted_in_bulk(staff_client, alice):
    changelist = staff_client.get("/admin/auth/user/").content.decode()

    assert 'value="delete_selected"' not in changelist


def test_a_staff_member_without_the_permission_cannot_delete(client, alice):
    clerk = User.objects.create_user("clerk", password="pw-clerk-123", is_staff=True)
    client.force_login(clerk)

    assert client.post(_delete_url(alice), {"what": "delete"}).status_code == 403
    assert User.objects.filter(username="alice").exists()
