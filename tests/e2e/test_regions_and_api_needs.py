"""Issue #9 items 2 and 6 in a real Chromium: the URN builder offers the catalog's regions and
a malformed region is fixed at its place; the action page and the API list agree on the APIs
that need an action."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.waiting import wait_idle

pytestmark = pytest.mark.e2e


def _settled(page: Page) -> None:
    wait_idle(page)


def test_a_malformed_builder_region_is_reported_and_its_fix_writes_the_region(
    live_server, page: Page
):
    page.goto(f"{live_server.url}/editor/")
    page.get_by_label("ims:images:share").check()
    _settled(page)
    region = page.locator("#builder-region-0-image")
    offered = page.locator(f"datalist#{region.get_attribute('list')} option")
    expect(offered.filter(has_text="CN North-Beijing4")).to_have_attribute("value", "cn-north-4")

    region.fill("cn_north_4")
    page.locator("#op-add-urn-0-image").click()

    finding = page.locator("#f-s0-resources")
    expect(finding).to_contain_text("INVALID_URN_REGION")
    expect(finding).to_contain_text("characters 5-14")
    finding.get_by_role("button", name="Fix").click()
    expect(page.locator("#f-s0-resources")).not_to_contain_text("URN_REGION")
    _settled(page)
    document = json.loads(page.locator("#json").input_value())
    assert document["Statement"][0]["Resource"] == ["ims:cn-north-4:*:image:*"]


def test_from_an_action_page_to_the_apis_needing_it_and_one_way_of_them(live_server, page: Page):
    page.goto(f"{live_server.url}/catalog/actions/ims:images:get/")
    expect(page.locator("main")).to_contain_text(
        "4 APIs need it: 1 directly, 3 through a dependency."
    )

    page.get_by_role("link", name="See them in the API list").click()

    expect(page.locator("#results .count")).to_contain_text(
        "4 APIs need ims:images:get: 1 directly, 3 through a dependency."
    )
    page.get_by_label("needing ims:images:get").select_option("direct")
    expect(page.locator("#results .count")).to_contain_text("1 API needs ims:images:get directly.")
    expect(page.locator("#results tbody tr")).to_have_count(1)
    expect(page.locator("#results")).to_contain_text("/v2/images/{image_id}")
