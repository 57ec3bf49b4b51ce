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
