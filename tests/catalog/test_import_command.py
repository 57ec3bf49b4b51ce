"""The import and export commands on a real, migrated database: dry runs, change sets,
atomic and idempotent imports, round trips, refusals that write nothing, shipped data."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from catalog.importers import ImportData
from catalog.models import (
    Action,
    ActionResourceType,
    Api,
    ApiAction,
    CatalogRevision,
    ConditionKey,
    Dependency,
    ResourceType,
    Service,
)
from catalog.services import catalog_ensure_shipped, catalog_import
from tests.catalog.fixtures import EVS_PAGE, IMS_PAGE, catalog_state, page_text

pytestmark = pytest.mark.usefixtures("db")


def _import(path: Path, *args: str) -> str:
    out = StringIO()
    call_command("import_catalog", str(path), *args, stdout=out)
    return out.getvalue()


def _export(*args: str) -> str:
    out = StringIO()
    call_command("export_catalog", *args, stdout=out)
    return out.getvalue()


def _revision() -> int:
    return CatalogRevision.objects.get(pk=1).number


def _ims_copy(tmp_path: Path, old: str, new: str) -> Path:
    """A copy of the IMS page under its own name, so that only `old` -> `new` differs."""
    text = page_text(IMS_PAGE)
    assert text.count(old) == 1, old
    path = tmp_path / IMS_PAGE.name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


# -- the shipped catalog is the IMS page ------------------------------------------------------


def test_ims_page_matches_the_shipped_catalog():
    before = catalog_state()

    output = _import(IMS_PAGE)

    assert "No changes: the catalog already matches the source." in output
    assert catalog_state() == before


def test_shipped_ims_rows_give_the_figures_of_the_page():
    ims = Service.objects.get(prefix="ims")

    assert ims.actions.count() == 26
    assert ActionResourceType.objects.filter(action__service=ims, required=True).count() == 13
    assert ims.condition_keys.count() == 4
    assert Api.objects.filter(service=ims).count() == 29
    assert ApiAction.objects.filter(api__service=ims).count() == 33
    assert ApiAction.objects.filter(api__service=ims, conditional=True).count() == 4
    assert Dependency.objects.filter(action__service=ims).count() == 10
    assert sorted(
        Dependency.objects.filter(action__service=ims, target__isnull=True).values_list(
            "target_name", flat=True
        )
    ) == [
        "ims:images:deleteTags",
        "ims:images:update",
        "obs:object:GetObject",
        "obs:object:PutObject",
    ]


# -- dry run, apply, idempotence ---------------------------------------------------------------


def test_dry_run_prints_summary_and_change_set_and_writes_nothing():
    before = catalog_state()

    output = _import(EVS_PAGE, "--dry-run")

    assert (
        "Source holds: 1 services, 12 actions, 2 resource types, 5 service condition keys, "
        "15 APIs, 15 API-action links, 7 dependencies" in output
    )
    assert "  added service evs" in output
    assert "  added action evs:snapshots:create" in output
    assert "  added resource type evs:snapshot" in output
    assert "  added condition key evs:SnapshotCreatedBefore" in output
    assert "  added API POST /v2.1/{project_id}/cloudvolumes (evs)" in output
    assert "Dry run, nothing written: 35 added, 0 changed, 0 removed." in output
    assert catalog_state() == before
    assert not Service.objects.filter(prefix="evs").exists()


def test_import_writes_the_other_service_with_its_own_counts_and_one_revision():
    revision = _revision()

    output = _import(EVS_PAGE)

    assert "Applied: 35 added, 0 changed, 0 removed." in output
    assert _revision() == revision + 1
    evs = Service.objects.get(prefix="evs")
    assert str(evs.updated_on) == "2024-09-20"
    assert evs.actions.count() == 12
    assert evs.actions.filter(access_level="write").count() == 6
    assert evs.resource_types.count() == 2
    assert ActionResourceType.objects.filter(action__service=evs, required=True).count() == 7
    assert ActionResourceType.objects.filter(action__service=evs, required=False).count() == 4
    assert set(evs.condition_keys.values_list("value_type", flat=True)) == {
        "number",
        "string",
        "date",
        "boolean",
    }
    assert ApiAction.objects.filter(api__service=evs).count() == 15
    linked = Dependency.objects.get(action__name="evs:volumes:create", target_name="ims:images:get")
    assert linked.target == Action.objects.get(name="ims:images:get")
    assert Dependency.objects.get(target_name="kms:cmk:get").target is None


def test_second_import_reports_no_changes_and_keeps_the_revision():
    _import(EVS_PAGE)
    before = catalog_state()

    output = _import(EVS_PAGE)

    assert "No changes: the catalog already matches the source." in output
    assert catalog_state() == before


def test_changed_description_shows_a_changed_row(tmp_path):
    path = _ims_copy(
        tmp_path,
        "Grants permission to query the image quota.",
        "Grants permission to query the image quotas of a project.",
    )
    revision = _revision()

    output = _import(path, "--dry-run")

    assert (
        "  changed action ims:quotas:get (description: 'Grants permission to query the image "
        "quota.' -> 'Grants permission to query the image quotas of a project.')" in output
    )
    assert "Dry run, nothing written: 0 added, 1 changed, 0 removed." in output
    assert _revision() == revision

    output = _import(path)

    assert "Applied: 0 added, 1 changed, 0 removed." in output
    assert Action.objects.get(name="ims:quotas:get").description.endswith("of a project.")
    assert _revision() == revision + 1


def test_removed_action_shows_a_removed_row(tmp_path):
    path = _ims_copy(
        tmp_path,
        "ims:quotas:get\n\nGrants permission to query the image quota.\n\nread\n\n-\n\n-\n\n",
        "",
    )

    output = _import(path)

    assert "  removed action ims:quotas:get" in output
    assert "GET /v1/cloudimages/quota needs ims:quotas:get, which the actions table does not" in (
        output
    )
    assert not Action.objects.filter(name="ims:quotas:get").exists()
    assert ApiAction.objects.get(action_name="ims:quotas:get").action is None


# -- anomalies on the way in ------------------------------------------------------------------


def test_anomalies_are_printed_with_their_lines():
    output = _import(IMS_PAGE, "--dry-run")

    assert "warning: line 405: truncated HTTP method 'OST'" in output
    assert "warning: line 382: ims:images:upload depends on ims:images:update" in output
    assert "warning: line 461: ims:images:setOrDeleteTags depends on ims:images:deleteTags" in (
        output
    )
    assert "warning: line 559: condition key ims:TargetBucketOrgPaths is defined but no" in output


def test_an_access_level_cell_that_is_not_a_word_is_an_error_and_nothing_is_written(tmp_path):
    path = _ims_copy(
        tmp_path,
        "Grants permission to share images.\n\npermission_management",
        "Grants permission to share images.\n\nsharing, with other accounts",
    )
    before = catalog_state()

    with pytest.raises(CommandError, match="not imported"):
        _import(path)

    assert catalog_state() == before


def test_unknown_http_method_is_an_error_and_nothing_is_written(tmp_path):
    path = _ims_copy(tmp_path, "GET /v1/cloudimages/quota", "FETCH /v1/cloudimages/quota")
    before = catalog_state()
    out = StringIO()

    with pytest.raises(CommandError):
        call_command("import_catalog", str(path), stdout=out)

    assert "error: line 369: unknown HTTP method 'FETCH'" in out.getvalue()
    assert catalog_state() == before


# -- bad input: an error naming a line, a CommandError, nothing written -------------------------


def _truncated(marker: str, occurrence: int) -> str:
    lines = page_text(IMS_PAGE).splitlines()
    index = -1
    for _ in range(occurrence):
        index = lines.index(marker, index + 1)
    return "\n".join(lines[: index + 1])


BAD_PAGES = {
    "empty": "",
    "prose": "Minutes of the meeting.\n\nWe agreed to meet again on Tuesday.\n",
    "html": "<!doctype html>\n<html><head><title>IMS</title></head><body></body></html>\n",
    "cut-in-table-1": _truncated("Grants permission to update image information.", 1),
    "cut-in-table-2": _truncated("  • obs:object:GetObject", 1),
}


@pytest.mark.parametrize("name", BAD_PAGES)
def test_bad_page_is_refused_naming_a_line_and_writes_nothing(name, tmp_path):
    path = tmp_path / f"{name}.txt"
    path.write_text(BAD_PAGES[name], encoding="utf-8")
    before = catalog_state()
    out = StringIO()

    with pytest.raises(CommandError, match="not imported"):
        call_command("import_catalog", str(path), stdout=out)

    errors = [line for line in out.getvalue().splitlines() if line.startswith("error: ")]
    assert errors
    assert all(line.startswith("error: line ") for line in errors)
    assert catalog_state() == before


def test_unreadable_file_is_a_command_error(tmp_path):
    path = tmp_path / "image.txt"
    path.write_bytes(b"\xff\xfe\x00binary")

    with pytest.raises(CommandError, match="cannot read"):
        _import(path)


def test_database_refusal_inside_the_apply_writes_nothing():
    # The readers never let an empty access level through, so build the data by hand:
    # the EVS service is written first, then the action breaks a check constraint.
    service = {
        "prefix": "evs",
        "name": "EVS",
        "source": "",
        "updated_on": None,
        "resource_types": [],
        "condition_keys": [],
        "actions": [
            {
                "name": "evs:volumes:list",
                "description": "",
                "access_level": "",
                "resource_types": [],
                "condition_keys": [],
                "dependencies": [],
            }
        ],
        "apis": [],
    }
    data = ImportData({"format": "scpstudio-catalog", "version": 1, "services": [service]})
    before = catalog_state()

    result = catalog_import(data)

    assert not result.applied
    (error,) = result.errors
    assert error.message.startswith("the database refused the import, so nothing was written")
    assert catalog_state() == before
    assert not Service.objects.filter(prefix="evs").exists()


# -- export and round trips ----------------------------------------------------------------------


def test_export_of_one_service_is_our_json_format():
    document = json.loads(_export("--service", "ims"))

    assert document["format"] == "scpstudio-catalog"
    assert document["version"] == 1
    assert [s["prefix"] for s in document["services"]] == ["ims"]
    assert len(document["services"][0]["actions"]) == 26
    assert (
        len(document["global_condition_keys"])
        == ConditionKey.objects.filter(service__isnull=True).count()
    )


def test_export_of_an_unknown_service_is_a_command_error():
    with pytest.raises(CommandError, match="no such service: nope"):
        _export("--service", "nope")


@pytest.mark.parametrize(
    "args",
    [("--service", "ims"), ("--service", "evs", "--no-global-keys"), ()],
    ids=["ims", "evs-without-global-keys", "everything"],
)
def test_export_then_import_round_trips_exactly(args, tmp_path):
    _import(EVS_PAGE)
    path = tmp_path / "catalog.json"
    call_command("export_catalog", *args, "-o", str(path), stdout=StringIO())
    exported = path.read_text(encoding="utf-8")
    before = catalog_state()

    output = _import(path)

    assert "No changes: the catalog already matches the source." in output
    assert catalog_state() == before
    assert _export(*args) == exported


def test_exported_service_imports_into_an_empty_catalog_as_it_was(tmp_path):
    _import(EVS_PAGE)
    path = tmp_path / "evs.json"
    call_command("export_catalog", "--service", "evs", "-o", str(path), stdout=StringIO())
    exported = path.read_text(encoding="utf-8")
    Service.objects.get(prefix="evs").delete()

    output = _import(path)

    assert "Applied: 35 added, 0 changed, 0 removed." in output
    assert _export("--service", "evs") == exported


def test_shipped_ims_file_is_the_export_of_the_page():
    shipped = Path(__file__).resolve().parents[2] / "catalog" / "data" / "ims.json"

    assert _export("--service", "ims", "--no-global-keys") == shipped.read_text(encoding="utf-8")


# -- the shipped data -----------------------------------------------------------------------------


def test_migrate_again_changes_nothing():
    before = catalog_state()

    call_command("migrate", verbosity=0, stdout=StringIO())

    assert catalog_state() == before


def test_ensure_shipped_reloads_a_deleted_service_but_keeps_edited_global_keys():
    key = ConditionKey.objects.get(name="g:EnterpriseProjectId")
    key.description = "Edited by a maintainer."
    key.save()
    Service.objects.get(prefix="ims").delete()
    assert not ResourceType.objects.filter(service__prefix="ims").exists()

    loaded = catalog_ensure_shipped()

    assert loaded == ["ims.json"]
    assert Service.objects.get(prefix="ims").actions.count() == 26
    key.refresh_from_db()
    assert key.description == "Edited by a maintainer."
    assert "No changes" in _import(IMS_PAGE, "--dry-run")


def test_ensure_shipped_loads_nothing_when_everything_is_there():
    before = catalog_state()

    assert catalog_ensure_shipped() == []
    assert catalog_state() == before
