"""The engine's catalog snapshot: built once per revision, rebuilt after any edit."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.models import Action, CatalogRevision
from catalog.snapshot import catalog_snapshot

pytestmark = pytest.mark.django_db


def test_snapshot_holds_the_ims_catalog():
    catalog = catalog_snapshot()

    assert len(catalog.actions_of_service("ims")) == 26
    assert len(catalog.apis) == 29
    share = catalog.action("IMS:Images:Share")
    assert share is not None and share.name == "ims:images:share"
    assert [r.name for r in share.resource_types] == ["image"]
    assert catalog.condition_key("g:RequestTag/owner").name == "g:RequestTag/<tag-key>"


def test_lookups_on_a_snapshot_touch_no_database():
    catalog = catalog_snapshot()

    with CaptureQueriesContext(connection) as queries:
        catalog.action("ims:images:get")
        catalog.match_actions("ims:images:*")
        catalog.keys_for_action("ims:images:share")
        catalog.apis_for_action("ims:images:import")

    assert len(queries) == 0


def test_an_unchanged_catalog_costs_one_query_and_returns_the_same_object():
    first = catalog_snapshot()

    with CaptureQueriesContext(connection) as queries:
        second = catalog_snapshot()

    assert second is first
    assert len(queries) == 1


def test_an_admin_edit_is_seen_by_the_next_snapshot(staff_client):
    before = catalog_snapshot()
    action = Action.objects.get(name="ims:images:share")
    form = staff_client.get(reverse("admin:catalog_action_change", args=[action.pk]))
    data = _form_data(form)
    data["description"] = "Share an image with another account."

    response = staff_client.post(reverse("admin:catalog_action_change", args=[action.pk]), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    after = catalog_snapshot()
    assert after is not before
    assert after.action("ims:images:share").description == "Share an image with another account."


def test_another_process_moving_the_revision_invalidates_this_snapshot():
    before = catalog_snapshot()
    Action.objects.filter(name="ims:images:get").update(description="changed by raw SQL")
    CatalogRevision.objects.filter(pk=1).update(number=before.revision + 100)

    after = catalog_snapshot()

    assert after.revision == before.revision + 100
    assert after.action("ims:images:get").description == "changed by raw SQL"


def _form_data(response) -> dict:
    """The values an unchanged submit of the admin form would send."""
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is not None:
            data[name] = value.pk if hasattr(value, "pk") else value
    for formset in response.context["inline_admin_formsets"]:
        fs = formset.formset
        mgmt = fs.management_form
        for name in mgmt.fields:
            data[f"{fs.prefix}-{name}"] = mgmt.initial.get(name, "")
        for i, f in enumerate(fs.forms):
            for name, field in f.fields.items():
                value = f.initial.get(name, field.initial)
                if value is None:
                    continue
                data[f"{fs.prefix}-{i}-{name}"] = value.pk if hasattr(value, "pk") else value
    return {k: v for k, v in data.items() if v is not False}
