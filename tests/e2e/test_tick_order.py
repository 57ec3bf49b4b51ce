"""In a real Chromium: two boxes ticked while a request is on its way leave together in
the next one, and join the JSON text in the order the person ticked them."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.waiting import wait_idle

pytestmark = pytest.mark.e2e

PASTED = (
    '{"Version":"5.0","Statement":[{"Effect":"Deny","Action":"ims:images:deleteImage",'
    '"Resource":"*"}]}'
)


def _slow_network(page: Page, latency_ms: int) -> None:
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": latency_ms, "downloadThroughput": -1, "uploadThroughput": -1},
    )


def _settled(page: Page) -> None:
    wait_idle(page)
    page.wait_for_function("() => !document.querySelector('.htmx-settling, .htmx-request')")


def test_two_boxes_ticked_quickly_join_the_text_in_the_order_ticked(live_server, page: Page):
    page.goto(f"{live_server.url}/editor/")
    page.locator("#json").fill(PASTED)
    expect(page.get_by_label("ims:images:deleteImage")).to_be_checked()
    _settled(page)
    posts: list[str] = []
    page.on(
        "request",
        lambda r: posts.append(r.post_data or "") if r.method == "POST" else None,
    )
    _slow_network(page, 800)

    # a keystroke's request leaves and is on its way (the form stays usable meanwhile);
    # the two ticks wait for it, and leave together in the next request
    page.locator("#s0-sid").fill("Quick")
    page.wait_for_function("() => !!document.querySelector('.htmx-request')")
    page.get_by_label("ims:images:share").check()
    page.get_by_label("ims:images:get", exact=True).check()  # before `share` in the picker

    _settled(page)
    both = [p for p in posts if '"s0-ticked":["ims:images:share","ims:images:get"]' in p]
    assert len(both) == 1, posts  # the two ticks went in one request
    expected = PASTED.replace('{"Effect"', '{"Sid":"Quick","Effect"').replace(
        '"ims:images:deleteImage"',
        '["ims:images:deleteImage","ims:images:share","ims:images:get"]',
    )
    expect(page.locator("#json")).to_have_value(expected)
    assert page.locator("#json").input_value().encode() == expected.encode()
