"""The page's sections and tables are found by their headings and captions, whatever prose
stands between them or is missing: the layout's variants, each in a page of its own."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from catalog.importers import ImportData
from catalog.importers.page import read_huawei_page
from catalog.importers.reading import read_sources
from catalog.models import Action, Service
from tests.catalog.fixtures import (
    CBR_PAGE,
    DNS_PAGE,
    EVS_PAGE,
    IMS_PAGE,
    VPC_PAGE,
    catalog_state,
    page_text,
)


def _service(data: ImportData) -> dict[str, Any]:
    assert [str(e) for e in data.errors] == []
    (service,) = data.document["services"]
    return service


def _types(service: dict[str, Any], action: str) -> list[tuple[str, bool]]:
    (found,) = [a for a in service["actions"] if a["name"] == action]
    return [(r["name"], r["required"]) for r in found["resource_types"]]


# -- the variants of the layout ---------------------------------------------------------------


def test_ims_page_without_the_notes_under_table_3_imports():
    """The issue's page: the resource types table followed at once by Conditions."""
    text = page_text(IMS_PAGE)
    start = text.index("  • <region> indicates")
    end = text.index("Conditions\n")
    bare = text[:start] + text[end:]

    service = _service(read_huawei_page(bare))

    assert service["resource_types"] == [
        {"name": "image", "urn_pattern": "ims:<region>:<account-id>:image:<image-id>"}
    ]
    assert len(service["actions"]) == 26
    assert len(service["condition_keys"]) == 4


def test_page_without_any_prose_reads_several_resource_types():
    service = _service(read_huawei_page(page_text(VPC_PAGE)))

    assert [r["name"] for r in service["resource_types"]] == ["vpc", "subnet", "securityGroup"]
    assert len(service["actions"]) == 5
    assert len(service["apis"]) == 5
    assert [k["name"] for k in service["condition_keys"]] == ["vpc:SubnetCidr"]


def test_page_without_any_prose_reads_required_and_optional_types_of_one_action():
    service = _service(read_huawei_page(page_text(VPC_PAGE)))

    assert _types(service, "vpc:subnets:create") == [("subnet", True), ("vpc", False)]
    assert _types(service, "vpc:securityGroups:update") == [
        ("securityGroup", False),
        ("vpc", False),
    ]


def test_page_with_only_optional_resource_types_imports():
    service = _service(read_huawei_page(page_text(CBR_PAGE)))

    assert _types(service, "cbr:vaults:get") == [("vault", False), ("backup", False)]
    assert _types(service, "cbr:backups:delete") == [("backup", False)]


def test_captions_worded_otherwise_are_found_by_their_header_cells():
    service = _service(read_huawei_page(page_text(CBR_PAGE)))  # "Table 1 Actions supported by"

    assert [a["name"] for a in service["actions"]] == [
        "cbr:vaults:list",
        "cbr:vaults:get",
        "cbr:backups:delete",
    ]
    assert [k["name"] for k in service["condition_keys"]] == ["cbr:VaultType"]


def test_page_of_a_service_without_resource_types_imports():
    data = read_huawei_page(page_text(DNS_PAGE))

    service = _service(data)

    assert service["resource_types"] == []
    assert all(a["resource_types"] == [] for a in service["actions"])
    assert service["condition_keys"] == []
    assert data.anomalies == []


def test_a_resource_type_cut_off_by_the_next_section_is_an_error_naming_its_line():
    text = page_text(VPC_PAGE).replace(
        "securityGroup\n\nvpc:<region>:<account-id>:securityGroup:<security-group-id>\n\n",
        "securityGroup\n\n",
    )

    data = read_huawei_page(text)

    (error,) = [e for e in data.errors if "URN pattern" in e.message]
    assert "resource type 'securityGroup' has no URN pattern" in error.message
    assert "'Conditions'" in error.message


def test_page_without_its_conditions_section_is_still_refused_as_truncated():
    text = page_text(DNS_PAGE).split("Conditions\n")[0]

    data = read_huawei_page(text)

    assert any("no 'Conditions' section" in e.message for e in data.errors)


def test_actions_naming_types_on_a_page_without_table_3_is_an_error():
    text = page_text(VPC_PAGE)
    text = text[: text.index("Table 3")] + text[text.index("Conditions\n") :]

    data = read_huawei_page(text)

    assert any("no 'Resource types' table" in e.message for e in data.errors)


