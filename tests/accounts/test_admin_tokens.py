"""API tokens in the admin: made with the key shown once, listed without it, revoked by
deleting, never edited."""

from __future__ import annotations

import re

import pytest

from scpstudio.accounts import services
from scpstudio.accounts.models import ApiToken
from tests.accounts.helpers import token_client
from tests.policies.api_helpers import send, url

pytestmark = pytest.mark.django_db
KEY = re.compile(r'<code id="new-token-key">(scp_[A-Za-z0-9_-]+)</code>')


def test_an_admin_makes_a_token_for_a_user_and_sees_the_key_once(staff_client, alice):
    form = staff_client.get("/admin/accounts/apitoken/add/")

    made = staff_client.post("/admin/accounts/apitoken/add/", {"username": "alice", "name": "CI"})
    key = KEY.search(made.content.decode()).group(1)
    listed = staff_client.get("/admin/accounts/apitoken/").content.decode()

    assert form.status_code == 200 and 'name="username"' in form.content.decode()
    assert made.status_code == 200 and "shown only this once" in made.content.decode()
    assert "no-store" in made["Cache-Control"]
    assert ApiToken.objects.get().user == alice
    assert key not in listed and f"{key[:10]}…" in listed
    assert send(token_client(key), "GET", url("policies")).status_code == 200


def test_the_admin_form_names_what_is_wrong(staff_client, alice):
    services.token_create(user=alice, name="CI")

    nobody = staff_client.post("/admin/accounts/apitoken/add/", {"username": "zed", "name": "x"})
    twice = staff_client.post("/admin/accounts/apitoken/add/", {"username": "alice", "name": "CI"})

    assert "There is no user &#x27;zed&#x27;." in nobody.content.decode()
    assert "It already has a token named" in twice.content.decode()
    assert ApiToken.objects.count() == 1


def test_deleting_a_token_in_the_admin_revokes_it(staff_client, alice):
    token, key = services.token_create(user=alice, name="CI")

    confirm = staff_client.get(f"/admin/accounts/apitoken/{token.pk}/delete/")
    staff_client.post(f"/admin/accounts/apitoken/{token.pk}/delete/", {"post": "yes"})

    assert confirm.status_code == 200
    assert not ApiToken.objects.exists()
    assert send(token_client(key), "GET", url("policies")).status_code == 401


def test_a_token_is_shown_but_never_edited(staff_client, alice):
    token, _ = services.token_create(user=alice, name="CI")
    change = f"/admin/accounts/apitoken/{token.pk}/change/"

    page = staff_client.get(change)
    posted = staff_client.post(change, {"name": "renamed"})

    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert posted.status_code == 403
    assert ApiToken.objects.get().name == "CI"
