"""IAM's authorization-schema JSON as a catalog source: recognised by content, reviewed as a
change set, applied atomically, and carrying what the page does not."""

from __future__ import annotations

import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from catalog.importers.reading import read_source
from catalog.models import (
    Action,
    ActionResourceType,
    Api,
    ConditionKey,
    Dependency,
    Operation,
    Service,
)
from catalog.services import catalog_import
from catalog.snapshot import catalog_snapshot
from scpstudio.engine.evaluate import DENIED
from scpstudio.engine.preview import preview_policy
from tests.catalog.fixtures import catalog_state
from tests.catalog.schema_data import as_text, ecs_schema, ims_schema
from tests.editor.helpers import EDITOR, resubmit, shown_json

pytestmark = pytest.mark.usefixtures("db", "fresh_snapshot")


def _save(tmp_path: Path, schema: dict, name: str = "ecs.json") -> Path:
    path = tmp_path / name
    path.write_text(as_text(schema), encoding="utf-8")
    return path


def _import(path: Path, *args: str) -> str:
    out = StringIO()
    call_command("import_catalog", str(path), *args, stdout=out)
    return out.getvalue()


def test_import_catalog_recognises_a_saved_schema_by_its_content(tmp_path):
    path = _save(tmp_path, ecs_schema(), name="anything.txt")

    output = _import(path)

    assert "Applied:" in output
    service = Service.objects.get(prefix="ecs")
    assert service.schema_version == "2.3"
    assert service.name == "ECS"
    assert set(service.actions.values_list("name", flat=True)) == {
        "ecs:cloudServers:list",
        "ecs:cloudServers:delete",
        "ecs:cloudServers:vncConsole",
        "ecs:cloudServers:migrate",
    }


def test_a_dry_run_of_a_schema_lists_its_changes_and_writes_nothing(tmp_path):
    path = _save(tmp_path, ecs_schema())
    before = catalog_state()

    output = _import(path, "--dry-run")

    assert "added action ecs:cloudServers:delete" in output
    assert "added operation DeleteServers (ecs)" in output
    assert "added resource type ecs:instance" in output
    assert "Dry run, nothing written" in output
    assert catalog_state() == before


def test_the_schema_carries_what_the_page_does_not(tmp_path):
    _import(_save(tmp_path, ecs_schema()))

    listing = Action.objects.get(name="ecs:cloudServers:list")
    console = Action.objects.get(name="ecs:cloudServers:vncConsole")
    link = ActionResourceType.objects.get(action__name="ecs:cloudServers:delete")
    flavor = ConditionKey.objects.get(name="ecs:InstanceFlavor")
    delete = Operation.objects.get(operation_id="DeleteServers")
    assert listing.aliases == ["ecs:servers:list"]
    assert listing.description == "List servers."
    assert console.permission_only is True
    assert link.required is True
    assert link.condition_keys == ["ecs:InstanceFlavor", "g:ResourceTag/<tag-key>"]
    assert (flavor.value_type, flavor.multivalued) == ("string", False)
    assert delete.action.name == "ecs:cloudServers:delete"
    assert delete.dependent_actions == ["evs:volumes:delete", "vpc:publicIps:delete"]


def test_an_unknown_access_level_is_kept_and_said(tmp_path):
    output = _import(_save(tmp_path, ecs_schema()))

    assert "'operate' is an access level SCP Studio does not know: kept" in output
    assert Action.objects.get(name="ecs:cloudServers:migrate").access_level == "operate"


def test_a_value_type_huawei_writes_as_a_list_is_multivalued():
    schema = ecs_schema()
    schema["conditions"][0]["value_type"] = "StringList"
    schema["conditions"][0]["multi_valued"] = False

    data = read_source(as_text(schema))

    (key,) = data.document["services"][0]["condition_keys"]
    assert (key["type"], key["multivalued"]) == ("string", True)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            lambda s: s["resources"][0].update(urn_template="ecs:<region>:instance"),
            "resources[0].urn_template",
            "cannot be read: it does not have the five parts",
        ),
        (
            lambda s: s["resources"][0].update(urn_template="ecs:<region>:<account-id:instance:x"),
            "resources[0].urn_template",
            "<account-id:instance:x' cannot be read: it holds markup",
        ),
        (
            lambda s: s["conditions"][0].update(value_type="Blob"),
            "conditions[0].value_type",
            "'Blob' is not a value type SCP Studio knows",
        ),
        (
            lambda s: s["actions"][1]["resources"][0].update(urn_template="ecs:*:*:disk:*"),
            "actions[1].resources[0].urn_template",
            "is the template of none of the resources",
        ),
        (
            lambda s: s["actions"][0].update(name="evs:volumes:list"),
            "actions",
            "the actions belong to several services",
        ),
        (
            lambda s: s["actions"][0].update(aliases=["ecs:cloudServers:delete"]),
            "actions[0].aliases",
            "is the name of another action",
        ),
        (
            lambda s: s.update(actions="none"),
            "actions",
            "must be a list, not a string",
        ),
    ],
    ids=[
        "URN template without five parts",
        "URN placeholder not closed",
        "unknown value type",
        "action names an unknown template",
        "two services",
        "alias is another action",
        "actions not a list",
    ],
)
def test_a_schema_the_engine_cannot_read_is_refused_naming_the_place(
    tmp_path, change, field, message
):
    schema = ecs_schema()
    change(schema)
    path = _save(tmp_path, schema)
    before = catalog_state()
    out = StringIO()

    with pytest.raises(CommandError, match="not imported"):
        call_command("import_catalog", str(path), stdout=out)

    assert f"error: {field}: " in out.getvalue()
    assert message in out.getvalue()
    assert catalog_state() == before