def test_a_page_copied_from_the_browser_with_tab_separated_cells_reads_the_same():
    lines = page_text(DNS_PAGE).split("\n")
    header = lines.index("Action")
    # Table 1 as a browser copies it: one row per line, cells separated by tabs.
    rows = [
        "Action\tDescription\tAccess Level\tResource Type (*: required)\tCondition Key",
        "dns:zone:list\tGrants permission to list DNS zones.\tlist\t-\tg:EnterpriseProjectId",
        "dns:zone:create\tGrants permission to create a DNS zone.\twrite\t-\t"
        "• g:EnterpriseProjectId",
        "• g:RequestTag/<tag-key>",
        "dns:recordset:delete\tGrants permission to delete a record set.\twrite\t-\t-",
    ]
    end = lines.index(
        "Each API of DNS usually supports one or more actions. Table 2 lists "
        "the supported actions and dependencies."
    )
    pasted = "\n".join(lines[:header] + rows + [""] + lines[end:])

    assert _service(read_huawei_page(pasted)) == _service(read_huawei_page(page_text(DNS_PAGE)))


# -- several sources in one run ------------------------------------------------------------------


def _import(*paths: Any, dry_run: bool = False) -> str:
    out = StringIO()
    args = [str(p) for p in paths] + (["--dry-run"] if dry_run else [])
    call_command("import_catalog", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_import_catalog_takes_several_pages_in_one_run():
    _import(VPC_PAGE, DNS_PAGE, CBR_PAGE)

    assert set(Service.objects.values_list("prefix", flat=True)) >= {"vpc", "dns", "cbr", "ims"}
    assert Action.objects.filter(service__prefix="vpc").count() == 5


@pytest.mark.django_db
def test_import_catalog_takes_a_folder(tmp_path):
    for page in (VPC_PAGE, CBR_PAGE):
        (tmp_path / page.name).write_text(page_text(page), encoding="utf-8")

    output = _import(tmp_path)

    assert "Applied:" in output
    assert Service.objects.filter(prefix__in=["vpc", "cbr"]).count() == 2


@pytest.mark.django_db
def test_one_bad_page_among_several_imports_nothing_and_names_its_file(tmp_path):
    bad = tmp_path / "broken.txt"
    bad.write_text(page_text(DNS_PAGE).split("Conditions\n")[0], encoding="utf-8")
    before = catalog_state()
    out = StringIO()

    with pytest.raises(CommandError, match="2 sources: not imported"):
        call_command("import_catalog", str(VPC_PAGE), str(bad), stdout=out)

    assert "error: broken.txt: line" in out.getvalue()
    assert catalog_state() == before


def test_the_same_service_in_two_sources_is_an_error():
    data = read_sources([("a.txt", page_text(EVS_PAGE)), ("b.txt", page_text(EVS_PAGE))])

    (error,) = data.errors
    assert error.source == "b.txt"
    assert "service 'evs' is also in a.txt" in error.message


@pytest.mark.django_db
def test_an_empty_folder_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="holds no files"):
        _import(tmp_path)


# -- the admin import takes pasted text ---------------------------------------------------------

URL = "/admin/catalog/service/import/"


@pytest.mark.django_db
def test_admin_import_reviews_pasted_text(staff_client):
    response = staff_client.post(URL, {"text": page_text(VPC_PAGE)})

    body = response.content.decode()
    assert "added service vpc" in body
    assert 'name="confirm"' in body


@pytest.mark.django_db
def test_admin_import_applies_pasted_text(staff_client):
    review = staff_client.post(URL, {"text": page_text(CBR_PAGE)})
    sha = review.context["source_sha256"]

    response = staff_client.post(URL, {"confirm": "1", "source_sha256": sha})

    assert response.status_code == 302
    assert Service.objects.get(prefix="cbr").source == "pasted text"


@pytest.mark.django_db
def test_admin_import_wants_a_file_or_text_but_not_both(staff_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    neither = staff_client.post(URL, {"text": "   "})
    both = staff_client.post(
        URL,
        {"text": page_text(DNS_PAGE), "file": SimpleUploadedFile("d.txt", b"x")},
    )

    assert "Upload a file or paste the page" in neither.content.decode()
    assert "not both" in both.content.decode()
