"""Reading our JSON catalog format strictly: every error names its field, and a
document with any error writes nothing."""

from __future__ import annotations

import copy
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from catalog.importers.json_format import read_json_catalog
from catalog.importers.reading import read_source
from catalog.models import Action, Service
from catalog.selectors import catalog_export
from catalog.services import catalog_import
from tests.catalog.fixtures import catalog_state


def _minimal() -> dict[str, Any]:
    return {
        "format": "scpstudio-catalog",
        "version": 1,
        "services": [
            {
                "prefix": "evs",
                "name": "Elastic Volume Service (EVS)",
                "source": "evs.json",
                "updated_on": "2024-09-20",
                "scp_governed": True,
                "schema_version": "",
                "resource_types": [
                    {"name": "volume", "urn_pattern": "evs:<region>:<account-id>:volume:<id>"}
                ],
                "condition_keys": [
                    {
                        "name": "evs:VolumeSize",
                        "type": "number",
                        "multivalued": False,
                        "description": "Size in GiB.",
                    }
                ],
                "actions": [
                    {
                        "name": "evs:volumes:create",
                        "description": "Create a disk.",
                        "access_level": "write",
                        "permission_only": False,
                        "aliases": [],
                        "resource_types": [
                            {"name": "volume", "required": True, "condition_keys": []}
                        ],
                        "condition_keys": ["evs:VolumeSize", "g:EnterpriseProjectId"],
                        "dependencies": ["kms:cmk:get"],
                    }
                ],
                "apis": [
                    {
                        "method": "POST",
                        "path": "/v2/{project_id}/cloudvolumes",
                        "actions": [
                            {"action": "evs:volumes:create", "note": "", "conditional": False}
                        ],
                    }
                ],
                "operations": [],
            }
        ],
    }


def _broken(change: str) -> dict[str, Any]:
    doc = _minimal()
    service = doc["services"][0]
    action = service["actions"][0]
    if change == "access level a number":
        action["access_level"] = 3
    elif change == "actions not a list":
        service["actions"] = {"evs:volumes:create": action}
    elif change == "access level not a word":
        action["access_level"] = "Super User!"
    elif change == "no format":
        del doc["format"]
    elif change == "wrong version":
        doc["version"] = True
    elif change == "misspelt field":
        action["acces_level"] = action.pop("access_level")
    elif change == "undefined resource type":
        action["resource_types"] = [{"name": "snapshot", "required": True}]
    elif change == "resource type twice":
        action["resource_types"] = [{"name": "volume", "required": True}] * 2
    elif change == "key twice":
        action["condition_keys"] = ["evs:VolumeSize", "evs:VolumeSize"]
    elif change == "unknown method":
        service["apis"][0]["method"] = "FETCH"
    elif change == "relative path":
        service["apis"][0]["path"] = "v2/volumes"
    elif change == "same API twice":
        service["apis"].append(copy.deepcopy(service["apis"][0]))
    elif change == "global prefix":
        service["prefix"] = "g"
    elif change == "bad date":
        service["updated_on"] = "20 September 2024"
    elif change == "required flag a string":
        action["resource_types"][0]["required"] = "yes"
    else:
        raise AssertionError(change)
    return doc


BROKEN = [
    ("access level a number", "services[0].actions[0].access_level", "must be a string"),
    ("actions not a list", "services[0].actions", "must be a list, not an object"),
    (
        "access level not a word",
        "services[0].actions[0].access_level",
        "'Super User!' is not an access level",
    ),
    ("no format", "format", "must be 'scpstudio-catalog'"),
    ("wrong version", "version", "must be 1"),
    ("misspelt field", "services[0].actions[0].acces_level", "is not a field of action objects"),
    ("undefined resource type", "services[0].actions[0].resource_types[0].name", "'snapshot'"),
    ("resource type twice", "services[0].actions[0].resource_types[1].name", "more than once"),
    ("key twice", "services[0].actions[0].condition_keys[1]", "more than once"),
    ("unknown method", "services[0].apis[0].method", "'FETCH' is not one of"),
    ("relative path", "services[0].apis[0].path", "must start with /"),
    ("same API twice", "services[0].apis[1]", "appears more than once"),
    ("global prefix", "services[0].prefix", "prefix of global condition keys"),
    ("bad date", "services[0].updated_on", "must be a date"),
    ("required flag a string", "services[0].actions[0].resource_types[0].required", "true or"),
]


