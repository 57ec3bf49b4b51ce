"""A draft kept for someone not logged in ("Log in to save"): one per session, bounded,
refused past the bound with the text shown again; and no session for a request that
keeps nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from scpstudio.editor.saved import DRAFT_MAX_CHARS, SESSION_DRAFT
from scpstudio.engine.profiles import PROFILES
from tests.editor.helpers import HTMX, form_fields, kept_draft, shown_json
from tests.locks import writes_locked

pytestmark = pytest.mark.django_db


def _log_in_to_save(client: Client, text: str) -> Any:
    fields = form_fields(client.get("/editor/"))
    return client.post("/editor/save/", {**fields, "json": text, "source": "json", "op": "save"})


def _largest_policy_written_out() -> str:
    """A policy at the largest quota any profile has (counted minified), written with an
    indentation of four: what someone may well type or paste."""
    quota = max(p.max_size for p in PROFILES.values())
    actions: list[str] = []
    document = {"Version": "5.0", "Statement": [{"Effect": "Deny", "Action": actions}]}
    while len(json.dumps(document, separators=(",", ":"))) < quota - 20:
        actions.append(f"ims:images:a{len(actions)}")
    return json.dumps(document, indent=4)


def test_the_largest_policy_written_out_is_kept_as_a_draft(client: Client) -> None:
    text = _largest_policy_written_out()

    response = _log_in_to_save(client, text)

    assert response.status_code == 302
    assert client.session[SESSION_DRAFT]["json"] == text


def test_a_draft_at_the_bound_is_kept(client: Client) -> None:
    text = "x" * DRAFT_MAX_CHARS

    response = _log_in_to_save(client, text)

    assert response.status_code == 302
    assert client.session[SESSION_DRAFT]["json"] == text


def test_a_draft_past_the_bound_is_refused_with_the_text_shown_again(client: Client) -> None:
    text = "x" * (DRAFT_MAX_CHARS + 1)

    response = _log_in_to_save(client, text)

    assert response.status_code == 413
    assert f"holds at most {DRAFT_MAX_CHARS:,}" in response.content.decode()
    assert shown_json(response) == text
    assert not Session.objects.exists()


def test_a_second_draft_replaces_the_first_in_the_same_session(client: Client) -> None:
    _log_in_to_save(client, '{"first": 1}')

    _log_in_to_save(client, '{"second": 2}')

    assert Session.objects.count() == 1
    assert client.session[SESSION_DRAFT]["json"] == '{"second": 2}'


def test_a_draft_comes_back_once_and_leaves_the_session(client: Client) -> None:
    _log_in_to_save(client, '{"kept": 1}')

    back = client.get("/editor/?draft=1")

    assert shown_json(back) == '{"kept": 1}'
    assert SESSION_DRAFT not in client.session


def test_anonymous_requests_that_keep_nothing_make_no_session(client: Client) -> None:
    page = client.get("/editor/")
    client.post("/editor/", {**form_fields(page), "op": "check"}, **HTMX)
    client.post("/api/v1/validate", {"document": "{}"}, content_type="application/json")
    client.get("/catalog/")
    client.get("/policies/")
    client.get("/accounts/login/")
    client.post("/accounts/login/", {"username": "nobody", "password": "wrong"})

    assert not Session.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_draft_kept_while_the_database_is_locked_answers_503_with_the_text(
    client: Client,
) -> None:
    fields = form_fields(client.get("/editor/"))

    with writes_locked("django_session"):
        response = client.post(
            "/editor/save/", {**fields, "json": '{"kept": 1}', "source": "json", "op": "save"}
        )

    assert response.status_code == 503
    assert kept_draft(response)["json"] == '{"kept": 1}'
    assert not Session.objects.exists()
