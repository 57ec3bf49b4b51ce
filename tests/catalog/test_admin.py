"""The maintainer's admin: lists, filters, inlines, health report and import."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from catalog.models import Action, CatalogRevision, Dependency

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parent / "fixtures" / "ims-scp-elements.txt"


def _seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def _revision() -> int:
    row = CatalogRevision.objects.filter(pk=1).first()
    return row.number if row else 0


@pytest.mark.parametrize(
    "name",
    [
        "catalog_service",
        "catalog_action",
        "catalog_resourcetype",
        "catalog_conditionkey",
        "catalog_api",
        "catalog_dependency",
    ],
)
def test_every_changelist_opens_for_staff(staff_client, name):
    response = staff_client.get(reverse(f"admin:{name}_changelist"))

    assert response.status_code == 200


def test_admin_is_closed_to_anonymous_users(client):
    response = client.get(reverse("admin:catalog_action_changelist"))

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_action_list_filters_by_access_level_and_searches(staff_client):
    url = reverse("admin:catalog_action_changelist")

    by_level = staff_client.get(url, {"access_level__exact": "write"})
    by_search = staff_client.get(url, {"q": "member"})

    assert by_level.context["cl"].result_count == 14
    assert by_search.context["cl"].result_count == 3


def test_condition_key_list_filters_by_scope(staff_client):
    url = reverse("admin:catalog_conditionkey_changelist")

    response = staff_client.get(url, {"scope": "service"})

    assert response.context["cl"].result_count == 4


def test_action_change_page_shows_its_inlines(staff_client):
    action = Action.objects.get(name="ims:images:upload")

    response = staff_client.get(reverse("admin:catalog_action_change", args=[action.pk]))

    body = response.content.decode()
    assert response.status_code == 200
    assert "ims:images:update" in body  # dependency inline
    assert "Action resource types" in body or "resource type" in body.lower()


def test_health_page_names_dangling_dependencies_and_unused_keys(staff_client):
    response = staff_client.get(reverse("admin:catalog_health"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "ims:images:update" in body
    assert "ims:images:deleteTags" in body
    assert "obs:object:GetObject" in body
    assert "ims:TargetBucketOrgPaths" in body
    assert "ims:OriginBucketOrgPaths" in body


def test_admin_import_shows_the_change_set_then_applies_on_confirm(staff_client):
    text = _seed_text().replace(
        "Grants permission to share images.", "Grants permission to share images with others."
    )
    url = reverse("admin:catalog_import")

    review = staff_client.post(
        url, {"file": SimpleUploadedFile("ims-scp-elements.txt", text.encode(), "text/plain")}
    )

    body = review.content.decode()
    assert "changed action ims:images:share" in body
    assert "Dry run, nothing written: 0 added, 1 changed, 0 removed." in body
    assert Action.objects.get(name="ims:images:share").description == (
        "Grants permission to share images."
    )

    before = _revision()
    applied = staff_client.post(
        url,
        {"confirm": "1", "source_sha256": review.context["source_sha256"]},
        follow=True,
    )

    assert "1 changed" in applied.content.decode()
    assert Action.objects.get(name="ims:images:share").description == (
        "Grants permission to share images with others."
    )
    assert _revision() > before


def test_admin_import_of_a_broken_file_says_why_and_writes_nothing(staff_client):
    before = (Action.objects.count(), _revision())

    response = staff_client.post(
        reverse("admin:catalog_import"),
        {"file": SimpleUploadedFile("notes.txt", b"Just some notes, no tables.\n")},
    )

    body = response.content.decode()
    assert "cannot be imported" in body
    assert "Supported Actions" in body
    assert "Apply these" not in body
    assert (Action.objects.count(), _revision()) == before


def test_admin_import_refuses_a_file_that_is_not_text(staff_client):
    response = staff_client.post(
        reverse("admin:catalog_import"),
        {"file": SimpleUploadedFile("image.png", b"\x89PNG\r\n\x1a\n\xff\xfe")},
    )

    assert response.status_code == 200
    assert "not UTF-8 text" in response.content.decode()


def test_admin_import_is_for_staff_only(client):
    response = client.get(reverse("admin:catalog_import"))

    assert response.status_code == 302


def test_dependency_admin_shows_whether_the_target_is_defined(staff_client):
    response = staff_client.get(reverse("admin:catalog_dependency_changelist"))

    assert response.context["cl"].result_count == Dependency.objects.count() == 10