def test_minimal_document_reads_without_anomalies():
    data = read_json_catalog(_minimal())

    assert data.anomalies == []
    assert data.document == _minimal()


@pytest.mark.parametrize(("change", "field", "message"), BROKEN, ids=[b[0] for b in BROKEN])
def test_wrong_document_is_an_error_naming_the_field(change, field, message):
    data = read_json_catalog(_broken(change))

    assert data.errors
    assert (data.errors[0].field, message in data.errors[0].message) == (field, True), data.errors


@pytest.mark.usefixtures("db")
@pytest.mark.parametrize(("change", "field", "message"), BROKEN, ids=[b[0] for b in BROKEN])
def test_import_command_refuses_a_wrong_document_and_writes_nothing(
    change, field, message, tmp_path
):
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(_broken(change)), encoding="utf-8")
    before = catalog_state()
    out = StringIO()

    with pytest.raises(CommandError, match="not imported"):
        call_command("import_catalog", str(path), stdout=out)

    assert f"error: {field}: " in out.getvalue()
    assert "Nothing was imported" in out.getvalue()
    assert catalog_state() == before
    assert not Service.objects.filter(prefix="evs").exists()


@pytest.mark.usefixtures("db")
def test_json_syntax_error_names_the_line_and_writes_nothing(tmp_path):
    path = tmp_path / "catalog.json"
    path.write_text('\n{\n  "format": "scpstudio-catalog",\n  "version": 1,\n}\n', encoding="utf-8")
    before = catalog_state()
    out = StringIO()

    with pytest.raises(CommandError):
        call_command("import_catalog", str(path), stdout=out)

    assert "error: line 5: not valid JSON" in out.getvalue()
    assert catalog_state() == before


def test_a_json_list_is_not_a_catalog_document():
    data = read_source("[1, 2, 3]")

    (error,) = data.errors
    assert (error.field, error.message) == ("(document)", "must be an object, not a list")


def test_dependencies_and_keys_the_service_does_not_define_are_warnings():
    doc = _minimal()
    action = doc["services"][0]["actions"][0]
    action["dependencies"].append("evs:volumes:getPolicy")
    action["condition_keys"] = ["evs:Unknown"]

    data = read_json_catalog(doc)

    assert data.errors == []
    assert {(w.field, w.message) for w in data.anomalies} == {
        (
            "services[0].actions[0].dependencies",
            "evs:volumes:getPolicy is not defined by the service",
        ),
        ("services[0].actions[0].condition_keys", "evs:Unknown is not defined by the service"),
        ("services[0].condition_keys[0]", "evs:VolumeSize is used by no action"),
    }


@pytest.mark.usefixtures("db")
def test_the_export_reads_back_as_itself():
    exported = catalog_export()

    data = read_json_catalog(json.loads(json.dumps(exported)))

    assert data.errors == []
    assert data.document == exported


@pytest.mark.usefixtures("db")
def test_a_valid_document_imports_and_links_to_existing_actions(tmp_path):
    doc = _minimal()
    doc["services"][0]["actions"][0]["dependencies"].append("ims:images:get")

    result = catalog_import(read_json_catalog(doc))

    assert result.errors == []
    assert result.applied
    created = Action.objects.get(name="evs:volumes:create")
    targets = {d.target_name: d.target for d in created.dependencies.all()}
    assert targets["ims:images:get"] == Action.objects.get(name="ims:images:get")
    assert targets["kms:cmk:get"] is None


def test_a_global_key_listed_twice_is_an_error():
    from catalog.importers.json_format import read_json_catalog

    document = {
        "format": "scpstudio-catalog",
        "version": 1,
        "global_condition_keys": [
            {"name": "g:Zed", "type": "string", "description": "first"},
            {"name": "g:Zed", "type": "number", "description": "second"},
        ],
    }

    errors = read_json_catalog(document).errors

    assert any("appears more than once" in e.message for e in errors)
