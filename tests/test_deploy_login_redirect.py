"""Signing in (the admin's login, the only one) never ends on a page that does not exist,
whatever `next` it was given."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db


@pytest.fixture
def maintainer(db):
    return get_user_model().objects.create_superuser("maint", "m@example.com", "pw-maint-123")


def test_a_login_with_an_external_next_lands_on_the_editor(client, maintainer):
    response = client.post(
        "/admin/login/",
        {"username": "maint", "password": "pw-maint-123", "next": "https://evil.example/"},
        follow=True,
    )

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/editor/"
    assert all("evil.example" not in url for url, _ in response.redirect_chain)
    assert response.wsgi_request.user.is_authenticated


def test_a_login_with_a_safe_next_still_goes_there(client, maintainer):
    response = client.post(
        "/admin/login/",
        {"username": "maint", "password": "pw-maint-123", "next": "/catalog/actions/"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/catalog/actions/"


def test_a_logout_with_an_external_next_stays_on_this_site(client, maintainer):
    client.force_login(maintainer)

    response = client.post("/admin/logout/", {"next": "https://evil.example/"}, follow=True)

    assert response.status_code == 200
    assert all("evil.example" not in url for url, _ in response.redirect_chain)
    assert not response.wsgi_request.user.is_authenticated
