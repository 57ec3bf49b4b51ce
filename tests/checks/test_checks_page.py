"""The checks reference page: every finding code the engine can report has its anchor."""

from __future__ import annotations

import pytest
from django.urls import reverse

from scpstudio.engine.findings import Code


@pytest.mark.django_db
def test_every_finding_code_has_an_anchor_on_the_checks_page(client):
    response = client.get(reverse("checks"))

    body = response.content.decode()
    assert response.status_code == 200
    missing = [code.value for code in Code if f'id="{code.value}"' not in body]
    assert missing == []


@pytest.mark.django_db
def test_the_editor_links_findings_to_their_entry(client):
    response = client.post(
        reverse("editor:editor"),
        {"source": "json", "op": "json", "json": '{"Version": "1.1", "Statement": []}'},
    )

    assert f'href="{reverse("checks")}#INVALID_VERSION"' in response.content.decode()
