"""'Which APIs need this action' has one answer (issue #9 item 6): the action page, the API list
filtered by `?action=`, the REST API (the API list and the action's own `apis`) and the
editor's preview of a Deny of the action give the same APIs, each needed the same way."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from catalog.models import Action, Dependency

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
ROW = re.compile(
    r'<span class="method">(\w+)</span> ([^<]+)</code></td>\s*<td data-label="How" '
    r'class="how-(\w+)">'
)
ACTIONS = [
    "ims:images:get",
    "ims:serverImages:create",
    "ims:dataImages:create",
    "ims:images:upload",
    "ims:images:setTags",
    "ims:quotas:get",
]


def _page_rows(response) -> dict[str, str]:
    assert response.status_code == 200
    return {f"{m} {p}": how for m, p, how in ROW.findall(response.content.decode())}


def _action_page(client, action: str) -> dict[str, str]:
    return _page_rows(client.get(reverse("catalog:action", args=[action])))


def _api_list_page(client, action: str, **extra: str) -> dict[str, str]:
    return _page_rows(client.get(reverse("catalog:apis"), {"action": action, **extra}))


def _rest_api_list(client, action: str) -> dict[str, str]:
    page = client.get(reverse("catalog-api:apis"), {"action": action, "limit": 1000}).json()
    assert page["count"] == len(page["results"])
    return {f"{a['method']} {a['path']}": a["need"]["how"] for a in page["results"]}


def _rest_action(client, action: str) -> dict[str, str]:
    body = client.get(reverse("catalog-api:action", args=[action])).json()
    return {f"{a['method']} {a['path']}": a["how"] for a in body["apis"]}


def _preview_of_a_deny(client, action: str) -> dict[str, str]:
    """API -> how, read from the preview: denied outright (by the action itself or by a
    dependency of another), or denied only in one of its situational links."""
    document = {"Version": "5.0", "Statement": [{"Effect": "Deny", "Action": action}]}
    response = client.post(
        reverse("checks-api:preview"),
        json.dumps({"document": document}),
        content_type="application/json",
    )
    out = {}
    for row in response.json()["apis"]:
        label = f"{row['method']} {row['path']}"
        if row["outcome"] == "denied":
            [mine] = [a for a in row["actions"] if a["action"] == action]
            out[label] = "direct" if mine["dependency_of"] is None else "dependency"
        elif any(link["outcome"] == "denied" for link in row["conditional_links"]):
            out[label] = "situation"
    return out


@pytest.mark.parametrize("action", ACTIONS)
def test_every_place_gives_the_same_apis_the_same_way(client, action):
    answers = {
        "action page": _action_page(client, action),
        "API list page": _api_list_page(client, action),
        "REST API list": _rest_api_list(client, action),
        "REST action": _rest_action(client, action),
        "editor preview": _preview_of_a_deny(client, action),
    }

    expected = answers["editor preview"]
    assert expected, "every action of this list is needed by some API"
    for where, answer in answers.items():
        assert answer == expected, where


def test_get_image_is_four_apis_not_the_substring_matches(client):
    assert _api_list_page(client, "ims:images:get") == {
        "GET /v2/images/{image_id}": "direct",
        "PUT /v1/cloudimages/{image_id}/upload": "dependency",
        "PUT /v2/images/{image_id}/file": "dependency",
        "POST /v2/images/{image_id}/members": "dependency",
    }


def test_the_api_list_keeps_one_way_with_via(client):
    rows = _api_list_page(client, "ims:serverImages:create", via="situation")

    assert set(rows.values()) == {"situation"}
    assert len(rows) == 3


def test_the_api_list_counts_each_way_and_names_the_dependent_action(client):
    response = client.get(reverse("catalog:apis"), {"action": "ims:images:get"}, **HTMX)

    body = response.content.decode()
    assert "4 APIs need <code>ims:images:get</code>: 1 directly, 3 through a dependency." in body
    assert "through a dependency of <a href=" in body
    assert reverse("catalog:action", args=["ims:images:upload"]) in body


def test_the_action_name_compares_in_any_case_but_whole(client):
    assert _api_list_page(client, "IMS:Images:Get") == _api_list_page(client, "ims:images:get")
    assert _api_list_page(client, "ims:images:ge") == {}


def test_an_action_no_api_needs_says_so_in_a_sentence(client):
    response = client.get(reverse("catalog:apis"), {"action": "ims:images:*"})

    body = response.content.decode()
    assert response.status_code == 200
    assert "No API needs “ims:images:*”." in body
    assert "exact name" in body


def test_a_search_for_an_actions_exact_name_points_at_the_filter(client):
    response = client.get(reverse("catalog:apis"), {"q": "ims:images:get"}, **HTMX)

    assert f"{reverse('catalog:apis')}?action=ims%3Aimages%3Aget" in response.content.decode()


def test_a_dependency_added_in_the_catalog_shows_everywhere_on_the_next_request(client):
    assert "GET /v2/cloudimages" not in _action_page(client, "ims:images:get")
    listing = Action.objects.get(name="ims:images:list")
    target = Action.objects.get(name="ims:images:get")

    Dependency.objects.create(action=listing, target_name=target.name, target=target, position=0)

    assert _action_page(client, "ims:images:get")["GET /v2/cloudimages"] == "dependency"
    assert _rest_api_list(client, "ims:images:get")["GET /v2/cloudimages"] == "dependency"
    assert _preview_of_a_deny(client, "ims:images:get")["GET /v2/cloudimages"] == "dependency"


@pytest.mark.parametrize(
    ("params", "field", "sentence"),
    [
        ({"action": "ims:images:*"}, "action", "not a pattern"),
        ({"via": "dependency"}, "via", "give action too"),
        ({"action": "ims:images:get", "via": "sideways"}, "via", "direct, dependency, situation"),
    ],
)
def test_the_rest_filter_refuses_what_it_cannot_answer_with_a_sentence(
    client, params, field, sentence
):
    response = client.get(reverse("catalog-api:apis"), params)

    assert response.status_code == 400
    assert response.json()["field"] == field
    assert sentence in response.json()["error"]


def test_without_the_action_filter_no_api_carries_a_need(client):
    page = client.get(reverse("catalog-api:apis"), {"limit": 1000}).json()

    assert {a["need"] for a in page["results"]} == {None}
