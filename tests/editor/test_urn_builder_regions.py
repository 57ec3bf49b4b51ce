"""The URN builder offers the catalog's regions, and the page reports a region that cannot be
one at the region part of the URN (issue #9 item 2)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.urls import reverse

from catalog.models import Region
from tests.editor.helpers import EDITOR, form_fields, shown_document

pytestmark = pytest.mark.django_db

SHARE = {"Version": "5.0", "Statement": [{"Effect": "Deny", "Action": ["ims:images:share"]}]}


def _open(client: Any, document: Any) -> Any:
    return client.post(EDITOR, {"op": "json", "json": json.dumps(document)})


def _offered(body: str, input_id: str) -> list[tuple[str, str]]:
    """The (value, label) options of the datalist the input names."""
    [tag] = re.findall(rf'<input id="{re.escape(input_id)}"[^>]*>', body)
    [list_id] = re.findall(r'list="([^"]+)"', tag)
    [options] = re.findall(rf'<datalist id="{re.escape(list_id)}">(.*?)</datalist>', body, re.S)
    return re.findall(r'<option value="([^"]*)">([^<]*)</option>', options)


def test_the_builders_region_field_offers_every_catalog_region(client):
    body = _open(client, SHARE).content.decode()

    offered = _offered(body, "builder-region-0-image")

    assert offered == list(Region.objects.order_by("region_id").values_list("region_id", "name"))
    assert ("cn-north-4", "CN North-Beijing4") in offered


def test_the_preview_context_region_offers_them_too(client):
    body = client.get(EDITOR).content.decode()

    assert ("la-south-2", "LA-Santiago") in _offered(body, "ctx_region")


def test_a_region_added_in_the_admin_is_offered_on_the_next_page(staff_client):
    staff_client.post(
        reverse("admin:catalog_region_add"), {"region_id": "xy-east-7", "name": "XY-East"}
    )

    body = _open(staff_client, SHARE).content.decode()

    assert ("xy-east-7", "XY-East") in _offered(body, "builder-region-0-image")


def test_an_offered_region_builds_a_urn_with_no_region_finding(client):
    data = form_fields(_open(client, SHARE))
    data["builder-region-0-image"] = ["ap-southeast-3"]

    response = client.post(EDITOR, {**data, "op": "add-urn-0-image"})

    body = response.content.decode()
    assert shown_document(response)["Statement"][0]["Resource"] == ["ims:ap-southeast-3:*:image:*"]
    assert "URN_REGION" not in body


def test_a_typed_region_that_cannot_be_one_is_reported_with_its_place(client):
    data = form_fields(_open(client, SHARE))
    data["builder-region-0-image"] = ["cn_north_4"]

    response = client.post(EDITOR, {**data, "op": "add-urn-0-image"})

    body = response.content.decode()
    assert "INVALID_URN_REGION" in body
    assert "characters 5-14 of the URN" in body
