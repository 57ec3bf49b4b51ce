"""The admin import's review, then Apply: the reviewed file stays on the server.

The Apply form posts only the file's SHA-256, so a file just under the 2 MB upload limit
(whose text, posted back, would pass Django's 2 MB request limit) applies like a small one,
and a stale or invented reference answers a sentence.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from catalog.admin_views import MAX_UPLOAD
from catalog.models import Action, ImportDraft
from catalog.selectors import catalog_export
from tests.catalog.fixtures import catalog_state

pytestmark = pytest.mark.django_db

URL = "/admin/catalog/service/import/"
NEW_SHARE = "Grants permission to share images with other accounts."


def _big_source() -> str:
    """The catalog as JSON with one description changed, padded to just under 2 MB."""
    doc = catalog_export()
    [share] = [a for s in doc["services"] for a in s["actions"] if a["name"] == "ims:images:share"]
    share["description"] = NEW_SHARE
    text = json.dumps(doc, indent=2)
    return text + "\n" * (MAX_UPLOAD - 1024 - len(text.encode()))


def _review(client, text: str, name: str = "catalog.json"):
    return client.post(URL, {"file": SimpleUploadedFile(name, text.encode())})


def _apply_form(response) -> dict[str, str]:
    """The fields of the Apply form as the page holds them, the button included."""
    body = response.content.decode()
    form = re.search(r'<form method="post">(.*?)</form>', body, re.S)
    assert form is not None, "the review offers no Apply form"
    fields = {
        name: html.unescape(value)
        for name, value in re.findall(
            r'<input type="(?:hidden|submit)" name="(\w+)" value="([^"]*)"', form.group(1)
        )
    }
    assert "confirm" in fields
    return fields


def _post_form(client, fields: dict[str, str]):
    return client.post(
        URL, urlencode(fields), content_type="application/x-www-form-urlencoded", follow=True
    )


def test_a_file_just_under_the_upload_limit_is_reviewed_then_applied(staff_client):
    text = _big_source()
    assert MAX_UPLOAD - 2048 < len(text.encode()) < MAX_UPLOAD

    review = _review(staff_client, text)
    fields = _apply_form(review)
    applied = _post_form(staff_client, fields)

    assert review.status_code == 200
    assert len(review.content) < 100_000  # the text does not travel in the page
    assert applied.status_code == 200
    assert "Imported catalog.json: 0 added, 1 changed, 0 removed." in applied.content.decode()
    assert Action.objects.get(name="ims:images:share").description == NEW_SHARE


def test_the_apply_form_carries_the_reviewed_file_by_its_sha256(staff_client):
    text = _big_source()

    fields = _apply_form(_review(staff_client, text))

    assert fields["source_sha256"] == hashlib.sha256(text.encode()).hexdigest()
    assert "source_text" not in fields


def test_an_applied_review_cannot_be_applied_twice(staff_client):
    fields = _apply_form(_review(staff_client, _big_source()))
    _post_form(staff_client, fields)
    before = catalog_state()

    again = staff_client.post(URL, fields)

    assert again.status_code == 400
    assert "This review is no longer on the server" in again.content.decode()
    assert catalog_state() == before


@pytest.mark.parametrize(
    "sha256", ["0" * 64, "", "not-hex", "x" * 10_000, "../../etc/passwd", "ab\x00cd", "A" * 64]
)
def test_an_unknown_review_answers_a_sentence_and_writes_nothing(staff_client, sha256):
    before = catalog_state()

    response = staff_client.post(URL, {"confirm": "1", "source_sha256": sha256})

    assert response.status_code == 400
    assert (
        "This review is no longer on the server (it expired, or was applied already): "
        "upload the file again." in response.content.decode()
    )
    assert catalog_state() == before


def test_an_expired_review_answers_a_sentence_and_writes_nothing(staff_client):
    fields = _apply_form(_review(staff_client, _big_source()))
    ImportDraft.objects.update(created_at=timezone.now() - timedelta(days=2))
    before = catalog_state()

    response = staff_client.post(URL, fields)

    assert response.status_code == 400
    assert "This review is no longer on the server" in response.content.decode()
    assert catalog_state() == before


def test_a_review_of_another_maintainer_is_not_applied(staff_client, client):
    from django.contrib.auth import get_user_model

    fields = _apply_form(_review(staff_client, _big_source()))
    other = get_user_model().objects.create_superuser("other", "o@example.com", "pw-other-123")
    client.force_login(other)

    response = client.post(URL, fields)

    assert response.status_code == 400
    assert Action.objects.get(name="ims:images:share").description != NEW_SHARE


def test_reviewing_keeps_one_draft_per_file_and_drops_expired_ones(staff_client):
    text = _big_source()
    _review(staff_client, text)
    ImportDraft.objects.update(created_at=timezone.now() - timedelta(days=2))

    _review(staff_client, text)
    _review(staff_client, text)

    assert ImportDraft.objects.count() == 1
    assert ImportDraft.objects.get().created_at > timezone.now() - timedelta(hours=1)


def test_a_file_over_the_upload_limit_is_refused_with_a_sentence(staff_client):
    response = _review(staff_client, "{" + " " * MAX_UPLOAD + "}")

    assert response.status_code == 200
    assert "The file is larger than 2 MB" in response.content.decode()
    assert ImportDraft.objects.count() == 0


def test_the_review_page_opens_for_staff(staff_client):
    response = staff_client.get(reverse("admin:catalog_import"))

    assert response.status_code == 200


def test_the_shipped_page_under_another_file_name_is_no_change(staff_client):
    page = (Path(__file__).parent / "fixtures" / "ims-scp-elements.txt").read_text()

    review = _review(staff_client, page, name="ims-copy.txt")

    body = html.unescape(review.content.decode())
    assert "changed service ims" not in body
    assert "Apply these" not in body and "Apply this" not in body  # nothing to apply


def test_one_change_is_offered_in_the_singular_and_long_lines_wrap(staff_client):
    review = _review(staff_client, _big_source())

    fields = _apply_form(review)
    assert fields["confirm"] == "Apply this 1 change"
    assert "white-space: pre-wrap" in review.content.decode()