def test_braced_placeholders_are_read_as_the_engine_writes_them():
    schema = ecs_schema()
    braced = "ecs:{region}:{account_id}:instance:{instance_id}"
    schema["resources"][0]["urn_template"] = braced
    schema["actions"][1]["resources"][0]["urn_template"] = braced

    data = read_source(as_text(schema))

    assert data.errors == []
    (resource_type,) = data.document["services"][0]["resource_types"]
    assert resource_type["urn_pattern"] == "ecs:<region>:<account_id>:instance:<instance_id>"


def test_a_global_key_in_a_schema_updates_the_global_key_rather_than_duplicating_it(tmp_path):
    schema = ecs_schema()
    schema["conditions"].append(
        {
            "key": "g:EnterpriseProjectId",
            "value_type": "String",
            "multi_valued": False,
            "description": {"en_US": "", "zh_CN": ""},
        }
    )
    described = ConditionKey.objects.get(name="g:EnterpriseProjectId").description

    _import(_save(tmp_path, schema))

    keys = ConditionKey.objects.filter(name__iexact="g:EnterpriseProjectId")
    assert [(k.service_id, k.description) for k in keys] == [(None, described)]
    org = ConditionKey.objects.filter(name__iexact="g:ResourceOrgId")
    assert [(k.service_id, k.request_wide) for k in org] == [(None, True)]


def test_a_global_key_only_a_schema_names_is_added_to_the_global_keys(tmp_path):
    schema = ecs_schema()
    schema["conditions"].append(
        {"key": "g:ResourceShareId", "value_type": "StringList", "description": "A share."}
    )

    output = _import(_save(tmp_path, schema))

    assert "added condition key g:ResourceShareId" in output
    key = ConditionKey.objects.get(name="g:ResourceShareId")
    assert (key.service_id, key.value_type, key.multivalued) == (None, "string", True)
    assert not key.request_wide


def test_importing_the_same_schema_twice_changes_nothing(tmp_path):
    path = _save(tmp_path, ecs_schema())
    _import(path)
    before = catalog_state()

    output = _import(path)

    assert "No changes: the catalog already matches the source." in output
    assert catalog_state() == before


def test_a_schema_keeps_the_page_apis_and_dependencies_of_its_service(tmp_path):
    apis = Api.objects.filter(service__prefix="ims").count()
    dependencies = Dependency.objects.filter(action__service__prefix="ims").count()
    path = tmp_path / "ims.json"
    path.write_text(as_text(ims_schema()), encoding="utf-8")

    output = _import(path)

    assert "removed API" not in output
    assert Api.objects.filter(service__prefix="ims").count() == apis
    assert Dependency.objects.filter(action__service__prefix="ims").count() == dependencies
    assert Operation.objects.filter(service__prefix="ims").count() == 29
    assert Service.objects.get(prefix="ims").name == "Image Management Service (IMS)"


def test_a_later_schema_reports_removed_and_changed_actions_and_operations(tmp_path):
    _import(_save(tmp_path, ecs_schema()))
    schema = ecs_schema()
    del schema["actions"][3]
    schema["actions"][0]["access_level"] = "read"
    schema["operations"][1]["dependent_actions"] = ["evs:volumes:delete"]

    output = _import(_save(tmp_path, schema, "ecs-2.json"), "--dry-run")

    assert "removed action ecs:cloudServers:migrate" in output
    assert "changed action ecs:cloudServers:list (access_level: 'list' -> 'read')" in output
    assert "changed operation DeleteServers (ecs) (dependent_actions:" in output


