"""In a real Chromium: two boxes ticked while a request is on its way leave together in
the next one, and join the JSON text in the order the person ticked them."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, Route, expect

from tests.e2e.waiting import slow_network, wait_idle

pytestmark = pytest.mark.e2e

PASTED = (
    '{"Version":"5.0","Statement":[{"Effect":"Deny","Action":"ims:images:deleteImage",'
    '"Resource":"*"}]}'
)


def _settled(page: Page) -> None:
    wait_idle(page)
    page.wait_for_function("() => !document.querySelector('.htmx-settling, .htmx-request')")


BOTH_TICKED = '"s0-ticked":["ims:images:share","ims:images:get"]'


def _opened(live_server, page: Page) -> None:
    page.goto(f"{live_server.url}/editor/")
    page.locator("#json").fill(PASTED)
    expect(page.get_by_label("ims:images:deleteImage")).to_be_checked()
    _settled(page)


def _two_ticks_while_a_request_is_on_its_way(page: Page) -> None:
    """A keystroke's request leaves and is on its way (the form stays usable meanwhile);
    the two ticks wait for it, and leave together in the next request."""
    slow_network(page, 800)
    page.locator("#s0-sid").fill("Quick")
    page.wait_for_function("() => !!document.querySelector('.htmx-request')")
    page.get_by_label("ims:images:share").check()
    page.get_by_label("ims:images:get", exact=True).check()  # before `share` in the picker
    _settled(page)


def _ticked_in_order(sid: str) -> str:
    return PASTED.replace('{"Effect"', f'{{"Sid":"{sid}","Effect"').replace(
        '"ims:images:deleteImage"',
        '["ims:images:deleteImage","ims:images:share","ims:images:get"]',
    )


def test_two_boxes_ticked_quickly_join_the_text_in_the_order_ticked(live_server, page: Page):
    _opened(live_server, page)
    posts: list[str] = []
    page.on(
        "request",
        lambda r: posts.append(r.post_data or "") if r.method == "POST" else None,
    )

    _two_ticks_while_a_request_is_on_its_way(page)

    assert len([p for p in posts if BOTH_TICKED in p]) == 1, posts  # in one request
    expect(page.locator("#json")).to_have_value(_ticked_in_order("Quick"))
    assert page.locator("#json").input_value().encode() == _ticked_in_order("Quick").encode()


def test_ticks_sent_in_a_request_that_failed_keep_their_order_in_the_next(live_server, page: Page):
    _opened(live_server, page)
    failed: list[str] = []

    def fail_the_ticks_once(route: Route) -> None:
        body = route.request.post_data or ""
        if not failed and '"s0-ticked"' in body:
            failed.append(body)
            route.fulfill(status=503, body="Busy.", content_type="text/plain")
        else:
            route.continue_()

    page.route("**/editor/", fail_the_ticks_once)
    _two_ticks_while_a_request_is_on_its_way(page)
    assert len(failed) == 1 and BOTH_TICKED in failed[0]

    page.locator("#s0-sid").fill("Again")  # the next request, which the server answers
    _settled(page)

    expect(page.locator("#json")).to_have_value(_ticked_in_order("Again"))
