"""REST validate and preview: any body answers 200, or 4xx with `{"error": <sentence>}`
(how quickly: `make bench`)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tests.fuzz.answers import assert_answered
from tests.fuzz.budget import fuzz
from tests.fuzz.strategies import (
    EIGHT_THOUSAND_SQUARED,
    EIGHT_THOUSAND_SQUARED_PLAIN,
    INFINITE_NUMBER_TEXT,
    KNOWN_HOSTILE_PREVIEWS,
    PATTERN_VS_HUGE_IMAGE_ID,
    PROFILES,
    THOUSAND_CIDRS_VS_THOUSAND_IPS,
    WILDCARD_VS_HUGE_USER_AGENT,
    contexts,
    hostile_text,
    json_values,
    policies,
    policy_texts,
)

pytestmark = pytest.mark.django_db

URLS = ["/api/v1/validate", "/api/v1/preview"]

bodies = st.fixed_dictionaries(
    {"document": st.one_of(policies(), policy_texts(), json_values)},
    optional={
        "profile": st.one_of(st.sampled_from(PROFILES), hostile_text, json_values),
        "context": st.one_of(st.none(), contexts()),
        "full_access": st.one_of(
            st.booleans(), st.sampled_from(["true", "no", 1, None]), json_values
        ),
        "extra": json_values,
    },
)


def _post(client: Any, url: str, body: bytes, content_type: str = "application/json") -> Any:
    # `generic` sends the bytes as they are; `post` would re-encode them to the charset named.
    return client.generic("POST", url, body, content_type=content_type)


def _encoded(body: Any) -> bytes:
    """JSON as a client would send it; a lone surrogate travels as its escape."""
    return json.dumps(body, ensure_ascii=True, allow_nan=True).encode()


def _pinned(case: tuple[Any, Any]) -> Any:
    policy, context = case
    return example(body={"document": policy, "context": context, "profile": "scp"})


@pytest.mark.parametrize("url", URLS)
@fuzz(1_000)
@given(body=bodies)
@_pinned(WILDCARD_VS_HUGE_USER_AGENT)
@_pinned(THOUSAND_CIDRS_VS_THOUSAND_IPS)
@_pinned(EIGHT_THOUSAND_SQUARED)
@_pinned(EIGHT_THOUSAND_SQUARED_PLAIN)
@_pinned(PATTERN_VS_HUGE_IMAGE_ID)
@example(body={"document": INFINITE_NUMBER_TEXT})
@example(body={"document": {"Version": "5.0", "Statement": float("inf")}})
@example(body={"document": "x", "context": {"keys": {"g:SourceIp": "\ud800"}}})
def test_any_json_body_answers(client, timed, url, body):
    response, seconds = timed(_post, client, url, _encoded(body))

    assert_answered(response, seconds, what=body)


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("case", KNOWN_HOSTILE_PREVIEWS, ids=range(len(KNOWN_HOSTILE_PREVIEWS)))
def test_known_hostile_previews_answer(client, timed, url, case):
    policy, context = case
    body = _encoded({"document": policy, "context": context})

    response, seconds = timed(_post, client, url, body)

    assert_answered(response, seconds, what=url)


RAW_BODIES = [
    (b"", "application/json"),
    (b"{", "application/json"),
    (b"null", "application/json"),
    (b"[]", "application/json"),
    (b'"x"', "application/json"),
    (b"1e999", "application/json"),
    (b'{"document": 1e999}', "application/json"),
    (b'{"document": -0}', "application/json"),
    (b'{"document": ' + b"9" * 5_000 + b"}", "application/json"),
    (b'{"document": NaN}', "application/json"),
    (b'{"document": ' + b"[" * 100_000 + b"}", "application/json"),
    (b'{"document": "\\ud800"}', "application/json"),
    (b'{"document": "x", "document": "y"}', "application/json"),
    (b"\xff\xfe{}", "application/json"),
    (b'{"document": "x"}', "application/json; charset=latin-1"),
    (b'{"document": "x"}', "application/json; charset=nope"),
    (b'{"document": "x"}', "text/plain"),
    (b"document=x", "application/x-www-form-urlencoded"),
    (b'{"document": "x"}', ""),
    (b'{"document": "' + b"a" * (3 * 1024 * 1024) + b'"}', "application/json"),
]


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("body, content_type", RAW_BODIES, ids=range(len(RAW_BODIES)))
def test_a_body_that_is_not_the_request_gets_a_sentence(client, timed, url, body, content_type):
    response, seconds = timed(_post, client, url, body, content_type)

    assert_answered(response, seconds, what=body[:80])


@pytest.mark.parametrize("url", URLS)
@fuzz(200)
@given(
    body=st.binary(max_size=200),
    content_type=st.sampled_from(
        ["application/json", "application/json; charset=utf-16", "text/plain", ""]
    ),
)
def test_any_bytes_answer(client, timed, url, body, content_type):
    response, seconds = timed(_post, client, url, body, content_type)

    assert_answered(response, seconds, what=body)


@pytest.mark.parametrize("method", ["get", "put", "delete", "patch"])
@pytest.mark.parametrize("url", URLS)
def test_other_methods_get_a_sentence(client, timed, url, method):
    response, seconds = timed(getattr(client, method), url)

    assert_answered(response, seconds, what=method)