def test_a_later_schema_reports_added_removed_and_changed_keys_resource_types_and_operations(
    tmp_path,
):
    first = ecs_schema()
    first["resources"].append(
        {"type_name": "flavor", "urn_template": "ecs:<region>:<account-id>:flavor:<flavor-id>"}
    )
    first["conditions"].append(
        {"key": "ecs:Zone", "value_type": "String", "multi_valued": False, "description": {}}
    )
    _import(_save(tmp_path, first))
    later = ecs_schema()
    later["conditions"][0]["multi_valued"] = True
    later["operations"][0] = {
        "operation_id": "ListServers",
        "operation_action": "ecs:cloudServers:list",
        "dependent_actions": [],
    }

    output = _import(_save(tmp_path, later, "ecs-2.json"), "--dry-run")

    assert "removed resource type ecs:flavor" in output
    assert "removed condition key ecs:Zone" in output
    assert "changed condition key ecs:InstanceFlavor (multivalued: False -> True)" in output
    assert "added operation ListServers (ecs)" in output
    assert "removed operation ListServersDetails (ecs)" in output


def test_the_export_after_a_schema_import_reads_back_as_itself(tmp_path):
    _import(_save(tmp_path, ecs_schema()))
    out = StringIO()
    call_command("export_catalog", "--service", "ecs", stdout=out)
    exported = tmp_path / "export.json"
    exported.write_text(out.getvalue(), encoding="utf-8")

    data = read_source(out.getvalue())
    result = catalog_import(data, dry_run=True)

    assert data.errors == [] and result.changes == []
    assert json.loads(out.getvalue())["services"][0]["operations"][0]["operation_id"] == (
        "DeleteServers"
    )


# -- what the engine makes of it -------------------------------------------------------------


def test_an_alias_is_matched_like_its_action(tmp_path):
    _import(_save(tmp_path, ecs_schema()))
    catalog = catalog_snapshot()
    policy = {"Version": "5.0", "Statement": [{"Effect": "Deny", "Action": ["ecs:servers:list"]}]}

    preview = preview_policy(policy, catalog)

    assert catalog.action("ECS:servers:LIST").name == "ecs:cloudServers:list"
    assert [a.name for a in catalog.match_actions("ecs:servers:*")] == ["ecs:cloudServers:list"]
    (row,) = [r for r in preview.apis if r.operation_ids == ("ListServersDetails",)]
    assert row.outcome is DENIED


def test_the_editor_offers_the_real_name_of_an_alias_and_its_fix_writes_it(client, tmp_path):
    _import(_save(tmp_path, ecs_schema()))
    text = json.dumps(
        {"Version": "5.0", "Statement": [{"Effect": "Deny", "Action": "ecs:servers:list"}]}
    )
    page = client.post(EDITOR, {"op": "json", "source": "json", "json": text})
    finding = re.search(
        r'<li class="finding[^"]*">(?:(?!</li>).)*?ACTION_ALIAS(?:(?!</li>).)*</li>',
        page.content.decode(),
        re.S,
    )
    assert finding is not None
    assert "is another name of &quot;ecs:cloudServers:list&quot;" in finding.group(0)
    op = re.search(r'name="op" value="([^"]+)"[^>]*>Fix<', finding.group(0)).group(1)

    fixed = resubmit(client, page, op)

    assert shown_json(fixed) == text.replace("ecs:servers:list", "ecs:cloudServers:list")
    assert "ACTION_ALIAS" not in fixed.content.decode()


def test_the_editors_picker_groups_an_unknown_level_under_its_own_name_after_ours(client, tmp_path):
    _import(_save(tmp_path, ecs_schema()))
    text = json.dumps(
        {"Version": "5.0", "Statement": [{"Effect": "Deny", "Action": "ecs:cloudServers:list"}]}
    )

    page = client.post(EDITOR, {"op": "json", "source": "json", "json": text}).content.decode()

    legends = re.findall(r'<fieldset class="level">\s*<legend>([^<]+) <span', page)
    operate = re.search(r"<legend>Operate .*?</fieldset>", page, re.S)
    assert legends == ["List", "Write", "Permission management", "Operate"]
    assert operate is not None and 'value="ecs:cloudServers:migrate"' in operate.group(0)


def test_a_dependent_action_decides_its_operation(tmp_path):
    _import(_save(tmp_path, ecs_schema()))
    policy = {"Version": "5.0", "Statement": [{"Effect": "Deny", "Action": "vpc:publicIps:delete"}]}

    preview = preview_policy(policy, catalog_snapshot(), services=["ecs"])

    rows = {r.label: r for r in preview.apis}
    assert rows["DeleteServers (ecs)"].outcome is DENIED
    assert rows["DeleteServers (ecs)"].method == ""
    assert rows["ListServersDetails (ecs)"].outcome is not DENIED
    denied = [a.action for a in rows["DeleteServers (ecs)"].actions if a.decision.outcome is DENIED]
    assert denied == ["vpc:publicIps:delete"]


