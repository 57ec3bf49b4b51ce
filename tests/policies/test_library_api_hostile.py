"""Malformed requests to the library API: each answers 4xx with a sentence, never a 500,
and nothing is written."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scpstudio.policies.models import Policy, PolicyVersion
from tests.policies.api_helpers import client_for, create, error, send, url
from tests.policies.library import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(alice):
    return client_for(alice)


@pytest.mark.parametrize(
    "body, field, sentence",
    [
        ({"document": "{}"}, "name", "has no name"),
        ({"name": "x"}, "document", "has no document"),
        ({"name": 5, "document": "{}"}, "name", "must be text, not a number"),
        ({"name": "", "document": "{}"}, "name", "1 to 64"),
        ({"name": "x" * 65, "document": "{}"}, "name", "at most 64"),
        ({"name": " x", "document": "{}"}, "name", "start or end with a space"),
        ({"name": "a<b>", "document": "{}"}, "name", "only letters"),
        ({"name": "x", "document": {"Version": "5.0"}}, "document", "(a string), not an object"),
        ({"name": "x", "document": ["a"]}, "document", "not an array"),
        ({"name": "x", "document": None}, "document", "not null"),
        ({"name": "x", "document": "d" * 100_001}, "document", "at most 100,000"),
        ({"name": "x", "document": "\ud800"}, "document", "lone surrogate"),
        ({"name": "x", "document": "a\x00b"}, "document", "NUL"),
        ({"name": "x", "document": "{}", "description": "d" * 513}, "description", "513"),
        ({"name": "x", "document": "{}", "description": 1}, "description", "must be text"),
        ({"name": "x", "document": "{}", "profile": "aws"}, "profile", "one of: scp"),
        ({"name": "x", "document": "{}", "profile": None}, "profile", "one of: scp"),
        ({"name": "x", "document": "{}", "message": []}, "message", "must be text"),
        ({"name": "x", "document": "{}", "extra": 1}, "extra", "Unknown field"),
    ],
)
def test_a_bad_create_body_is_400_with_a_sentence_naming_the_field(api, body, field, sentence):
    answer = error(send(api, "POST", url("policies"), body), 400)

    assert answer["field"] == field
    assert sentence in answer["error"]
    assert not Policy.objects.exists()


@pytest.mark.parametrize(
    "raw, status",
    [
        ("", 400),
        ("[]", 400),
        ('"text"', 400),
        ("null", 400),
        ("{", 400),
        ("[" * 100_000, 400),
        ('{"name": "x", "document": "{}", "n": 1e999}', 400),
        ("\xff", 400),
    ],
)
def test_a_body_that_is_no_json_object_is_4xx_with_a_sentence(api, raw, status):
    error(send(api, "POST", url("policies"), raw.encode("latin-1")), status)


def test_a_body_past_two_megabytes_is_413(api):
    body = json.dumps({"name": "x", "document": "x" * (3 * 1024 * 1024)})

    error(send(api, "POST", url("policies"), body), 413)


def test_a_form_body_is_415(api):
    response = api.post(url("policies"), {"name": "x", "document": "{}"})

    error(response, 415)


@pytest.mark.parametrize(
    "body, field",
    [
        ({"base_version": 1}, "document"),
        ({"document": "{}"}, "base_version"),
        ({"document": "{}", "base_version": "1"}, "base_version"),
        ({"document": "{}", "base_version": 0}, "base_version"),
        ({"document": "{}", "base_version": True}, "base_version"),
        ({"document": "{}", "base_version": 1.5}, "base_version"),
        ({"document": "{}", "base_version": 10**30}, "base_version"),
        ({"document": 1, "base_version": 1}, "document"),
        ({"document": "{}", "base_version": 1, "name": "bad/name"}, "name"),
    ],
)
def test_a_bad_save_body_is_400_and_saves_nothing(api, body, field):
    created = create(api)

    answer = error(send(api, "PUT", url("policy", created["id"]), body), 400)

    assert answer["field"] == field
    assert PolicyVersion.objects.count() == 1


@pytest.mark.parametrize("policy_id", ["x", "0", "-1", "9" * 40, "1.0", "%00"])
def test_an_id_that_is_no_id_is_a_json_404(api, policy_id):
    error(send(api, "GET", f"/api/v1/policies/{policy_id}/"), 404)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
fields = st.sampled_from(
    ["name", "description", "profile", "document", "message", "base_version", "from", "draft"]
)
bodies = st.dictionaries(fields, json_values | st.text(max_size=70), max_size=5)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(body=bodies, method=st.sampled_from(["POST", "PUT", "PATCH"]))
def test_any_body_answers_below_500_with_a_sentence(body, method):
    # Examples share the test's database: the user and its policy are made once.
    api = client_for(_fuzz_user())
    policy_id = Policy.objects.filter(name="Fuzz target").values_list("pk", flat=True).first()
    if policy_id is None:
        policy_id = create(api, name="Fuzz target")["id"]
    path = url("policies") if method == "POST" else url("policy", policy_id)

    response = send(api, method, path, body)

    assert response.status_code < 500
    if response.status_code >= 400:
        answer = response.json()
        assert answer["error"].endswith("."), answer


def _fuzz_user():
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username="fuzz").first()
    return user or make_user("fuzz")
