"""A page of the REST action list is written from rows (`with_action_parts`), an action's own
answer through the nested serializers: the two writings must say the same."""

from __future__ import annotations

import pytest
from django.urls import reverse

from catalog.models import Action, ActionConditionKey, Dependency, Operation

pytestmark = pytest.mark.django_db


def _odd_parts() -> None:
    """What the shipped IMS catalog lacks: keys and a dependency outside the catalog, an
    operation id, aliases."""
    share = Action.objects.get(name="ims:images:share")
    ActionConditionKey.objects.create(action=share, key_name="ims:NotInCatalog", position=90)
    ActionConditionKey.objects.create(action=share, key_name="g:NotInCatalog", position=91)
    Dependency.objects.create(action=share, target_name="evs:volumes:get", position=9)
    Operation.objects.create(
        service=share.service, operation_id="ShareImage", action_name=share.name, action=share
    )
    share.aliases = ["ims:images:shareImage"]
    share.save()


def test_every_action_of_a_list_page_reads_as_its_own_answer(client):
    _odd_parts()

    page = client.get(reverse("catalog-api:actions"), {"limit": 200}).json()

    assert page["count"] == Action.objects.count() == len(page["results"])
    for listed in page["results"]:
        alone = client.get(reverse("catalog-api:action", kwargs={"name": listed["name"]}))
        assert listed == alone.json(), listed["name"]


def test_a_listed_action_says_which_of_its_parts_the_catalog_lacks(client):
    _odd_parts()

    page = client.get(reverse("catalog-api:actions"), {"q": "ims:images:share"}).json()

    [share] = [a for a in page["results"] if a["name"] == "ims:images:share"]
    keys = {k["name"]: k for k in share["condition_keys"]}
    assert keys["ims:NotInCatalog"] == {
        "name": "ims:NotInCatalog",
        "type": None,
        "multivalued": None,
        "scope": "service",
        "defined": False,
    }
    assert keys["g:NotInCatalog"]["scope"] == "global"
    assert {"name": "evs:volumes:get", "defined": False} in share["dependencies"]
    assert share["operations"] == ["ShareImage"]
    assert share["aliases"] == ["ims:images:shareImage"]