def test_an_operation_takes_the_method_and_path_of_the_page_api_needing_its_action(tmp_path):
    path = tmp_path / "ims.json"
    path.write_text(as_text(ims_schema()), encoding="utf-8")
    _import(path)

    preview = preview_policy(
        {"Version": "5.0", "Statement": []}, catalog_snapshot(), services=["ims"]
    )

    listing = [r for r in preview.apis if r.path == "/v2/cloudimages" and r.method == "GET"]
    assert [r.operation_ids for r in listing] == [("GetV2Cloudimages",)]
    assert all(r.path for r in preview.apis)


def test_keys_of_an_actions_resource_type_are_offered_for_it(tmp_path):
    _import(_save(tmp_path, ecs_schema()))

    keys = {k.name for k in catalog_snapshot().keys_for_action("ecs:cloudServers:delete")}

    assert {"ecs:InstanceFlavor", "g:ResourceTag/<tag-key>", "g:EnterpriseProjectId"} <= keys


# -- what the REST catalog API and the admin show ----------------------------------------------


def test_the_rest_api_lists_operations_with_the_method_and_path_of_the_page(
    client, tmp_path, django_assert_max_num_queries
):
    path = tmp_path / "ims.json"
    path.write_text(as_text(ims_schema()), encoding="utf-8")
    _import(path)

    with django_assert_max_num_queries(3):
        page = client.get("/api/v1/catalog/operations/", {"service": "ims", "limit": 100}).json()

    assert page["count"] == 29
    listing = next(o for o in page["results"] if o["operation_id"] == "GetV2Cloudimages")
    assert listing == {
        "operation_id": "GetV2Cloudimages",
        "service": "ims",
        "action": "ims:images:list",
        "dependent_actions": [],
        "apis": ["GET /v2/cloudimages"],
    }


def test_the_rest_api_shows_aliases_permission_only_and_operations_of_an_action(client, tmp_path):
    _import(_save(tmp_path, ecs_schema()))

    listing = client.get("/api/v1/catalog/actions/ecs:cloudServers:list/").json()
    console = client.get("/api/v1/catalog/actions/ecs:cloudServers:vncConsole/").json()
    ecs = client.get("/api/v1/catalog/services/ecs/").json()

    assert listing["aliases"] == ["ecs:servers:list"]
    assert listing["operations"] == ["ListServersDetails"]
    assert [a["operation_ids"] for a in listing["apis"]] == [["ListServersDetails"]]
    assert console["permission_only"] is True
    assert ecs["schema_version"] == "2.3"


def test_the_health_page_lists_operations_without_a_path_and_page_apis_without_operation(
    staff_client, tmp_path
):
    schema = ims_schema()
    schema["operations"] = [
        o for o in schema["operations"] if o["operation_id"] != "GetV2Cloudimages"
    ]
    schema["actions"].append(
        {
            "name": "ims:images:preview",
            "access_level": "read",
            "resources": [],
            "condition_keys": [],
        }
    )
    schema["operations"].append(
        {
            "operation_id": "PreviewImage",
            "operation_action": "ims:images:preview",
            "dependent_actions": [],
        }
    )
    path = tmp_path / "ims.json"
    path.write_text(as_text(schema), encoding="utf-8")
    _import(path)

    page = staff_client.get("/admin/catalog/service/health/").content.decode()

    assert "Operations known only by their id (1)" in page
    assert "ims:PreviewImage" in page
    assert "Page APIs no operation matches (1)" in page
    assert "GET /v2/cloudimages" in page


def test_the_admin_import_reviews_a_saved_schema_then_applies_it(staff_client):
    upload = SimpleUploadedFile("ecs-schema.json", as_text(ecs_schema()).encode())
    before = catalog_state()

    review = staff_client.post("/admin/catalog/service/import/", {"file": upload})

    body = review.content.decode()
    assert "added operation DeleteServers (ecs)" in body
    assert "operate&#x27; is an access level SCP Studio does not know: kept" in body
    assert catalog_state() == before
    applied = staff_client.post(
        "/admin/catalog/service/import/",
        {"confirm": "1", "source_sha256": review.context["source_sha256"]},
    )
    assert applied.status_code == 302
    assert Operation.objects.filter(service__prefix="ecs").count() == 2


def test_the_action_page_shows_what_the_schema_brought(client, tmp_path):
    _import(_save(tmp_path, ecs_schema()))

    listing = client.get("/catalog/actions/ecs:cloudServers:list/").content.decode()
    console = client.get("/catalog/actions/ecs:cloudServers:vncConsole/").content.decode()
    migrate = client.get("/catalog/actions/ecs:cloudServers:migrate/").content.decode()
    ims = client.get("/catalog/actions/ims:images:get/").content.decode()

    assert "<dt>Other names</dt>" in listing and "<code>ecs:servers:list</code>" in listing
    assert '<code class="operation-id">ListServersDetails</code>' in listing
    assert "<dt>Permission only</dt>" in console
    assert ">Operate</a>" in migrate
    assert ">Read</a>" in ims
