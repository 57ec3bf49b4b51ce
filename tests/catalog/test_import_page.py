"""Reading Huawei's SCP page layout: the IMS figures counted by hand, another service's
page in the same layout, and the anomalies the reader must report rather than hide."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from catalog.importers import ImportData
from catalog.importers.page import read_huawei_page
from catalog.importers.reading import read_source
from tests.catalog.fixtures import EVS_PAGE, IMS_PAGE, page_text


def _service(data: ImportData) -> dict[str, Any]:
    assert data.errors == []
    (service,) = data.document["services"]
    return service


def _levels(service: dict[str, Any]) -> Counter[str]:
    return Counter(a["access_level"] for a in service["actions"])


def _links(service: dict[str, Any]) -> list[dict[str, Any]]:
    return [link for api in service["apis"] for link in api["actions"]]


def _global_keys(service: dict[str, Any]) -> set[str]:
    return {k for a in service["actions"] for k in a["condition_keys"] if k.startswith("g:")}


def _messages(data: ImportData, severity: str) -> list[str]:
    return [a.message for a in data.anomalies if a.severity == severity]


def _replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


@pytest.fixture(scope="module")
def ims_data() -> ImportData:
    return read_huawei_page(page_text(IMS_PAGE), source_name=IMS_PAGE.name)


@pytest.fixture(scope="module")
def ims(ims_data: ImportData) -> dict[str, Any]:
    return _service(ims_data)


@pytest.fixture(scope="module")
def evs_data() -> ImportData:
    return read_huawei_page(page_text(EVS_PAGE), source_name=EVS_PAGE.name)


@pytest.fixture(scope="module")
def evs(evs_data: ImportData) -> dict[str, Any]:
    return _service(evs_data)


# -- the IMS page: every figure of docs/catalog.md ---------------------------------------


def test_ims_page_names_the_service_its_source_and_date(ims):
    assert ims["prefix"] == "ims"
    assert ims["name"] == "Image Management Service (IMS)"
    assert ims["source"] == "ims-scp-elements.txt"
    assert ims["updated_on"] == "2024-05-11"


def test_ims_page_has_26_actions_by_access_level(ims):
    assert len(ims["actions"]) == 26
    assert _levels(ims) == {
        "list": 3,
        "read": 7,
        "write": 14,
        "permission_management": 1,
        "tagging": 1,
    }


def test_ims_page_has_one_resource_type_required_by_13_actions(ims):
    assert ims["resource_types"] == [
        {"name": "image", "urn_pattern": "ims:<region>:<account-id>:image:<image-id>"}
    ]
    refs = [r for a in ims["actions"] for r in a["resource_types"]]
    assert refs == [{"name": "image", "required": True}] * 13


def test_ims_page_defines_4_service_keys_and_uses_4_global_keys(ims):
    assert {(k["name"], k["type"], k["multivalued"]) for k in ims["condition_keys"]} == {
        ("ims:TargetOrgPaths", "string", True),
        ("ims:Encrypted", "boolean", False),
        ("ims:TargetBucketOrgPaths", "string", True),
        ("ims:OriginBucketOrgPaths", "string", True),
    }
    assert _global_keys(ims) == {
        "g:EnterpriseProjectId",
        "g:RequestTag/<tag-key>",
        "g:TagKeys",
        "g:ResourceTag/<tag-key>",
    }


def test_ims_page_links_33_api_actions_over_29_apis(ims):
    assert len(_links(ims)) == 33
    assert len(ims["apis"]) == 29
    assert len({(api["method"], api["path"]) for api in ims["apis"]}) == 29


def test_ims_page_has_4_links_that_hold_only_in_a_situation(ims):
    conditional = [link for link in _links(ims) if link["conditional"]]

    assert len(conditional) == 4
    assert all(link["note"].startswith("required only") for link in conditional)
    assert [link for link in _links(ims) if link["note"] and not link["conditional"]] == []


def test_one_api_serves_several_actions_and_one_action_several_apis(ims):
    apis = {f"{api['method']} {api['path']}": api for api in ims["apis"]}

    quick = apis["POST /v2/cloudimages/quickimport/action"]["actions"]
    assert {link["action"]: link["note"] for link in quick} == {
        "ims:dataImages:create": "required only for quickly importing a data disk image",
        "ims:serverImages:create": "required only for quickly importing a system disk image",
        "ims:images:import": "",
    }
    upload = [
        name
        for name, api in apis.items()
        for link in api["actions"]
        if link["action"] == "ims:images:upload"
    ]
    assert sorted(upload) == [
        "PUT /v1/cloudimages/{image_id}/upload",
        "PUT /v2/images/{image_id}/file",
    ]


def test_ims_page_has_6_action_rows_with_10_dependencies(ims):
    deps = {a["name"]: a["dependencies"] for a in ims["actions"] if a["dependencies"]}
    names = {a["name"] for a in ims["actions"]}

    assert len(deps) == 6
    assert sum(len(d) for d in deps.values()) == 10
    undefined = {d for ds in deps.values() for d in ds if d.startswith("ims:") and d not in names}
    assert undefined == {"ims:images:update", "ims:images:deleteTags"}
    assert deps["ims:images:export"] == ["obs:object:GetObject", "obs:object:PutObject"]
    assert [d for ds in deps.values() for d in ds if d.startswith("obs:")] == [
        "obs:object:GetObject",
        "obs:object:PutObject",
    ]


def test_truncated_ost_is_read_as_post_and_reported_with_its_line(ims_data):
    (warning,) = [a for a in ims_data.anomalies if "OST" in a.message]

    assert warning.severity == "warning"
    assert warning.line == 405
    assert "read as POST" in warning.message


def test_ims_page_reports_undefined_dependencies_and_unused_keys(ims_data):
    warnings = _messages(ims_data, "warning")

    assert ims_data.errors == []
    assert any("ims:images:update, which this page does not define" in w for w in warnings)
    assert any("ims:images:deleteTags, which this page does not define" in w for w in warnings)
    assert any("ims:TargetBucketOrgPaths is defined but no action uses it" in w for w in warnings)
    assert any("ims:OriginBucketOrgPaths is defined but no action uses it" in w for w in warnings)
    assert len(warnings) == 5


# -- an invented EVS page in the same layout ------------------------------------------------


def test_evs_page_reads_capitalised_access_levels(evs):
    assert evs["prefix"] == "evs"
    assert evs["name"] == "Elastic Volume Service (EVS)"
    assert evs["updated_on"] == "2024-09-20"
    assert len(evs["actions"]) == 12
    assert _levels(evs) == {
        "list": 2,
        "read": 2,
        "write": 6,
        "permission_management": 1,
        "tagging": 1,
    }


def test_evs_page_reads_several_resource_types_per_action_required_or_not(evs):
    actions = {a["name"]: a for a in evs["actions"]}
    refs = [(r["name"], r["required"]) for a in evs["actions"] for r in a["resource_types"]]

    assert [r["name"] for r in evs["resource_types"]] == ["volume", "snapshot"]
    assert actions["evs:snapshots:create"]["resource_types"] == [
        {"name": "volume", "required": True},
        {"name": "snapshot", "required": False},
    ]
    assert actions["evs:volumes:setTags"]["resource_types"] == [
        {"name": "volume", "required": False},
        {"name": "snapshot", "required": False},
    ]
    assert Counter(refs) == {
        ("volume", True): 6,
        ("snapshot", True): 1,
        ("volume", False): 2,
        ("snapshot", False): 2,
    }


def test_evs_page_reads_numeric_and_date_keys_and_reports_the_unused_one(evs, evs_data):
    keys = {k["name"]: (k["type"], k["multivalued"]) for k in evs["condition_keys"]}

    assert keys == {
        "evs:VolumeSize": ("number", False),
        "evs:VolumeType": ("string", False),
        "evs:SnapshotCreatedBefore": ("date", False),
        "evs:SharedAccountIds": ("string", True),
        "evs:Encrypted": ("boolean", False),
    }
    assert _global_keys(evs) == {
        "g:EnterpriseProjectId",
        "g:RequestTag/<tag-key>",
        "g:ResourceTag/<tag-key>",
        "g:TagKeys",
    }
    (unused,) = [a for a in evs_data.anomalies if "no action uses" in a.message]
    assert "evs:Encrypted" in unused.message
    assert unused.line is not None


def test_evs_page_links_15_apis_and_keeps_dependencies_on_other_services(evs, evs_data):
    deps = {a["name"]: a["dependencies"] for a in evs["actions"] if a["dependencies"]}

    assert len(evs["apis"]) == 15
    assert len(_links(evs)) == 15
    assert sum(link["conditional"] for link in _links(evs)) == 2
    assert len(deps) == 4
    assert sum(len(d) for d in deps.values()) == 7
    assert deps["evs:volumes:create"] == ["kms:cmk:get", "ims:images:get"]
    assert deps["evs:volumes:attach"] == ["ecs:cloudServers:attach", "evs:volumes:get"]
    assert _messages(evs_data, "warning") == [
        "evs:snapshots:create depends on evs:volumes:getSnapshotPolicy, which this page does "
        "not define",
        "condition key evs:Encrypted is defined but no action uses it",
    ]


# -- anomalies: reported with their line, never guessed away ---------------------------------


def test_an_access_level_huawei_names_beyond_ours_is_kept_with_a_warning_naming_its_line():
    text = page_text(EVS_PAGE).replace("\n\nTagging\n\n", "\n\nSuperuser\n\n")

    data = read_huawei_page(text)

    assert data.errors == []
    (warning,) = [a for a in data.anomalies if "Superuser" in a.message]
    assert "kept as 'superuser'" in warning.message
    assert text.splitlines()[warning.line - 1] == "Superuser"
    (action,) = [
        a for a in data.document["services"][0]["actions"] if a["name"].endswith("setTags")
    ]
    assert action["access_level"] == "superuser"


def test_an_access_level_cell_that_is_not_a_word_is_an_error_naming_its_line():
    text = page_text(EVS_PAGE).replace("\n\nTagging\n\n", "\n\nGrants permission to tag disks.\n\n")

    data = read_huawei_page(text)

    (error,) = data.errors
    assert "unknown access level 'Grants permission to tag disks.'" in error.message
    assert text.splitlines()[error.line - 1] == "Grants permission to tag disks."


def test_unknown_http_method_is_an_error_naming_its_line():
    text = _replace_once(
        page_text(IMS_PAGE), "GET /v1/cloudimages/quota", "FETCH /v1/cloudimages/quota"
    )

    data = read_huawei_page(text)

    (error,) = data.errors
    assert "unknown HTTP method 'FETCH'" in error.message
    assert text.splitlines()[error.line - 1] == "FETCH /v1/cloudimages/quota"


def test_api_written_without_a_space_stops_the_table_with_an_error():
    text = _replace_once(
        page_text(IMS_PAGE), "GET /v1/cloudimages/quota", "GET/v1/cloudimages/quota"
    )

    data = read_huawei_page(text)

    (error,) = data.errors
    assert "cannot read the 'Actions and dependencies' table" in error.message
    assert text.splitlines()[error.line - 1] == "GET/v1/cloudimages/quota"


def test_a_row_that_does_not_fit_the_actions_table_is_an_error_not_the_end_of_it():
    text = _replace_once(
        page_text(IMS_PAGE),
        "ims:quotas:get\n\nGrants permission to query the image quota.\n\nread\n\n-\n\n-\n",
        "ims:quotas:get\n\nGrants permission to query the image quota.\n\nread\n\n-\n\n-\n\n"
        "volume\n\n-\n",
    )

    data = read_huawei_page(text)

    assert any("cannot read the 'Supported Actions' table" in e.message for e in data.errors)
    assert text.splitlines()[data.errors[0].line - 1] == "volume"


def test_resource_type_missing_from_table_3_is_an_error():
    text = page_text(EVS_PAGE).replace("  • snapshot *\n", "  • disk *\n")

    data = read_huawei_page(text)

    (error,) = data.errors
    assert "evs:snapshots:rollback names resource type 'disk'" in error.message


def test_lowercase_http_method_is_read_and_reported():
    text = _replace_once(
        page_text(IMS_PAGE), "GET /v1/cloudimages/quota", "get /v1/cloudimages/quota"
    )

    data = read_huawei_page(text)

    assert data.errors == []
    assert any(a.message == "HTTP method 'get' read as GET" for a in data.anomalies)


def test_a_key_listed_twice_for_one_action_is_kept_once_and_reported():
    text = _replace_once(
        page_text(EVS_PAGE),
        "  • evs:VolumeType\n",
        "  • evs:VolumeType\n  • evs:VolumeType\n",
    )

    data = read_huawei_page(text)

    create = next(
        a for a in data.document["services"][0]["actions"] if a["name"] == "evs:volumes:create"
    )
    assert create["condition_keys"].count("evs:VolumeType") == 1
    assert "evs:volumes:create lists evs:VolumeType twice" in _messages(data, "warning")


def test_key_of_another_prefix_in_the_service_keys_table_is_an_error():
    text = _replace_once(
        page_text(IMS_PAGE), "\nims:Encrypted\n\nboolean", "\ng:Encrypted\n\nboolean"
    )

    data = read_huawei_page(text)

    assert any(
        "g:Encrypted is in the service-specific keys table but does not start with ims:"
        in e.message
        for e in data.errors
    )


def test_page_with_windows_line_ends_and_no_break_spaces_reads_the_same(ims):
    text = page_text(IMS_PAGE).replace("Table 1 ", "Table\u00a01\u00a0").replace("\n", "\r\n")

    data = read_huawei_page(text, source_name=IMS_PAGE.name)

    assert _service(data) == ims


# -- sources that are not catalog pages, or not whole ones ------------------------------------


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("", "the source is empty", 1),
        ("\n\n   \n", "the source is empty", 1),
        (
            "It was a bright cold day in April,\nand the clocks were striking thirteen.\n",
            "not a Huawei SCP catalog page",
            1,
        ),
        (
            "\n<!DOCTYPE html>\n<html><body><p>Table 1 Supported Actions</p></body></html>\n",
            "this is HTML",
            2,
        ),
    ],
    ids=["empty", "blank", "prose", "html"],
)
def test_a_source_that_is_not_a_catalog_page_is_an_error_naming_a_line(text, message, line):
    data = read_source(text)

    (error,) = data.errors
    assert message in error.message
    assert error.line == line
    assert data.document == {}


def _cut_after(marker: str, *, occurrence: int = 1, extra: int = 0) -> tuple[str, int]:
    """The IMS page up to the line holding `marker` (plus `extra` lines), and its last line."""
    lines = page_text(IMS_PAGE).splitlines()
    index = -1
    for _ in range(occurrence):
        index = lines.index(marker, index + 1)
    cut = index + 1 + extra
    return "\n".join(lines[:cut]), cut


@pytest.mark.parametrize(
    ("marker", "extra"),
    [
        ("ims:images:updateImage", 2),  # name and description, no access level
        ("ims:images:updateImage", 4),  # no resource type cell
        ("ims:images:updateImage", 6),  # no condition key cell
        ("ims:images:updateImage", 8),  # a whole row, then nothing
    ],
    ids=["after-description", "after-level", "after-resource-type", "after-row"],
)
def test_page_cut_in_the_middle_of_table_1_is_an_error_naming_its_last_lines(marker, extra):
    text, last = _cut_after(marker, extra=extra)
    row = last - extra

    data = read_huawei_page(text)

    assert data.errors
    assert all(row <= e.line <= last for e in data.errors)
    assert any("truncated" in e.message for e in data.errors)


@pytest.mark.parametrize(
    ("marker", "occurrence"),
    [
        ("PUT /v2/images/{image_id}/file", 1),  # APIs without their action
        ("ims:images:export", 2),  # an action row without its dependencies cell
        ("  • obs:object:GetObject", 1),  # inside a dependencies list
        ("ims:images:listImageTags", 2),  # the last row, before the Resources section
    ],
    ids=["apis-only", "after-action", "inside-dependencies", "after-last-row"],
)
def test_page_cut_in_the_middle_of_table_2_is_an_error_naming_a_line(marker, occurrence):
    text, last = _cut_after(marker, occurrence=occurrence)

    data = read_huawei_page(text)

    assert data.errors
    assert all(e.line is not None and e.line <= last for e in data.errors)
    assert any(e.line == last and "truncated" in e.message for e in data.errors)


@pytest.mark.parametrize("page", [IMS_PAGE, EVS_PAGE], ids=["ims", "evs"])
def test_page_cut_at_any_line_before_table_4_is_an_error_within_the_cut(page):
    lines = page_text(page).splitlines()
    table_4 = next(i for i, line in enumerate(lines) if line.startswith("Table 4 "))
    accepted = []

    for cut in range(1, table_4 + 1):
        data = read_huawei_page("\n".join(lines[:cut]))
        if not data.errors or any(e.line is None or e.line > cut for e in data.errors):
            accepted.append(cut)

    assert accepted == []


def test_page_cut_after_the_header_of_table_3_is_an_error():
    text, _ = _cut_after("Table 3 Resource types supported by IMS", extra=4)

    data = read_huawei_page(text)

    assert "the 'Resource types' table holds no rows" in data.errors[0].message


def test_page_cut_in_the_middle_of_table_4_is_an_error():
    text = page_text(IMS_PAGE).split(
        "Multivalued\n\nFilters access based on the Organizations Path of the specified source"
    )[0]

    data = read_huawei_page(text)

    (error,) = data.errors
    assert "the row of key ims:OriginBucketOrgPaths ends early" in error.message
