"""Packing for one node and the export, as pages: the node's free slots decide the verdict,
the proposal is saved as new policies, the export downloads Terraform or our JSON."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from scpstudio.policies.models import Policy
from tests.org.helpers import attach, guardrail
from tests.policies.library import deny, make_user, policy_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def organizer_client(client, small_org):
    client.force_login(small_org["user"])
    return client


def big(user, name: str, letter: str):
    actions = [f"ims:images:{letter}{i:03d}{'x' * 20}" for i in range(100)]
    return guardrail(user, name, policy_text(deny(actions, Sid=f"Deny{letter.upper()}")))


def test_the_node_page_links_to_packing_for_it(organizer_client, small_org):
    page = organizer_client.get(reverse("org:node", args=[small_org["prod"].pk]))

    assert reverse("org:node-pack", args=[small_org["prod"].pk]).encode() in page.content


def test_packing_for_a_node_counts_its_free_slots(organizer_client, small_org):
    user, prod = small_org["user"], small_org["prod"]
    first, second = big(user, "Big A", "a"), big(user, "Big B", "b")
    for name in ("Two", "Three"):
        attach(user, prod, guardrail(user, name))
    url = reverse("org:node-pack", args=[prod.pk])

    page = organizer_client.get(url, {"policy": [first.pk, second.pk]})

    text = page.content.decode()
    assert "has 4 SCPs attached (FullAccess included): 1 free slot of 5." in text
    assert "they need 2 slots and the node has 1 free slot" in text


def test_saving_the_proposal_for_a_node_goes_back_to_the_node(organizer_client, small_org):
    user, dev = small_org["user"], small_org["dev"]
    first, second = big(user, "Big A", "a"), big(user, "Big B", "b")
    url = reverse("org:node-pack", args=[dev.pk])
    chosen = [f"{first.pk}@1", f"{second.pk}@1"]

    saved = organizer_client.post(url, {"policy": chosen, "name": "Guards"})

    assert saved.status_code == 302
    assert saved["Location"] == reverse("org:node", args=[dev.pk]) + "?done=packed"
    assert set(Policy.objects.filter(name__startswith="Guards").values_list("name", flat=True)) == {
        "Guards 1 of 2",
        "Guards 2 of 2",
    }


def test_the_export_downloads_terraform_and_json(organizer_client):
    terraform = organizer_client.get(reverse("org:export"), {"format": "terraform"})
    exported = organizer_client.get(reverse("org:export"), {"format": "json"})

    assert terraform["Content-Disposition"] == 'attachment; filename="organization.tf"'
    assert b'resource "huaweicloud_organizations_policy" "no_delete"' in terraform.content
    assert json.loads(exported.content)["format"] == "scpstudio-organization"


def test_the_export_needs_the_organization_permission(client, small_org):
    client.force_login(make_user("someone"))

    answer = client.get(reverse("org:export"), {"format": "json"})

    assert answer.status_code == 403
    assert "Can change the organization" in answer.content.decode()


def test_an_unknown_export_format_is_a_sentence(organizer_client):
    answer = organizer_client.get(reverse("org:export"), {"format": "yaml"})

    assert answer.status_code == 400
    assert "There is no export format “yaml”" in answer.content.decode()
