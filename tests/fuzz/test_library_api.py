"""The policy library API: any body or query answers 2xx, or 4xx with a sentence (how
quickly: `make bench`), and a saved document always reopens as the exact text sent."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from hypothesis import example, given
from hypothesis import strategies as st
from rest_framework.test import APIClient

from tests.fuzz.answers import assert_answered
from tests.fuzz.budget import fuzz
from tests.fuzz.strategies import (
    INFINITE_NUMBER_TEXT,
    KNOWN_HOSTILE_PREVIEWS,
    PROFILES,
    contexts,
    hostile_text,
    json_values,
    policies,
    policy_texts,
)
from tests.fuzz.test_api import RAW_BODIES

pytestmark = pytest.mark.django_db

BASE = '{"Version": "5.0", "Statement": [{"Effect": "Deny", "Action": "ims:images:get"}]}'

texts = st.one_of(policy_texts(), policies().map(json.dumps), hostile_text)
anything = st.one_of(texts, json_values)
save_bodies = st.fixed_dictionaries(
    {},
    optional={
        "name": st.one_of(st.text(max_size=70), json_values),
        "description": anything,
        "profile": st.one_of(st.sampled_from(PROFILES), anything),
        "document": anything,
        "message": anything,
        "base_version": st.one_of(st.integers(), anything),
    },
)
diff_bodies = st.fixed_dictionaries(
    {"from": st.one_of(st.just(1), st.integers(), json_values)},
    optional={
        "to": st.one_of(st.just(1), json_values),
        "draft": anything,
        "context": st.one_of(st.none(), contexts()),
        "full_access": st.one_of(st.booleans(), json_values),
    },
)


@pytest.fixture
def api(db) -> APIClient:
    user = get_user_model().objects.create_user("fuzzer", "f@example.com", "pw-fuzz-123")
    client = APIClient()
    client.force_login(user)
    return client


def _send(client: APIClient, method: str, path: str, body: bytes, content_type: str) -> Any:
    return client.generic(method, path, body, content_type=content_type)


def _encoded(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=True, allow_nan=True).encode()


def _policy_id(client: APIClient) -> int:
    body = {"name": "Fuzz target", "document": BASE}
    response = _send(client, "POST", "/api/v1/policies/", _encoded(body), "application/json")
    if response.status_code == 201:
        return int(response.json()["id"])
    listed = client.get("/api/v1/policies/?q=Fuzz+target").json()
    return int(listed["results"][0]["id"])


@fuzz(300)
@given(body=save_bodies, method=st.sampled_from(["POST", "PUT", "PATCH"]))
@example(body={"name": "x", "document": INFINITE_NUMBER_TEXT}, method="POST")
@example(body={"name": "x", "document": "\ud800"}, method="POST")
@example(body={"document": "[" * 100_000, "base_version": 1}, method="PUT")
def test_any_save_body_answers(api, timed, body, method):
    policy_id = _policy_id(api)
    path = "/api/v1/policies/" if method == "POST" else f"/api/v1/policies/{policy_id}/"

    response, seconds = timed(_send, api, method, path, _encoded(body), "application/json")

    assert_answered(response, seconds, what=body)
    if response.status_code in (200, 201) and isinstance(body.get("document"), str):
        assert response.json()["document"] == body["document"]


@fuzz(200)
@given(body=diff_bodies)
def test_any_diff_body_answers(api, timed, body):
    path = f"/api/v1/policies/{_policy_id(api)}/diff"

    response, seconds = timed(_send, api, "POST", path, _encoded(body), "application/json")

    assert_answered(response, seconds, what=body)


@pytest.mark.parametrize("case", KNOWN_HOSTILE_PREVIEWS, ids=range(len(KNOWN_HOSTILE_PREVIEWS)))
def test_known_hostile_drafts_are_compared(api, timed, case):
    policy, context = case
    draft = policy if isinstance(policy, str) else json.dumps(policy)
    body = _encoded({"from": 1, "draft": draft, "context": context})
    path = f"/api/v1/policies/{_policy_id(api)}/diff"

    response, seconds = timed(_send, api, "POST", path, body, "application/json")

    assert_answered(response, seconds, what=case)


@fuzz(200)
@given(
    name=st.sampled_from(["diff", "export", "versions/", "", "versions/1/"]),
    query=st.dictionaries(
        st.sampled_from(["from", "to", "format", "version", "q", "limit", "offset"]),
        hostile_text,
        max_size=3,
    ),
)
def test_any_query_answers(api, timed, name, query):
    pairs = "&".join(f"{key}={_quoted(value)}" for key, value in query.items())
    path = f"/api/v1/policies/{_policy_id(api)}/{name}?{pairs}"

    response, seconds = timed(api.get, path)

    assert_answered(response, seconds, what=(name, query))


@pytest.mark.parametrize("body, content_type", RAW_BODIES, ids=range(len(RAW_BODIES)))
@pytest.mark.parametrize("method", ["POST", "PUT"])
def test_a_body_that_is_not_the_request_gets_a_sentence(api, timed, body, content_type, method):
    policy_id = _policy_id(api)
    path = "/api/v1/policies/" if method == "POST" else f"/api/v1/policies/{policy_id}/"

    response, seconds = timed(_send, api, method, path, body, content_type)

    assert_answered(response, seconds, what=body[:80])


@fuzz(100)
@given(policy_id=hostile_text)
def test_any_policy_id_answers(api, timed, policy_id):
    path = f"/api/v1/policies/{_quoted(policy_id)}/"

    response, seconds = timed(api.get, path)

    assert_answered(response, seconds, what=policy_id)


def _quoted(text: str) -> str:
    """Percent-encoded as a client would send it; a lone surrogate as its UTF-8 bytes."""
    return quote(text.encode("utf-8", "surrogatepass"), safe="")
