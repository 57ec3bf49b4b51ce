"""A policy attached in the organization is not deleted by any way of deleting it: the
library's API, the admin, or deleting its owner with their policies."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from scpstudio.accounts.services import AccountInputError, user_delete
from scpstudio.policies.models import Policy

pytestmark = pytest.mark.django_db


def test_the_library_api_refuses_with_the_nodes(small_org):
    client = APIClient()
    client.force_authenticate(small_org["user"])

    response = client.delete(f"/api/v1/policies/{small_org['guard'].pk}/")

    assert response.status_code == 400
    assert "detach it first from OU Prod (ou-ab12-cd34ef56)" in response.json()["error"]
    assert Policy.objects.filter(pk=small_org["guard"].pk).exists()


def test_the_admin_lists_the_nodes_and_deletes_nothing(staff_client, small_org):
    url = f"/admin/policies/policy/{small_org['guard'].pk}/delete/"

    page = staff_client.get(url).content.decode()
    staff_client.post(url, {"post": "yes"})

    assert "No delete is attached to OU Prod (ou-ab12-cd34ef56)" in page
    assert Policy.objects.filter(pk=small_org["guard"].pk).exists()


def test_deleting_the_owner_with_their_policies_is_refused_while_one_is_attached(small_org):
    user = small_org["user"]

    with pytest.raises(AccountInputError) as refused:
        user_delete(user=user, delete_policies=True)

    assert "detach it first from OU Prod" in refused.value.message
    assert Policy.objects.filter(owner=user).exists()
