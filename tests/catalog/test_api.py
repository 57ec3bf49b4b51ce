"""The read-only catalog API against the shipped IMS catalog.

Expected figures are counted from Huawei's IMS SCP page (shared/seeds/ims-scp-elements.txt):
26 actions (list 3, read 7, write 14, permission_management 1, tagging 1), 13 of them take an
`image`, 29 APIs with 33 action links (4 of them conditional), 4 IMS keys, 26 global keys.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _get(client, url_name, params=None, /, **kwargs):
    response = client.get(reverse(f"catalog-api:{url_name}", kwargs=kwargs or None), params or {})
    assert response.status_code == 200, response.content
    return response.json()


def _names(page):
    return [item["name"] for item in page["results"]]


# -- services ------------------------------------------------------------------------------


def test_service_list_counts_what_the_ims_page_defines(client):
    page = _get(client, "services")

    assert page["count"] == 1
    [ims] = page["results"]
    assert ims["prefix"] == "ims"
    assert ims["name"] == "Image Management Service (IMS)"
    assert ims["updated_on"] == "2024-05-11"
    assert (ims["action_count"], ims["api_count"]) == (26, 29)
    assert (ims["resource_type_count"], ims["condition_key_count"]) == (1, 4)
    assert ims["url"].endswith("/api/v1/catalog/services/ims/")


@pytest.mark.parametrize(("prefix", "count"), [("ims", 1), ("ecs", 0)])
def test_service_list_filters_by_prefix(client, prefix, count):
    page = _get(client, "services", {"service": prefix})

    assert page["count"] == count


def test_service_detail_shows_its_resource_types_and_own_keys(client):
    ims = _get(client, "service", prefix="ims")

    assert ims["resource_types"] == [
        {"name": "image", "urn_pattern": "ims:<region>:<account-id>:image:<image-id>"}
    ]
    assert [k["name"] for k in ims["condition_keys"]] == [
        "ims:Encrypted",
        "ims:OriginBucketOrgPaths",
        "ims:TargetBucketOrgPaths",
        "ims:TargetOrgPaths",
    ]
    assert ims["condition_keys"][0]["type"] == "boolean"


def test_unknown_service_detail_is_404(client):
    response = client.get(reverse("catalog-api:service", args=["ecs"]))

    assert response.status_code == 404


# -- actions -------------------------------------------------------------------------------


def test_action_list_holds_every_ims_action_by_name(client):
    page = _get(client, "actions")

    assert page["count"] == 26
    assert len(page["results"]) == 26
    assert _names(page) == sorted(_names(page))
    assert "ims:images:get" in _names(page)


@pytest.mark.parametrize(
    ("params", "count"),
    [
        ({"service": "ims"}, 26),
        ({"service": "obs"}, 0),
        ({"access_level": "list"}, 3),
        ({"access_level": "read"}, 7),
        ({"access_level": "write"}, 14),
        ({"access_level": "permission_management"}, 1),
        ({"access_level": "tagging"}, 1),
        ({"resource_type": "image"}, 13),
        ({"resource_type": "volume"}, 0),
        ({"condition_key": "g:TagKeys"}, 8),
        ({"condition_key": "G:TAGKEYS"}, 8),
        ({"condition_key": "g:requesttag/<tag-key>"}, 8),
        ({"condition_key": "g:EnterpriseProjectId"}, 10),
        ({"condition_key": "g:ResourceTag/<tag-key>"}, 4),
        ({"condition_key": "ims:Encrypted"}, 1),
        ({"condition_key": "ims:TargetBucketOrgPaths"}, 0),
        ({"q": "tag"}, 6),
        ({"q": "REPLICATE"}, 2),
        ({"q": "member"}, 3),
        ({"q": "no such words"}, 0),
        ({"access_level": "write", "resource_type": "image"}, 8),
        ({"access_level": "write", "condition_key": "g:TagKeys"}, 6),
        ({"service": "ims", "access_level": "read", "q": "tags"}, 2),
    ],
)
def test_action_list_filters_count_what_the_page_lists(client, params, count):
    page = _get(client, "actions", params)

    assert page["count"] == count


def test_action_condition_key_filter_names_the_actions_that_list_the_key(client):
    page = _get(client, "actions", {"condition_key": "g:ResourceTag/<tag-key>"})

    assert _names(page) == [
        "ims:images:addMember",
        "ims:images:copyCrossRegion",
        "ims:images:deleteMember",
        "ims:images:showImageTags",
    ]


def test_action_text_filter_matches_descriptions_too(client):
    page = _get(client, "actions", {"q": "REPLICATE"})

    assert _names(page) == ["ims:images:copyCrossRegion", "ims:images:copyInRegion"]


def test_action_list_pages_by_limit_and_offset(client):
    page = _get(client, "actions", {"limit": 5, "offset": 5})

    assert page["count"] == 26
    assert len(page["results"]) == 5
    assert page["next"] is not None
    assert page["previous"] is not None


def test_unknown_access_level_is_400_naming_the_valid_ones(client):
    response = client.get(reverse("catalog-api:actions"), {"access_level": "admin"})

    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "access_level"
    assert '"admin" is not an access level' in body["error"]
    assert "permission_management" in body["error"]


def test_action_detail_takes_the_full_name_in_the_url(client):
    response = client.get("/api/v1/catalog/actions/ims:images:get/")

    assert response.status_code == 200
    action = response.json()
    assert action["name"] == "ims:images:get"
    assert action["service"] == "ims"
    assert action["access_level"] == "read"
    assert action["description"] == "Grants permission to view details about a specified image."
    assert action["resource_types"] == [
        {
            "name": "image",
            "required": True,
            "urn_pattern": "ims:<region>:<account-id>:image:<image-id>",
            "condition_keys": [],
        }
    ]
    assert action["condition_keys"] == []
    assert action["dependencies"] == []
    assert [(a["method"], a["path"], a["how"], a["dependency_of"]) for a in action["apis"]] == [
        ("PUT", "/v1/cloudimages/{image_id}/upload", "dependency", "ims:images:upload"),
        ("GET", "/v2/images/{image_id}", "direct", None),
        ("PUT", "/v2/images/{image_id}/file", "dependency", "ims:images:upload"),
        ("POST", "/v2/images/{image_id}/members", "dependency", "ims:images:share"),
    ]


def test_action_detail_marks_dependencies_the_catalog_does_not_define(client):
    action = _get(client, "action", name="ims:images:upload")

    assert action["dependencies"] == [
        {"name": "ims:images:get", "defined": True},
        {"name": "ims:images:update", "defined": False},
    ]
    assert [(a["method"], a["path"]) for a in action["apis"]] == [
        ("PUT", "/v1/cloudimages/{image_id}/upload"),
        ("PUT", "/v2/images/{image_id}/file"),
    ]


def test_action_detail_describes_service_and_global_keys(client):
    share = _get(client, "action", name="ims:images:share")
    create = _get(client, "action", name="ims:images:create")

    assert share["access_level"] == "permission_management"
    assert share["condition_keys"] == [
        {
            "name": "ims:TargetOrgPaths",
            "type": "string",
            "multivalued": True,
            "scope": "service",
            "defined": True,
        }
    ]
    assert create["condition_keys"] == [
        {
            "name": "g:RequestTag/<tag-key>",
            "type": "string",
            "multivalued": False,
            "scope": "global",
            "defined": True,
        },
        {
            "name": "g:TagKeys",
            "type": "string",
            "multivalued": True,
            "scope": "global",
            "defined": True,
        },
    ]


def test_action_detail_lists_the_apis_that_need_it_only_sometimes(client):
    action = _get(client, "action", name="ims:serverImages:create")

    situational = {a["path"]: a["situations"] for a in action["apis"] if a["how"] == "situation"}
    assert len(action["apis"]) == 4
    assert situational == {
        "/v1/cloudimages/{image_id}/copy": ["required only by enterprise project users"],
        "/v2/cloudimages/quickimport/action": [
            "required only for quickly importing a system disk image"
        ],
        "/v2/cloudimages/{image_id}": ["required only for enterprise project migration"],
    }


@pytest.mark.parametrize("name", ["ims:images:nope", "ims:images:update", "obs:object:GetObject"])
def test_unknown_action_detail_is_404(client, name):
    response = client.get(reverse("catalog-api:action", args=[name]))

    assert response.status_code == 404


# -- resource types ------------------------------------------------------------------------


def test_resource_type_list_shows_the_urn_and_the_actions_taking_it(client):
    page = _get(client, "resource-types")

    assert page["count"] == 1
    [image] = page["results"]
    assert image["name"] == "image"
    assert image["service"] == "ims"
    assert image["urn_pattern"] == "ims:<region>:<account-id>:image:<image-id>"
    assert len(image["actions"]) == 13
    assert all(a["required"] for a in image["actions"])


@pytest.mark.parametrize(("prefix", "count"), [("ims", 1), ("ecs", 0)])
def test_resource_type_list_filters_by_service(client, prefix, count):
    page = _get(client, "resource-types", {"service": prefix})

    assert page["count"] == count


# -- condition keys ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "count"),
    [
        ({}, 44),
        ({"scope": "global"}, 40),
        ({"scope": "service"}, 4),
        ({"service": "ims"}, 4),
        ({"service": "ims", "scope": "global"}, 0),
        ({"service": "ecs"}, 0),
    ],
)
def test_condition_key_list_filters_by_service_and_scope(client, params, count):
    page = _get(client, "condition-keys", params)

    assert page["count"] == count


def test_condition_key_list_describes_a_global_key(client):
    page = _get(client, "condition-keys", {"scope": "global"})

    keys = {k["name"]: k for k in page["results"]}
    assert keys["g:TagKeys"]["service"] is None
    assert keys["g:TagKeys"]["scope"] == "global"
    assert keys["g:TagKeys"]["multivalued"] is True
    assert keys["g:TagKeys"]["action_count"] == 8
    assert keys["g:RequestTag/<tag-key>"]["templated"] is True
    assert keys["g:SourceIp"]["type"] == "ip"


def test_unknown_key_scope_is_400(client):
    response = client.get(reverse("catalog-api:condition-keys"), {"scope": "regional"})

    assert response.status_code == 400
    assert response.json()["field"] == "scope"
    assert "global, service" in response.json()["error"]


# -- APIs --------------------------------------------------------------------------------------


def test_api_list_holds_each_method_and_path_once(client):
    page = _get(client, "apis")

    links = [link for api in page["results"] for link in api["actions"]]
    assert page["count"] == 29
    assert len({(api["method"], api["path"]) for api in page["results"]}) == 29
    assert len(links) == 33
    assert sum(link["conditional"] for link in links) == 4
    assert all(link["note"] for link in links if link["conditional"])


@pytest.mark.parametrize(
    ("params", "count"),
    [
        ({"service": "ims"}, 29),
        ({"service": "ecs"}, 0),
        ({"action": "ims:serverImages:create"}, 4),
        ({"action": "ims:images:upload"}, 2),
        ({"action": "ims:images:update"}, 2),  # undefined, but upload depends on it
        ({"action": "ims:images:get"}, 4),
        ({"action": "ims:images:get", "via": "dependency"}, 3),
        ({"action": "ims:images:nope"}, 0),
    ],
)
def test_api_list_filters_by_service_and_action(client, params, count):
    page = _get(client, "apis", params)

    assert page["count"] == count


def test_quickimport_api_needs_three_actions_two_of_them_conditionally(client):
    page = _get(client, "apis", {"action": "ims:images:import"})

    [api] = page["results"]
    assert (api["method"], api["path"]) == ("POST", "/v2/cloudimages/quickimport/action")
    assert [(a["name"], a["conditional"], a["note"]) for a in api["actions"]] == [
        (
            "ims:dataImages:create",
            True,
            "required only for quickly importing a data disk image",
        ),
        ("ims:images:import", False, ""),
        (
            "ims:serverImages:create",
            True,
            "required only for quickly importing a system disk image",
        ),
    ]
    assert api["actions"][1]["dependencies"] == [
        {"name": "ims:dataImages:create", "defined": True},
        {"name": "ims:serverImages:create", "defined": True},
    ]


def test_api_list_shows_dependencies_outside_the_catalog(client):
    page = _get(client, "apis", {"action": "ims:images:export"})

    [api] = page["results"]
    [link] = api["actions"]
    assert link["dependencies"] == [
        {"name": "obs:object:GetObject", "defined": False},
        {"name": "obs:object:PutObject", "defined": False},
    ]


# -- cost ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "max_queries"),
    [
        ("services", 2),
        ("actions", 7),
        ("resource-types", 3),
        ("condition-keys", 2),
        ("apis", 4),
    ],
)
def test_a_list_costs_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, name, max_queries
):
    with django_assert_max_num_queries(max_queries):
        page = _get(client, name)

    assert page["count"] > 0


# -- schema and docs -------------------------------------------------------------------------


def _schema(client):
    response = client.get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_schema_lists_every_catalog_path(client):
    paths = _schema(client)["paths"]

    assert {
        "/api/v1/catalog/services/",
        "/api/v1/catalog/services/{prefix}/",
        "/api/v1/catalog/actions/",
        "/api/v1/catalog/actions/{name}/",
        "/api/v1/catalog/resource-types/",
        "/api/v1/catalog/condition-keys/",
        "/api/v1/catalog/apis/",
        "/api/v1/catalog/operations/",
        "/api/v1/catalog/imports/",
    } <= set(paths)


@pytest.mark.parametrize(
    ("path", "filters"),
    [
        ("/api/v1/catalog/services/", {"service"}),
        (
            "/api/v1/catalog/actions/",
            {"service", "access_level", "resource_type", "condition_key", "q"},
        ),
        ("/api/v1/catalog/resource-types/", {"service"}),
        ("/api/v1/catalog/condition-keys/", {"service", "scope"}),
        ("/api/v1/catalog/apis/", {"service", "action"}),
    ],
)
def test_schema_documents_each_list_filter(client, path, filters):
    operation = _schema(client)["paths"][path]["get"]

    names = {p["name"] for p in operation["parameters"] if p["in"] == "query"}
    assert filters | {"limit", "offset"} <= names


def test_schema_generates_without_warnings():
    out = StringIO()

    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)

    assert "/api/v1/catalog/actions/" in out.getvalue()


def test_docs_page_answers_200(client):
    response = client.get(reverse("api-docs"))

    assert response.status_code == 200


def test_docs_page_loads_nothing_from_a_cdn(client):
    response = client.get(reverse("api-docs"))

    assert b"cdn." not in response.content


def test_a_search_text_longer_than_any_name_is_refused_not_a_server_error(client):
    response = client.get("/api/v1/catalog/actions/", {"q": "a" * 50_000})

    assert response.status_code == 400
    assert response.json() == {"error": "q holds at most 200 characters.", "field": "q"}


# -- the API's one error shape -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "status", "field"),
    [
        ("/api/v1/catalog/actions/?limit=0", 400, "limit"),
        ("/api/v1/catalog/actions/?offset=-1", 400, "offset"),
        ("/api/v1/catalog/actions/?access_level=", 400, "access_level"),
        ("/api/v1/catalog/apis/?via=direct", 400, "via"),
        ("/api/v1/catalog/actions/ims:images:nope/", 404, None),
        ("/api/v1/catalog/services/ecs/", 404, None),
    ],
)
def test_catalog_errors_are_the_apis_one_shape(client, path, status, field):
    response = client.get(path)

    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"error", "field"}
    assert body["field"] == field
    assert body["error"].endswith(".")


@pytest.mark.parametrize("query", ["?format=x", "?format=api", "?format=json"])
def test_a_format_parameter_is_ignored_the_answer_is_json(client, query):
    response = client.get("/api/v1/catalog/actions/" + query, headers={"Accept": "text/html"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["count"] == 26


def test_nul_in_a_search_is_dropped_as_the_pages_do(client):
    with_nul = client.get("/api/v1/catalog/actions/", {"q": "sha\x00re"}).json()
    without = client.get("/api/v1/catalog/actions/", {"q": "share"}).json()

    assert with_nul["count"] == without["count"] > 0


def test_a_nul_in_an_action_name_is_404_not_a_database_error(client):
    response = client.get("/api/v1/catalog/actions/ims:images:get%00/")

    assert response.status_code == 404
    assert response.json() == {"error": "There is no action with that name.", "field": None}
