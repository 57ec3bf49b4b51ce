"""Logging in and out through the app's own pages; the editor stays open to anyone."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(db):
    return get_user_model().objects.create_user("alice", "a@example.com", "pw-alice-123")


def test_the_editor_needs_no_account(client):
    response = client.get("/editor/")
    assert response.status_code == 200
    assert 'href="/accounts/login/?next=/editor/"' in response.content.decode()


def test_log_in_goes_back_where_the_person_was(client, alice):
    page = client.get("/accounts/login/?next=/catalog/actions/")
    assert page.status_code == 200
    assert 'name="next" value="/catalog/actions/"' in page.content.decode()
    response = client.post(
        "/accounts/login/",
        {"username": "alice", "password": "pw-alice-123", "next": "/catalog/actions/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/catalog/actions/"
    shown = client.get("/editor/").content.decode()
    assert "alice" in shown and "Log out" in shown


def test_a_wrong_password_says_so_and_logs_no_one_in(client, alice):
    response = client.post("/accounts/login/", {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'role="alert"' in body and "correct username and password" in body
    assert not response.wsgi_request.user.is_authenticated


def test_an_external_next_is_ignored(client, alice):
    response = client.post(
        "/accounts/login/",
        {"username": "alice", "password": "pw-alice-123", "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_log_out_is_a_post_and_lands_on_the_app(client, alice):
    client.force_login(alice)
    response = client.post("/accounts/logout/", follow=True)
    assert response.redirect_chain[-1][0] == "/editor/"
    assert not response.wsgi_request.user.is_authenticated
    assert client.get("/accounts/logout/").status_code == 405
