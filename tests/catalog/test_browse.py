"""The read-only browse pages, with and without htmx."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_services_page_lists_ims_with_its_counts(client):
    response = client.get(reverse("catalog:services"))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Image Management Service (IMS)" in body
    assert reverse("catalog:service", args=["ims"]) in body
    assert ">26<" in body and ">29<" in body


def test_service_page_groups_the_26_actions_by_access_level(client):
    response = client.get(reverse("catalog:service", args=["ims"]))

    body = response.content.decode()
    assert "26 actions." in body
    groups = [g.label for g in response.context["groups"]]
    counts = [len(g.actions) for g in response.context["groups"]]
    assert groups == ["List", "Read", "Write", "Permission management", "Tagging"]
    assert counts == [3, 7, 14, 1, 1]
    assert "<html" in body


def test_search_without_javascript_renders_the_whole_page(client):
    response = client.get(reverse("catalog:actions"), {"q": "Tags"})

    body = response.content.decode()
    assert "<html" in body
    assert "ims:images:setTags" in body
    assert "ims:images:share" not in body


def test_search_with_htmx_returns_only_the_results_fragment(client):
    response = client.get(reverse("catalog:actions"), {"q": "member"}, **HTMX)

    body = response.content.decode()
    assert "<html" not in body
    assert body.strip().startswith('<div id="results"')
    assert "3 actions matching “member”." in body
    assert response["Vary"] and "HX-Request" in response["Vary"]


def test_unknown_access_level_filter_is_ignored_not_an_error(client):
    response = client.get(reverse("catalog:actions"), {"level": "<script>"})

    assert response.status_code == 200
    assert "26 actions." in response.content.decode()


def test_search_text_is_escaped(client):
    response = client.get(reverse("catalog:actions"), {"q": "<script>alert(1)</script>"}, **HTMX)

    body = response.content.decode()
    assert "<script>alert(1)" not in body
    assert "&lt;script&gt;" in body
    assert "No action matches" in body


def test_action_page_links_apis_dependencies_and_dependents(client):
    response = client.get(reverse("catalog:action", args=["ims:images:get"]))

    body = response.content.decode()
    assert '<span class="method">GET</span> /v2/images/{image_id}' in body
    assert reverse("catalog:action", args=["ims:images:share"]) in body  # depends on it
    assert reverse("catalog:action", args=["ims:images:upload"]) in body
    assert "ims:&lt;region&gt;:&lt;account-id&gt;:image:&lt;image-id&gt;" in body


def test_action_page_marks_dependencies_outside_the_catalog(client):
    response = client.get(reverse("catalog:action", args=["ims:images:export"]))

    body = response.content.decode()
    assert "obs:object:GetObject" in body
    assert "another service" in body


def test_action_lookup_ignores_case(client):
    response = client.get(reverse("catalog:action", args=["IMS:images:GET"]))

    assert response.status_code == 200


def test_unknown_action_is_a_404(client):
    response = client.get(reverse("catalog:action", args=["ims:images:fly"]))

    assert response.status_code == 404


def test_condition_keys_page_shows_type_and_multiplicity(client):
    response = client.get(reverse("catalog:condition-keys"), {"q": "OrgPaths"}, **HTMX)

    body = response.content.decode()
    assert "3 keys matching" in body
    assert "ims:TargetOrgPaths" in body and "multivalued" in body


def test_condition_keys_scope_filter(client):
    response = client.get(reverse("catalog:condition-keys"), {"scope": "service"})

    assert [k.name for k in response.context["keys"]] == [
        "ims:Encrypted",
        "ims:OriginBucketOrgPaths",
        "ims:TargetBucketOrgPaths",
        "ims:TargetOrgPaths",
    ]


def test_apis_page_lists_each_api_once_with_conditional_notes(client):
    response = client.get(reverse("catalog:apis"))

    assert len(response.context["apis"]) == 29
    body = response.content.decode()
    assert body.count("</span> /v2/cloudimages/quickimport/action</code>") == 1
    assert "only when: required only for quickly importing a data disk image" in body


def test_apis_search_by_action_name_with_htmx(client):
    response = client.get(reverse("catalog:apis"), {"q": "ims:images:upload"}, **HTMX)

    body = response.content.decode()
    assert "2 APIs matching" in body
    assert '<span class="method">PUT</span> /v2/images/{image_id}/file' in body
