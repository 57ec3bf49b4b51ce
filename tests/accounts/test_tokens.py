"""API tokens: a script signs in with `Authorization: Token <key>`; keys are stored as
digests only; revoked and wrong keys are refused with a Token challenge."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from scpstudio.accounts import services
from scpstudio.accounts.models import ApiToken
from scpstudio.policies.models import Policy
from tests.accounts.helpers import json_body, token_client
from tests.policies.api_helpers import send, url

pytestmark = pytest.mark.django_db


def test_a_script_with_a_token_reads_and_writes_its_policies(alice):
    _, key = services.token_create(user=alice, name="CI")
    api = token_client(key)

    created = send(api, "POST", url("policies"), {"name": "From CI", "document": "{}"})
    policy_id = created.json()["id"]
    saved = send(
        api,
        "PUT",
        url("policy", policy_id),
        {"document": '{"Version": "5.0"}', "base_version": 1, "message": "second"},
    )
    listed = send(api, "GET", url("policies"))

    assert created.status_code == 201, created.content
    assert saved.status_code == 200, saved.content
    assert saved.json()["version"] == 2
    assert [p["name"] for p in listed.json()["results"]] == ["From CI"]
    assert Policy.objects.get(pk=policy_id).owner == alice


def test_a_token_needs_no_csrf_token_to_write(alice):
    from rest_framework.test import APIClient

    _, key = services.token_create(user=alice, name="CI")
    strict = APIClient(enforce_csrf_checks=True)
    strict.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    response = send(strict, "POST", url("policies"), {"name": "No CSRF", "document": "{}"})

    assert response.status_code == 201, response.content


def test_a_token_sees_only_its_users_policies(alice, bob):
    send(
        token_client(services.token_create(user=bob, name="b")[1]),
        "POST",
        url("policies"),
        {"name": "Bobs", "document": "{}"},
    )
    _, key = services.token_create(user=alice, name="CI")

    listed = send(token_client(key), "GET", url("policies"))

    assert listed.json()["count"] == 0


@pytest.mark.parametrize(
    "header",
    [
        "Token scp_notarealkey",
        "Token ",
        "Token",
        "Token a b",
        "Token " + "x" * 5000,
        "token scp_lowercase_scheme_wrong_key",
    ],
)
def test_a_wrong_token_answers_401_with_a_token_challenge(alice, header):
    services.token_create(user=alice, name="CI")
    from tests.accounts.helpers import script

    response = send(script(header), "GET", url("policies"))

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    body = json_body(response)
    assert set(body) == {"error", "field"}
    assert body["error"].endswith(".")


def test_a_revoked_token_answers_401(alice):
    token, key = services.token_create(user=alice, name="CI")
    api = token_client(key)
    assert send(api, "GET", url("policies")).status_code == 200

    services.token_revoke(user=alice, token_id=token.pk)
    response = send(api, "GET", url("policies"))

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert "revoked" in json_body(response)["error"]


def test_a_token_of_a_disabled_account_answers_401(alice):
    _, key = services.token_create(user=alice, name="CI")
    alice.is_active = False
    alice.save()

    response = send(token_client(key), "GET", url("policies"))

    assert response.status_code == 401
    assert json_body(response)["error"] == "This account is disabled."


def test_keys_are_not_in_the_database_in_clear(alice):
    token, key = services.token_create(user=alice, name="CI")
    secret = key.removeprefix("scp_")

    dumped = io.StringIO()
    call_command("dumpdata", stdout=dumped)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_apitoken")
        row = [str(value) for value in cursor.fetchone()]

    assert secret not in dumped.getvalue()
    assert not any(secret in value or value in key for value in row if len(value) > 10)
    assert token.prefix == key[: len(token.prefix)] and len(token.prefix) == 10
    assert token.key_digest != key and len(token.key_digest) == 64


def test_a_token_records_when_it_was_last_used(alice):
    token, key = services.token_create(user=alice, name="CI")
    assert token.last_used_at is None

    send(token_client(key), "GET", url("policies"))

    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None


def test_each_key_is_new_and_names_are_unique_per_user(alice, bob):
    _, first = services.token_create(user=alice, name="CI")
    _, second = services.token_create(user=bob, name="CI")

    with pytest.raises(services.AccountInputError, match='already have a token named "CI"'):
        services.token_create(user=alice, name="CI")
    assert first != second and first.startswith("scp_") and len(first) == 47


def test_an_account_holds_at_most_twenty_tokens(alice):
    for n in range(services.TOKENS_PER_USER):
        services.token_create(user=alice, name=f"t{n}")

    with pytest.raises(services.AccountInputError, match="revoke one"):
        services.token_create(user=alice, name="one more")
    assert ApiToken.objects.filter(user=alice).count() == services.TOKENS_PER_USER


def test_one_user_cannot_revoke_anothers_token(alice, bob):
    token, key = services.token_create(user=alice, name="CI")

    with pytest.raises(services.AccountInputError, match="no such token"):
        services.token_revoke(user=bob, token_id=token.pk)
    assert send(token_client(key), "GET", url("policies")).status_code == 200


# -- manage.py create_token ------------------------------------------------------------------


def test_create_token_prints_a_key_that_signs_in(alice):
    out = io.StringIO()

    call_command("create_token", "alice", "--name", "Deploy bot", stdout=out)
    key = out.getvalue().strip()

    assert ApiToken.objects.get(user=alice).name == "Deploy bot"
    assert send(token_client(key), "GET", url("policies")).status_code == 200


def test_create_token_names_a_missing_user(db):
    with pytest.raises(CommandError, match="There is no user 'nobody'"):
        call_command("create_token", "nobody")


def test_create_token_refuses_a_second_token_of_the_same_name(alice):
    call_command("create_token", "alice", stdout=io.StringIO())

    with pytest.raises(CommandError, match="Provisioned"):
        call_command("create_token", "alice", stdout=io.StringIO())


def test_the_schema_documents_401_and_429_on_the_library(client):
    schema = json.loads(client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").content)

    responses = schema["paths"]["/api/v1/policies/"]["get"]["responses"]

    assert {"401", "429"} <= set(responses)
