"""Pages that are wrong on purpose: markup in a URN pattern, a URN of another service, the
same page pasted several times. The reader refuses or warns, naming the line; it never
imports such a page as if it were whole."""

from __future__ import annotations

import json

import pytest

from catalog.importers.page import read_huawei_page
from catalog.importers.reading import read_source
from tests.catalog.fixtures import EVS_PAGE, IMS_PAGE, catalog_state, page_text

IMS_URN = "ims:<region>:<account-id>:image:<image-id>"


def _ims_with_urn(urn: str) -> str:
    text = page_text(IMS_PAGE)
    assert text.count(IMS_URN + "\n") == 1
    return text.replace(IMS_URN + "\n", urn + "\n")


def _urn_line() -> int:
    return page_text(IMS_PAGE).splitlines().index(IMS_URN) + 1


def _errors(text: str) -> list[str]:
    return [str(a) for a in read_huawei_page(text).errors]


# -- markup in a URN pattern --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("urn", "markup"),
    [
        ("ims:<region>:<account-id>:image:<script>alert(1)</script>", "<script>"),
        ("ims:<region>:<account-id>:image:<image-id></td>", "</td>"),
        ("ims:<region>:<account-id>:<b>image</b>:<image-id>", "<b>"),
        ('ims:<region>:<account-id>:image:<img src=x onerror="alert(1)">', "<img src=x"),
        ("ims:<region>:<account-id>:image:<iframe>", "<iframe>"),
        ("ims:<region>:<account-id>:image:&lt;image-id&gt;", "&lt;"),
        ("ims:<region>:<account-id>:image:<!-- note -->", "<!--"),
    ],
)
def test_markup_in_a_urn_pattern_is_an_error_naming_its_line(urn, markup):
    errors = _errors(_ims_with_urn(urn))

    assert len(errors) == 1, errors
    assert errors[0].startswith(
        f"error: line {_urn_line()}: the URN pattern of resource type 'image' holds markup"
    )
    assert markup in errors[0]


def test_placeholders_in_a_urn_pattern_are_not_markup():
    data = read_huawei_page(_ims_with_urn("ims:<region>:<account-id>:image:<image_id.v2>"))

    assert data.errors == []


def test_a_json_catalog_with_markup_in_a_urn_pattern_is_refused():
    doc = {
        "format": "scpstudio-catalog",
        "version": 1,
        "services": [
            {
                "prefix": "ims",
                "name": "IMS",
                "resource_types": [
                    {"name": "image", "urn_pattern": "ims:<region>::image:<script>x</script>"}
                ],
            }
        ],
    }

    data = read_source(json.dumps(doc))

    assert [str(a) for a in data.errors] == [
        "error: services[0].resource_types[0].urn_pattern: holds markup (<script>); a URN "
        "pattern is text like ims:<region>:<account-id>:image:<image-id>"
    ]


# -- a URN of another service ---------------------------------------------------------------------


def test_a_urn_pattern_of_another_service_is_a_warning_naming_its_line():
    data = read_huawei_page(_ims_with_urn("ecs:<region>:<account-id>:image:<image-id>"))

    assert data.errors == []
    assert (
        f"warning: line {_urn_line()}: the URN pattern of resource type 'image' starts with "
        "'ecs:', but the page is about service 'ims'"
    ) in [str(a) for a in data.anomalies]


def test_a_urn_pattern_of_the_page_service_is_not_warned_about():
    data = read_huawei_page(page_text(IMS_PAGE))

    assert not [a for a in data.anomalies if "URN pattern" in a.message]


def test_a_json_catalog_with_a_urn_of_another_service_is_warned_about():
    doc = {
        "format": "scpstudio-catalog",
        "version": 1,
        "services": [
            {
                "prefix": "ims",
                "name": "IMS",
                "resource_types": [{"name": "image", "urn_pattern": "ecs::::image:*"}],
            }
        ],
    }

    data = read_source(json.dumps(doc))

    assert data.errors == []
    assert "warning: services[0].resource_types[0].urn_pattern: starts with 'ecs:', not " in (
        "\n".join(str(a) for a in data.anomalies)
    )


# -- the same page several times ------------------------------------------------------------------


@pytest.mark.parametrize("times", [2, 6])
def test_a_file_holding_the_page_several_times_is_refused(times):
    text = "\n".join([page_text(IMS_PAGE)] * times)
    captions = [
        n for n, line in enumerate(text.splitlines(), 1) if line == "Table 1 Supported Actions"
    ]
    second = captions[1]

    data = read_huawei_page(text)

    assert data.document == {}
    [error] = [str(a) for a in data.errors]
    assert error.startswith(
        f"error: line {second}: the page appears {times} times in this file (its 'Supported "
        f"Actions' table starts on lines 34, {second}"
    )
    assert error.endswith("): import one copy of one page per file")


def test_a_file_holding_two_different_pages_is_refused():
    data = read_huawei_page(page_text(IMS_PAGE) + "\n" + page_text(EVS_PAGE))

    assert data.document == {}
    assert "the page appears 2 times in this file" in str(data.errors[0])


def test_a_page_whose_resource_types_table_is_pasted_twice_is_refused():
    page = page_text(IMS_PAGE)
    start = page.index("Table 3 Resource types")
    end = page.index("Conditions\n")

    data = read_huawei_page(page[:end] + page[start:end] + page[end:])

    assert "'Resource types' table appears 2 times" in str(data.errors[0])


@pytest.mark.django_db
def test_admin_import_of_a_page_pasted_six_times_says_so_and_writes_nothing(staff_client):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    before = catalog_state()
    text = "\n".join([page_text(IMS_PAGE)] * 6)

    response = staff_client.post(
        reverse("admin:catalog_import"),
        {"file": SimpleUploadedFile("ims.txt", text.encode())},
    )

    assert response.status_code == 200
    assert "the page appears 6 times in this file" in response.content.decode()
    assert "Apply these" not in response.content.decode()
    assert catalog_state() == before
