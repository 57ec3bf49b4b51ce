"""Issue #18's journey in a real Chromium: a maintainer syncs two services from the stand-in
for Huawei IAM's schema API (dry run, then apply), writes a statement about one of them in the
editor and sees its keys and findings, saves it; Huawei drops the action, and the next sync's
dry run names the saved policy that uses it."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from catalog import snapshot
from catalog.models import Action, Service
from tests.catalog.huawei_standin import GOOD_AK, StandIn
from tests.catalog.schema_data import ecs_schema
from tests.e2e.waiting import wait_idle

pytestmark = pytest.mark.e2e

EVS = {
    "version": "1.0",
    "actions": [{"name": "evs:volumes:list", "access_level": "list", "resources": []}],
    "operations": [{"operation_id": "ListVolumes", "operation_action": "evs:volumes:list"}],
}


@pytest.fixture
def huawei(settings, monkeypatch):
    standin = StandIn(services={"ecs": ecs_schema(), "evs": EVS}).start()
    settings.CATALOG_SYNC_ENDPOINT = standin.url
    settings.CATALOG_SYNC_BACKOFF = 0.01
    monkeypatch.setenv("HUAWEICLOUD_SDK_AK", GOOD_AK)
    monkeypatch.setenv("HUAWEICLOUD_SDK_SK", "stand-in-secret")
    snapshot._cached = None
    yield standin
    standin.stop()


def _settled(page: Page) -> None:
    wait_idle(page)


def _dry_run(page: Page, live_server, services: str) -> None:
    page.goto(f"{live_server.url}/admin/catalog/service/")
    page.get_by_role("link", name="Sync from Huawei").click()
    page.get_by_label("Service codes").fill(services)
    page.get_by_role("button", name="Dry run").click()


def test_sync_two_services_write_about_one_and_see_a_removal_flag_the_saved_policy(
    live_server, page: Page, huawei
):
    get_user_model().objects.create_superuser("maint", "m@example.com", "pw-maint-123")
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill("maint")
    page.get_by_label("Password").fill("pw-maint-123")
    page.get_by_role("button", name="Log in").click()

    # the dry run first: changes listed, nothing written
    _dry_run(page, live_server, "ecs evs")
    reports = page.locator(".sync-report")
    expect(page.locator(".sync-service").first).to_contain_text("1 of 2: ecs")
    expect(reports.first).to_contain_text("added action ecs:cloudServers:delete")
    expect(reports.first).to_contain_text("added operation DeleteServers (ecs)")
    assert not Service.objects.filter(prefix="ecs").exists()

    page.get_by_role("button", name="Apply the changes of 2 services").click()
    expect(page.locator(".messagelist")).to_contain_text("Synced from Huawei: ecs, evs.")
    assert Action.objects.filter(service__prefix="ecs").count() == 4

    # the editor knows the synced service: its keys, its findings, its operations
    policy = {
        "Version": "5.0",
        "Statement": [
            {"Effect": "Deny", "Action": ["ecs:cloudServers:delete", "ecs:servers:list"]}
        ],
    }
    page.goto(f"{live_server.url}/editor/")
    page.locator("#json").fill(json.dumps(policy, indent=2))
    _settled(page)
    expect(page.locator("#findings, .findings").first).to_contain_text("ACTION_ALIAS")
    expect(page.locator('tr[data-api="DeleteServers"] .row-outcome')).to_have_text("Denied")
    page.get_by_role("button", name="Add condition").click()
    key = page.locator("#s0-c0-key")
    expect(key).to_be_visible()
    _settled(page)
    expect(key.locator("option", has_text="ecs:InstanceFlavor")).to_have_count(1)
    page.locator("#name").fill("Guard servers")
    _settled(page)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".editor-message")).to_contain_text("Saved as version 1.")

    # Huawei drops the action: the next dry run names the saved policy that uses it
    schema = huawei.services["ecs"]
    schema["actions"] = [a for a in schema["actions"] if a["name"] != "ecs:cloudServers:delete"]
    schema["operations"] = [o for o in schema["operations"] if o["operation_id"] != "DeleteServers"]
    _dry_run(page, live_server, "ecs")

    report = page.locator(".sync-report").first
    expect(report).to_contain_text("removed action ecs:cloudServers:delete")
    expect(report).to_contain_text(
        "! action ecs:cloudServers:delete is removed; saved policies naming it: "
        "Guard servers (maint)"
    )
    assert Action.objects.filter(name="ecs:cloudServers:delete").exists()
