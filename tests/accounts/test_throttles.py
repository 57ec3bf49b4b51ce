"""API request rates: counted per address (anonymous) or per user, in the database's
shared cache table, and answered 429 with a sentence saying until when."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection

from scpstudio.accounts import services
from tests.accounts.helpers import json_body, token_client
from tests.policies.api_helpers import send, url

pytestmark = pytest.mark.django_db
VALIDATE = "/api/v1/validate"
CATALOG = "/api/v1/catalog/services/"


@pytest.fixture
def rates(settings):
    """Real rates, small enough to reach (the suite's settings turn them off)."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/minute", "user": "4/minute"},
    }


def _validate(client):
    return client.post(VALIDATE, {"document": "{}"}, content_type="application/json")


def test_anonymous_requests_past_the_rate_answer_429_with_a_sentence(rates, client):
    statuses = [_validate(client).status_code for _ in range(3)]

    refused = _validate(client)

    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    body = json_body(refused)
    assert body["field"] is None
    assert re.fullmatch(
        r"Too many requests: 3 requests per minute are allowed\. Try again after "
        r"\d\d:\d\d:\d\d UTC \(in \d+ seconds\)\.",
        body["error"],
    ), body
    assert 0 < int(refused["Retry-After"]) <= 60


def test_addresses_are_counted_apart(rates, client):
    from django.test import Client

    for _ in range(3):
        _validate(client)

    other = _validate(Client(REMOTE_ADDR="198.51.100.2"))

    assert _validate(client).status_code == 429
    assert other.status_code == 200


def test_a_user_is_counted_whichever_way_they_sign_in(rates, alice):
    from tests.policies.api_helpers import client_for

    _, key = services.token_create(user=alice, name="CI")
    session = client_for(alice)
    token = token_client(key)
    statuses = [
        send(c, "GET", url("policies")).status_code for c in (session, token, session, token)
    ]

    refused = send(token, "GET", url("policies"))

    assert statuses == [200] * 4
    assert refused.status_code == 429
    assert "4 requests per minute" in json_body(refused)["error"]


def test_the_catalog_api_is_throttled_too(rates, client):
    for _ in range(3):
        assert client.get(CATALOG).status_code == 200

    assert client.get(CATALOG).status_code == 429


def test_counts_live_in_the_database_every_app_server_reads(rates, client):
    _validate(client)

    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM scp_shared_cache")
        keys = [row[0] for row in cursor.fetchall()]

    assert settings.CACHES["shared"]["BACKEND"].endswith("DatabaseCache")
    assert any("throttle_anon_127.0.0.1" in key for key in keys), keys
    assert caches["shared"].get("throttle_anon_127.0.0.1") is not None


def test_rates_off_count_nothing(client):
    for _ in range(20):
        assert _validate(client).status_code == 200

    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM scp_shared_cache")
        assert cursor.fetchone()[0] == 0
