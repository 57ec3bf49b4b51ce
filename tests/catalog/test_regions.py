"""The region list is catalog data: shipped, loaded by migrate, edited in the admin, part of
the JSON format, handed to the engine in the snapshot and listed by the REST API."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from catalog.importers.reading import read_source
from catalog.models import Region
from catalog.selectors import catalog_export
from catalog.services import catalog_ensure_shipped, catalog_import
from catalog.snapshot import catalog_snapshot
from scpstudio.engine import validate_policy

pytestmark = pytest.mark.django_db

SHIPPED = Path(__file__).resolve().parents[2] / "catalog" / "data" / "regions.json"


def _shipped_ids() -> list[str]:
    return [r["id"] for r in json.loads(SHIPPED.read_text(encoding="utf-8"))["regions"]]


def test_migrate_loads_the_shipped_regions():
    assert list(Region.objects.values_list("region_id", flat=True)) == sorted(_shipped_ids())


def test_ensure_shipped_keeps_edited_regions_and_reloads_an_emptied_list():
    Region.objects.filter(region_id="cn-north-1").delete()

    assert "regions.json" not in catalog_ensure_shipped()
    assert not Region.objects.filter(region_id="cn-north-1").exists()

    Region.objects.all().delete()

    assert catalog_ensure_shipped() == ["regions.json"]
    assert Region.objects.count() == len(_shipped_ids())


def test_snapshot_hands_the_engine_the_sorted_regions():
    catalog = catalog_snapshot()

    assert [r.id for r in catalog.regions] == sorted(_shipped_ids())
    assert catalog.region("cn-north-4").name == "CN North-Beijing4"


def test_a_region_added_in_the_admin_is_known_to_the_next_validation(staff_client):
    text = json.dumps(
        {
            "Version": "5.0",
            "Statement": [
                {
                    "Effect": "Deny",
                    "Action": "ims:images:get",
                    "Resource": "ims:xy-east-7:*:image:*",
                }
            ],
        }
    )
    before = {f.code.value for f in validate_policy(text, catalog_snapshot()).findings}

    response = staff_client.post(
        reverse("admin:catalog_region_add"), {"region_id": "xy-east-7", "name": "XY-East"}
    )

    assert response.status_code == 302
    after = {f.code.value for f in validate_policy(text, catalog_snapshot()).findings}
    assert "UNKNOWN_URN_REGION" in before
    assert "UNKNOWN_URN_REGION" not in after


def test_the_admin_refuses_a_region_id_that_cannot_be_one(staff_client):
    response = staff_client.post(
        reverse("admin:catalog_region_add"), {"region_id": "cn_north_5", "name": ""}
    )

    assert response.status_code == 200
    assert "lower-case words and a number joined by hyphens" in response.content.decode()
    assert not Region.objects.filter(region_id="cn_north_5").exists()


def test_rest_api_lists_the_regions(client):
    response = client.get("/api/v1/catalog/regions/", {"limit": 1000})

    body = response.json()
    assert response.status_code == 200
    assert body["count"] == len(_shipped_ids())
    assert {"id": "eu-west-101", "name": "EU-Dublin"} in body["results"]


def test_a_whole_export_holds_the_regions_and_a_service_export_does_not():
    assert [r["id"] for r in catalog_export()["regions"]] == sorted(_shipped_ids())
    assert "regions" not in catalog_export(services=["ims"])


def test_importing_a_region_list_replaces_the_regions():
    doc = {
        "format": "scpstudio-catalog",
        "version": 1,
        "regions": [{"id": "cn-north-4", "name": "Beijing"}, {"id": "zz-west-1", "name": ""}],
    }

    result = catalog_import(read_source(json.dumps(doc)))

    assert result.errors == []
    assert list(Region.objects.values_list("region_id", "name")) == [
        ("cn-north-4", "Beijing"),
        ("zz-west-1", ""),
    ]
    assert "changed region cn-north-4 (name: 'CN North-Beijing4' -> 'Beijing')" in [
        str(c) for c in result.changes
    ]


def test_a_json_region_id_that_cannot_be_one_is_refused_naming_its_field():
    doc = {"format": "scpstudio-catalog", "version": 1, "regions": [{"id": "North-4"}]}

    data = read_source(json.dumps(doc))

    (error,) = data.errors
    assert error.field == "regions[0].id"


def test_export_then_import_of_everything_changes_nothing(tmp_path):
    path = tmp_path / "all.json"
    call_command("export_catalog", "-o", str(path), stdout=StringIO())
    out = StringIO()

    call_command("import_catalog", str(path), stdout=out)

    assert "No changes" in out.getvalue()


@pytest.mark.parametrize(
    ("region", "field", "sentence"),
    [
        ({"id": "cn-north-" + "4" * 100}, "regions[0].id", "at most 64"),
        ({"id": "cn-north-4", "name": "x" * 201}, "regions[0].name", "at most 200"),
        ({"id": 4}, "regions[0].id", "must be a string"),
    ],
)
def test_a_region_too_long_or_not_text_is_refused_with_a_sentence(region, field, sentence):
    doc = {"format": "scpstudio-catalog", "version": 1, "regions": [region]}

    data = read_source(json.dumps(doc))

    (error,) = data.errors
    assert error.field == field
    assert sentence in str(error)


def test_a_document_of_regions_alone_is_a_catalog_document():
    doc = {"format": "scpstudio-catalog", "version": 1, "regions": []}

    assert read_source(json.dumps(doc)).errors == []


def test_a_document_with_nothing_in_it_names_the_three_parts():
    doc = {"format": "scpstudio-catalog", "version": 1}

    (error,) = read_source(json.dumps(doc)).errors

    assert "services, global_condition_keys, regions" in str(error)


def test_migrate_again_keeps_a_maintainers_region_edits():
    Region.objects.filter(region_id="cn-north-4").update(name="Beijing, as we call it")
    Region.objects.filter(region_id="tr-west-1").delete()

    call_command("migrate", verbosity=0)

    assert Region.objects.get(region_id="cn-north-4").name == "Beijing, as we call it"
    assert not Region.objects.filter(region_id="tr-west-1").exists()
