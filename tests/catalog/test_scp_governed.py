"""Which services SCPs govern: a flag per service, shipped, edited in the admin, and read by
the editor's validation (a warning) and the preview (a note that the statement has no effect)."""

from __future__ import annotations

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from catalog import snapshot
from catalog.models import CatalogRevision, Service
from catalog.selectors import catalog_export
from tests.catalog.schema_data import as_text, ecs_schema

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_snapshot")]

DENY_ECS = {
    "Version": "5.0",
    "Statement": [{"Effect": "Deny", "Action": ["ecs:cloudServers:delete"]}],
}


@pytest.fixture
def ecs(tmp_path):
    """ECS synced from IAM's schema, which Huawei does not list for SCPs (as set in the admin)."""
    path = tmp_path / "ecs.json"
    path.write_text(as_text(ecs_schema()), encoding="utf-8")
    call_command("import_catalog", str(path), stdout=StringIO())
    Service.objects.filter(prefix="ecs").update(scp_governed=False)
    CatalogRevision.objects.filter(pk=1).update(number=CatalogRevision.objects.get().number + 1)
    return Service.objects.get(prefix="ecs")


def test_the_shipped_ims_is_governed_by_scps():
    assert Service.objects.get(prefix="ims").scp_governed is True
    assert catalog_export(services=["ims"])["services"][0]["scp_governed"] is True


def test_a_service_synced_from_the_schema_is_unknown_until_a_maintainer_says(tmp_path):
    path = tmp_path / "ecs.json"
    path.write_text(as_text(ecs_schema()), encoding="utf-8")

    call_command("import_catalog", str(path), stdout=StringIO())

    assert Service.objects.get(prefix="ecs").scp_governed is None


def test_a_maintainer_sets_the_flag_in_the_admin_and_the_next_snapshot_sees_it(staff_client):
    ims = Service.objects.get(prefix="ims")
    url = reverse("admin:catalog_service_change", args=[ims.pk])
    page = staff_client.get(url)
    data = {
        "prefix": "ims",
        "name": ims.name,
        "source": ims.source,
        "updated_on": ims.updated_on.isoformat() if ims.updated_on else "",
        "scp_governed": "false",
        "schema_version": "",
        "resource_types-TOTAL_FORMS": "0",
        "resource_types-INITIAL_FORMS": "0",
    }
    assert "Governed by SCPs" in page.content.decode()
    before = CatalogRevision.objects.get().number

    response = staff_client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:3000]
    assert Service.objects.get(prefix="ims").scp_governed is False
    assert CatalogRevision.objects.get().number > before
    assert snapshot.catalog_snapshot().is_scp_governed("ims") is False


def test_the_editor_warns_and_the_preview_says_the_statement_has_no_effect(client, ecs):
    response = client.post(
        "/editor/", {"op": "json", "source": "json", "json": json.dumps(DENY_ECS)}
    )

    body = response.content.decode()
    row = re.search(r'<tr [^>]*data-api="DeleteServers">.*?</tr>', body, re.S)
    assert "SERVICE_NOT_GOVERNED_BY_SCP" in body
    assert row is not None
    assert (
        '<div class="note not-governed">SCPs do not govern ecs: an SCP statement about it has '
        "no effect" in row.group(0)
    )


def test_the_rest_api_gives_the_same_warning_and_note(client, ecs):
    validate = client.post(
        "/api/v1/validate", {"document": DENY_ECS}, content_type="application/json"
    ).json()
    preview = client.post(
        "/api/v1/preview", {"document": DENY_ECS}, content_type="application/json"
    ).json()

    assert "SERVICE_NOT_GOVERNED_BY_SCP" in {f["code"] for f in validate["findings"]}
    notes = {api["operation_ids"][0]: api["note"] for api in preview["apis"]}
    assert notes["DeleteServers"].startswith("SCPs do not govern ecs")


def test_an_identity_policy_about_the_service_gets_neither(client, ecs):
    allow = {
        "Version": "5.0",
        "Statement": [{"Effect": "Allow", "Action": ["ecs:cloudServers:delete"]}],
    }

    preview = client.post(
        "/api/v1/preview",
        {"document": allow, "profile": "identity"},
        content_type="application/json",
    ).json()
    validate = client.post(
        "/api/v1/validate",
        {"document": allow, "profile": "identity"},
        content_type="application/json",
    ).json()

    assert all(api["note"] is None for api in preview["apis"])
    assert "SERVICE_NOT_GOVERNED_BY_SCP" not in {f["code"] for f in validate["findings"]}
