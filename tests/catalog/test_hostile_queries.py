"""Hostile query strings on the catalog's lists: the browse pages and the REST API.

A limit or offset that is not a whole number in range answers 400 with a sentence naming
it; any other parameter, however long or odd, answers 2xx or 4xx, never 500.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

# Each list with the parameters it reads; every list also gets the paging ones and a stranger.
API_LISTS = {
    "/api/v1/catalog/services/": ["service"],
    "/api/v1/catalog/actions/": ["service", "access_level", "resource_type", "condition_key", "q"],
    "/api/v1/catalog/resource-types/": ["service"],
    "/api/v1/catalog/condition-keys/": ["service", "scope"],
    "/api/v1/catalog/apis/": ["service", "action"],
}
PAGES = {
    "/catalog/": [],
    "/catalog/actions/": ["q", "level"],
    "/catalog/services/ims/": ["q", "level"],
    "/catalog/condition-keys/": ["q", "scope"],
    "/catalog/apis/": ["q", "service"],
}
ALWAYS = ["limit", "offset", "page", "format", "unknown"]
DETAILS = [
    "/api/v1/catalog/services/{}/",
    "/api/v1/catalog/actions/{}/",
    "/catalog/actions/{}/",
]
# Already percent-encoded: huge and negative ints, NUL, 10,000 characters, a lone surrogate,
# a broken UTF-8 byte, and many repeats of a parameter.
HOSTILE_VALUES = [
    "9223372036854775808",
    "-9223372036854775809",
    "9" * 5000,
    "-1",
    "1e999",
    "%00",
    "a%00b",
    "x" * 10_000,
    "%ED%A0%80",
    "%FF",
    "%F0%9F%92%A9" * 100,
    quote("<script>alert(1)</script>"),
]
OUT_OF_RANGE = [
    ("limit", "9223372036854775808"),
    ("limit", "9" * 5000),
    ("limit", "-1"),
    ("limit", "0"),
    ("limit", "1001"),
    ("limit", "abc"),
    ("limit", "1.5"),
    ("limit", "%00"),
    ("limit", "%ED%A0%80"),
    ("offset", "9223372036854775808"),
    ("offset", "-1"),
    ("offset", "ten"),
    ("offset", "1e3"),
]


@pytest.mark.parametrize("url", list(API_LISTS))
@pytest.mark.parametrize(("name", "value"), OUT_OF_RANGE)
def test_api_list_answers_400_naming_a_bad_limit_or_offset(client: Client, url, name, value):
    response = client.get(f"{url}?{name}={value}")

    assert response.status_code == 400
    body = response.json()
    assert body["field"] == name
    assert body["error"].startswith(f"{name} must be a whole number from ")


def test_api_list_says_which_limits_it_takes(client: Client):
    response = client.get("/api/v1/catalog/actions/?limit=9223372036854775808")

    assert response.json() == {
        "error": "limit must be a whole number from 1 to 1,000, not '9223372036854775808'.",
        "field": "limit",
    }


@pytest.mark.parametrize(
    ("query", "count", "shown"),
    [("limit=1000", 26, 26), ("limit=1&offset=25", 26, 1), ("offset=26", 26, 0), ("", 26, 26)],
)
def test_api_list_takes_every_limit_and_offset_in_range(client: Client, query, count, shown):
    response = client.get(f"/api/v1/catalog/actions/?{query}")

    assert response.status_code == 200
    assert (response.json()["count"], len(response.json()["results"])) == (count, shown)


def test_an_empty_limit_is_refused_as_the_schema_says(client: Client):
    response = client.get("/api/v1/catalog/actions/?limit=&offset=")

    assert response.status_code == 400
    assert response.json() == {
        "error": "limit must be a whole number from 1 to 1,000, not ''.",
        "field": "limit",
    }


@pytest.mark.parametrize("url", [*API_LISTS, *PAGES])
def test_every_parameter_with_a_hostile_value_answers_2xx_or_4xx(client: Client, url):
    names = {**API_LISTS, **PAGES}[url] + ALWAYS
    variants = [{}, {"HTTP_HX_REQUEST": "true"}] if url in PAGES else [{}]
    answers = {}
    for name in names:
        for value in HOSTILE_VALUES:
            for headers in variants:
                response = client.get(f"{url}?{name}={value}", **headers)
                answers[(name, value[:20], bool(headers))] = response.status_code

    failed = {key: status for key, status in answers.items() if not 200 <= status < 500}
    assert failed == {}


@pytest.mark.parametrize("url", [*API_LISTS, *PAGES])
def test_every_parameter_at_once_many_times_answers_2xx_or_4xx(client: Client, url):
    names = {**API_LISTS, **PAGES}[url] + ALWAYS
    query = "&".join(f"{name}={value}" for name in names for value in HOSTILE_VALUES[:8])

    response = client.get(f"{url}?{query}")

    assert 200 <= response.status_code < 500


@pytest.mark.parametrize("url", DETAILS)
@pytest.mark.parametrize(
    "name", ["%00", "ims%00", "x" * 5000, "%ED%A0%80", "%FF", "9" * 5000, "..%2F..%2Fetc"]
)
def test_a_detail_page_of_a_hostile_name_answers_404(client: Client, url, name):
    response = client.get(url.format(name))

    assert response.status_code == 404


def test_browse_search_with_a_nul_byte_answers_the_page(client: Client):
    response = client.get("/catalog/actions/?q=ima%00ges")

    assert response.status_code == 200
    assert "ims:images:list" in response.content.decode()
