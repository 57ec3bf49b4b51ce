"""Exporting the organization (issue 19, item 7): the organization made through the pages'
services as Terraform (parsed by an HCL parser, matching the expected file, each content the
saved text byte for byte) and as our JSON, which round trips: export, import into an empty
organization and library, export again: the same text."""

from __future__ import annotations

import json
from pathlib import Path

import hcl2
import pytest

from scpstudio.org import services
from scpstudio.org.exporting import export_text
from scpstudio.org.import_source import read_export
from scpstudio.org.models import FULL_ACCESS, Attachment, Node
from scpstudio.org.selectors import Tree, org_root
from scpstudio.org.services import organization_import
from scpstudio.policies import services as library
from scpstudio.policies.models import Policy
from tests.org.helpers import DELETE_DENIED, SHARE_DENIED, account, attach, guardrail, ou
from tests.org_export.hcl_values import string_value
from tests.policies.library import make_user

pytestmark = pytest.mark.django_db

EXPECTED_TF = Path(__file__).parent / "data" / "small_org.tf"
UNICODE = '{"Version": "5.0", "Statement": [{"Sid": "Ünïcode", "Effect": "Deny", "Action": "ims:images:share"}]}'  # noqa: E501


def build_organization(organizer) -> dict:
    """The journey's organization with more in it: a root with Huawei's id, Prod (a guardrail
    following its latest version) and Dev, an OU inside Dev, three accounts (one the
    management account), the guardrail pinned to its version 1 on an account, a policy whose
    text has no final newline and non-ASCII characters, FullAccess replaced on one OU."""
    services.node_rename(user=organizer, node=org_root(), name="Landing zone")
    services.node_set_huawei_id(user=organizer, node=org_root(), huawei_id="r-abcd1234")
    prod = ou(organizer, "Prod", huawei_id="ou-prod0001")
    dev = ou(organizer, "Dev")
    sandbox = ou(organizer, "Sandbox", dev)
    web = account(organizer, "web", prod, huawei_id="1a1b2c3d4e5f60718293a4b5c6d7e8f9")
    account(organizer, "lab", sandbox)
    boss = account(organizer, "management", huawei_id="0a1b2c3d4e5f60718293a4b5c6d7e8f9")
    services.node_set_management(user=organizer, node=boss, management=True)
    guard = guardrail(organizer)
    library.save_version(user=organizer, policy=guard, document=SHARE_DENIED, base_version=1)
    attach(organizer, prod, guard)
    attach(organizer, web, guard, guard.versions.get(number=1))
    odd = guardrail(organizer, "Odd text", UNICODE)
    attach(organizer, sandbox, odd)
    Attachment.objects.filter(node=sandbox, builtin=FULL_ACCESS).delete()
    return {"prod": prod, "dev": dev, "guard": guard, "odd": odd}


def empty_organization_and_library() -> None:
    """What a freshly migrated database holds: the root, FullAccess on it, no policies."""
    Attachment.objects.all().delete()
    for node in reversed(Tree.load().below(org_root())):  # what a node holds goes first
        node.delete()
    Node.objects.filter(pk=org_root().pk).update(name="Root", huawei_id="")
    Attachment.objects.create(node=org_root(), builtin=FULL_ACCESS)
    Policy.objects.all().delete()


def test_the_json_export_round_trips_through_an_empty_database(organizer):
    build_organization(organizer)
    exported = export_text("json")
    empty_organization_and_library()
    newcomer = make_user("newcomer")

    organization_import(user=newcomer, wanted=read_export(exported), apply=True)

    assert export_text("json") == exported


def test_importing_the_export_again_changes_nothing(organizer):
    build_organization(organizer)
    exported = export_text("json")

    plan = organization_import(user=organizer, wanted=read_export(exported), apply=True)

    assert plan.lines == []
    assert export_text("json") == exported


def test_the_json_export_keeps_versions_pins_and_the_management_account(organizer):
    made = build_organization(organizer)

    value = json.loads(export_text("json"))

    guard = [p for p in value["policies"] if p["name"] == "No delete"]
    assert [(p["version"], p["text"]) for p in guard] == [(1, DELETE_DENIED), (2, SHARE_DENIED)]
    pins = {(a["policy"], a["pinned"]) for a in value["attachments"] if a["policy"] != "FullAccess"}
    assert pins == {(guard[0]["id"], True), (guard[1]["id"], False), ("p2@1", False)}
    assert [n["name"] for n in value["nodes"] if n["management"]] == ["management"]
    assert made["guard"].latest_version == 2


def test_the_terraform_export_parses_and_matches_the_expected_file(organizer):
    build_organization(organizer)

    text = export_text("terraform")

    assert text == EXPECTED_TF.read_text(encoding="utf-8")
    parsed = hcl2.loads(text)
    policies = {
        name.strip('"'): body
        for block in parsed["resource"]
        for kind, named in block.items()
        if kind.strip('"') == "huaweicloud_organizations_policy"
        for name, body in named.items()
    }
    assert {string_value(body["content"]) for body in policies.values()} == {
        DELETE_DENIED,
        SHARE_DENIED,
        UNICODE,
    }
