"""The browse pages show fifty rows at a time: a synced catalog holds thousands."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from catalog.models import ActionConditionKey
from tests.catalog.schema_data import as_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_snapshot")]


def _big_service(tmp_path, actions: int = 150) -> None:
    schema = {
        "version": "1",
        "actions": [
            {
                "name": f"big:things:do{i:03d}",
                "access_level": "read" if i % 2 else "delete",
                "description": {"en_US": f"Thing {i}."},
                "condition_keys": ["g:EnterpriseProjectId"],
            }
            for i in range(actions)
        ],
    }
    path = tmp_path / "big.json"
    path.write_text(as_text(schema), encoding="utf-8")
    call_command("import_catalog", str(path), stdout=StringIO())


def test_the_action_list_pages_by_fifty(client, tmp_path):
    _big_service(tmp_path, actions=80)

    first = client.get("/catalog/services/big/").content.decode()
    second = client.get("/catalog/services/big/", {"page": "2"}).content.decode()

    assert "80 actions." in first and "1–50 of 80" in first
    assert 'rel="next" href="?page=2"' in first
    assert "big:things:do049" in first and "big:things:do050" not in first
    assert "51–80 of 80" in second and "big:things:do079" in second
    assert 'rel="prev"' in second and 'rel="next"' not in second


def test_a_search_pages_too_and_keeps_its_filters(client, tmp_path):
    _big_service(tmp_path, actions=120)

    page = client.get("/catalog/actions/", {"q": "big:things", "level": "delete"})

    body = page.content.decode()
    assert "60 actions matching" in body
    assert "q=big%3Athings&amp;level=delete&amp;page=2" in body


def test_an_unknown_access_level_is_a_group_and_a_filter(client, tmp_path):
    _big_service(tmp_path, actions=4)

    page = client.get("/catalog/services/big/", {"level": "delete"}).content.decode()

    assert '<option value="delete" selected>Delete</option>' in page
    assert "2 actions" in page and "<h3>Delete" in page


def test_a_key_many_actions_list_shows_the_first_few_and_how_many(client, tmp_path):
    _big_service(tmp_path)

    page = client.get("/catalog/condition-keys/", {"q": "g:EnterpriseProjectId"}).content.decode()

    assert "big:things:do009" in page and "big:things:do010" not in page
    listed = ActionConditionKey.objects.filter(key_name="g:EnterpriseProjectId").count()
    assert listed > 150
    assert f"({listed} actions in all)" in page
