"""A person opens the actions page and searches, in a real Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def test_searching_actions_narrows_the_list_as_you_type(live_server, page: Page):
    page.goto(f"{live_server.url}/catalog/services/ims/")
    expect(page.locator("#results .count")).to_have_text("26 actions.")

    page.get_by_label("Search actions").press_sequentially("member", delay=30)

    expect(page.locator("#results .count")).to_have_text("3 actions matching “member”.")
    expect(page.locator("#results")).to_contain_text("ims:images:addMember")
    expect(page.locator("#results")).not_to_contain_text("ims:images:list ")
    assert re.search(r"[?&]q=member", page.url)


def test_access_level_filter_and_link_to_an_action(live_server, page: Page):
    page.goto(f"{live_server.url}/catalog/actions/")

    page.get_by_label("Access level").select_option("permission_management")

    expect(page.locator("#results .count")).to_have_text("1 action at level permission_management.")
    page.get_by_role("link", name="ims:images:share").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ims:images:share")
    expect(page.locator("main")).to_contain_text("POST /v2/images/{image_id}/members")
