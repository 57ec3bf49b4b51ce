"""Importing the organization (issue 19, item 6): Huawei's answers (saved to files here; live
in test_import_live) build the tree, the policies and the attachments; a dry run shows what
is added, changed and removed and writes nothing; the apply is atomic and a second import
changes nothing; tag policies are counted and skipped."""

from __future__ import annotations

import pytest

from scpstudio.org import services
from scpstudio.org.exporting import export_text
from scpstudio.org.import_source import read_huawei_files
from scpstudio.org.models import Attachment, Node, PolicyHuaweiId
from scpstudio.org.rules import OrgInputError
from scpstudio.org.selectors import org_root
from scpstudio.org.services import ImportMoved, organization_import
from scpstudio.policies.models import Policy
from tests.org.helpers import EXPECTED_TREE, account, attach, guardrail, ou, shape
from tests.org_import.standin import StandIn

pytestmark = pytest.mark.django_db


def huawei_answers(tmp_path, change=None):
    standin = StandIn()
    if change is not None:
        change(standin.org)
    folder = tmp_path / f"answers{len(list(tmp_path.iterdir()))}"
    folder.mkdir()
    standin.save(folder)
    return read_huawei_files(folder)


def test_an_import_from_huaweis_answers_builds_the_expected_tree(tmp_path, organizer):
    wanted = huawei_answers(tmp_path)

    plan = organization_import(user=organizer, wanted=wanted, apply=True)

    assert shape() == EXPECTED_TREE
    guard = Policy.objects.get(name="No sharing")
    assert guard.owner == organizer
    assert guard.versions.get().document == StandIn().org["policies"][1]["content"]
    assert PolicyHuaweiId.objects.get(policy=guard).huawei_id == "p-noshare001"
    assert any("tag" in note for note in plan.notes)


def test_a_dry_run_lists_what_is_added_and_writes_nothing(tmp_path, organizer):
    wanted = huawei_answers(tmp_path)
    before = shape()

    plan = organization_import(user=organizer, wanted=wanted, apply=False)

    assert shape() == before
    assert not Policy.objects.exists()
    added = [line.text for line in plan.lines if line.change == "added"]
    assert "OU Team A (ou-team0001) under OU Dev" in added
    assert "policy No sharing (p-noshare001)" in added
    assert "No sharing attached to OU Dev" in added
    assert plan.count("removed") == 0


def test_a_second_import_changes_nothing(tmp_path, organizer):
    organization_import(user=organizer, wanted=huawei_answers(tmp_path), apply=True)
    first = export_text("json")

    again = organization_import(user=organizer, wanted=huawei_answers(tmp_path), apply=True)

    assert again.lines == []
    assert again.summary.endswith("nothing to change.")
    assert export_text("json") == first


def test_what_changed_at_huawei_is_shown_changed_and_removed(tmp_path, organizer):
    organization_import(user=organizer, wanted=huawei_answers(tmp_path), apply=True)

    def changed(org):
        org["units"][1]["name"] = "Production"
        org["accounts"] = [a for a in org["accounts"] if a["name"] != "prod-two"]
        gone = "4a1b2c3d4e5f60718293a4b5c6d7e8f9"
        org["attachments"] = [a for a in org["attachments"] if a[1] != gone]
        org["policies"][1]["content"] = org["policies"][1]["content"].replace("share", "*")
        org["attachments"].append(("p-noshare001", "ou-prod0001"))

    wanted = huawei_answers(tmp_path, changed)
    plan = organization_import(user=organizer, wanted=wanted, apply=True)

    assert "OU Prod (ou-prod0001) renamed Production" in [line.text for line in plan.lines]
    assert [line.text for line in plan.lines if line.change == "removed"] == [
        "account prod-two (4a1b2c3d4e5f60718293a4b5c6d7e8f9) (with its attachments)"
    ]
    assert "policy No sharing (p-noshare001): 1 new version of No sharing" in [
        line.text for line in plan.lines
    ]
    guard = Policy.objects.get(name="No sharing")
    assert guard.latest_version == 2
    assert Attachment.objects.filter(policy=guard).count() == 2
    assert not Node.objects.filter(name="prod-two").exists()


def test_nodes_made_here_that_huawei_does_not_hold_are_removed(tmp_path, organizer):
    lab = ou(organizer, "Lab")
    account(organizer, "scratch", lab)
    attach(organizer, lab, guardrail(organizer))

    plan = organization_import(user=organizer, wanted=huawei_answers(tmp_path), apply=True)

    assert {line.text for line in plan.lines if line.change == "removed"} == {
        "OU Lab (with its attachments)",
        "account scratch (with its attachments)",
    }
    assert not Node.objects.filter(name__in=["Lab", "scratch"]).exists()
    assert Policy.objects.filter(name="No delete").exists()  # detached, never deleted


def test_an_import_breaking_a_quota_is_refused_and_writes_nothing(tmp_path, organizer, settings):
    settings.ORG_MAX_OU_DEPTH = 1  # Team A is two levels down
    wanted = huawei_answers(tmp_path)
    before = shape()

    with pytest.raises(OrgInputError) as refused:
        organization_import(user=organizer, wanted=wanted, apply=True)

    assert "OUs nest at most 1 levels below the root" in refused.value.message
    assert "Team A" in refused.value.message
    assert shape() == before


def test_an_apply_after_the_organization_moved_is_refused(tmp_path, organizer):
    wanted = huawei_answers(tmp_path)
    shown = organization_import(user=organizer, wanted=wanted, apply=False)
    services.node_create(user=organizer, kind="ou", name="Meanwhile", parent=org_root())

    with pytest.raises(ImportMoved):
        organization_import(user=organizer, wanted=wanted, apply=True, digest=shown.digest)

    assert not Node.objects.filter(huawei_id="ou-dev00001").exists()
