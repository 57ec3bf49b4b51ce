"""The policy library in the admin: shown, shares managed, versions never changed."""

from __future__ import annotations

import pytest

from scpstudio.policies.models import PolicyVersion
from tests.policies.library import SHARE_DENIED, saved

pytestmark = pytest.mark.django_db


def test_policies_and_versions_are_listed(staff_client, alice):
    policy = saved(alice, name="Listed policy")

    policies = staff_client.get("/admin/policies/policy/")
    versions = staff_client.get("/admin/policies/policyversion/")
    page = staff_client.get(f"/admin/policies/policy/{policy.pk}/change/")

    assert policies.status_code == versions.status_code == page.status_code == 200
    assert "Listed policy" in policies.content.decode()
    assert "Listed policy" in versions.content.decode()


def test_a_version_is_shown_but_cannot_be_changed_added_or_deleted(staff_client, alice):
    version = PolicyVersion.objects.get(policy=saved(alice))
    url = f"/admin/policies/policyversion/{version.pk}/change/"

    page = staff_client.get(url)
    posted = staff_client.post(url, {"message": "rewritten", "document": "{}"})
    added = staff_client.get("/admin/policies/policyversion/add/")
    deleted = staff_client.post(
        f"/admin/policies/policyversion/{version.pk}/delete/", {"post": "yes"}
    )

    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert posted.status_code == 403
    assert added.status_code == 403
    assert deleted.status_code == 403
    assert PolicyVersion.objects.get(pk=version.pk).document == SHARE_DENIED


def test_policies_are_not_added_in_the_admin(staff_client):
    assert staff_client.get("/admin/policies/policy/add/").status_code == 403


def test_a_policy_is_deleted_after_a_confirmation_counting_its_versions(staff_client, alice, bob):
    from scpstudio.policies import services
    from scpstudio.policies.models import Policy, PolicyShare
    from tests.policies.library import GET_DENIED

    policy = saved(alice, name="Doomed")
    services.share_policy(user=alice, policy=policy, with_user=bob, can_edit=True)
    services.save_version(user=bob, policy=policy, document=GET_DENIED, base_version=1)
    url = f"/admin/policies/policy/{policy.pk}/delete/"

    confirm = staff_client.get(url)
    done = staff_client.post(url, {"post": "yes"}, follow=True)

    page = confirm.content.decode()
    assert confirm.status_code == 200
    assert "Policy “Doomed” of alice: 2 versions, 1 of them saved by other people" in page
    assert "Policy versions: 2" in page
    assert "permission to delete" not in page
    assert done.redirect_chain[-1][0] == "/admin/policies/policy/"
    assert not Policy.objects.exists()
    assert not PolicyVersion.objects.exists() and not PolicyShare.objects.exists()


def test_policies_are_deleted_in_bulk_with_their_counts(staff_client, alice):
    first, second = saved(alice, name="One"), saved(alice, name="Two")

    confirm = staff_client.post(
        "/admin/policies/policy/",
        {"action": "delete_selected", "_selected_action": [first.pk, second.pk]},
    )

    page = confirm.content.decode()
    assert "Policy “One” of alice: 1 version" in page and "Policy “Two” of alice" in page
    assert "Policy versions: 2" in page
