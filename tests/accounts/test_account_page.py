"""The "Your account" page: reached from the header, lists your tokens, makes one (its key
shown once) and revokes one."""

from __future__ import annotations

import re

import pytest

from scpstudio.accounts import services
from scpstudio.accounts.models import ApiToken
from tests.accounts.helpers import token_client
from tests.policies.api_helpers import send, url

pytestmark = pytest.mark.django_db
KEY = re.compile(r'<code id="new-token-key"[^>]*>(scp_[A-Za-z0-9_-]+)</code>')


def test_the_header_links_to_the_account_page(client, alice):
    client.force_login(alice)

    page = client.get("/editor/").content.decode()

    assert '<a href="/accounts/" title="Your account and API tokens"' in page


def test_the_page_needs_a_sign_in(client):
    response = client.get("/accounts/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/"


def test_making_a_token_shows_its_key_once_and_the_key_signs_in(client, alice):
    client.force_login(alice)

    made = client.post("/accounts/tokens/", {"name": "CI lint"})
    key = KEY.search(made.content.decode()).group(1)
    later = client.get("/accounts/").content.decode()

    assert made.status_code == 200
    assert "no-store" in made["Cache-Control"]
    assert "shown only this once" in made.content.decode()
    assert key not in later
    assert "CI lint" in later and f"{key[:10]}…" in later
    assert send(token_client(key), "GET", url("policies")).status_code == 200


def test_the_page_lists_only_your_tokens(client, alice, bob):
    services.token_create(user=alice, name="Alices script")
    services.token_create(user=bob, name="Bobs script")
    client.force_login(alice)

    page = client.get("/accounts/").content.decode()

    assert "Alices script" in page
    assert "Bobs script" not in page


def test_revoking_a_token_refuses_it_from_then_on(client, alice):
    token, key = services.token_create(user=alice, name="CI")
    client.force_login(alice)

    response = client.post(f"/accounts/tokens/{token.pk}/revoke/", follow=True)

    assert response.redirect_chain[-1][0] == "/accounts/?done=revoked"
    assert "was revoked" in response.content.decode()
    assert not ApiToken.objects.exists()
    assert send(token_client(key), "GET", url("policies")).status_code == 401


def test_nobody_revokes_anothers_token(client, alice, bob):
    token, _ = services.token_create(user=bob, name="CI")
    client.force_login(alice)

    response = client.post(f"/accounts/tokens/{token.pk}/revoke/")

    assert response.status_code == 404
    assert "no such token" in response.content.decode()
    assert ApiToken.objects.filter(pk=token.pk).exists()


@pytest.mark.parametrize(
    ("name", "says"),
    [("", "Name the token"), ("   ", "Name the token"), ("x" * 65, "at most 64 characters")],
)
def test_a_bad_name_is_refused_with_a_sentence(client, alice, name, says):
    client.force_login(alice)

    response = client.post("/accounts/tokens/", {"name": name})

    assert response.status_code == 400
    assert says in response.content.decode()
    assert not ApiToken.objects.exists()


def test_the_token_forms_are_posts_only(client, alice):
    token, _ = services.token_create(user=alice, name="CI")
    client.force_login(alice)

    assert client.get("/accounts/tokens/").status_code == 405
    assert client.get(f"/accounts/tokens/{token.pk}/revoke/").status_code == 405
