"""The editor's workspace fits a screen: at 1280×800 every pane is in sight and scrolls on
its own; at 390×844 no page is wider than the phone. The JSON has line numbers, a finding's
place in it is one click away, and the preview says so when it cannot be current."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.waiting import wait_idle

pytestmark = pytest.mark.e2e

WIDE = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
ACTIONS = [
    "ims:images:share",
    "ims:images:addMember",
    "ims:images:copyInRegion",
    "ims:images:copyCrossregion",
    "ims:images:delete",
    "ims:images:update",
]
SIX_STATEMENTS = {
    "Version": "5.0",
    "Statement": [
        {
            "Sid": f"Guard{i}",
            "Effect": "Deny",
            "Action": [action],
            "Resource": ["*"],
            "Condition": {"Bool": {"ims:Encrypted": "false"}},
        }
        for i, action in enumerate(ACTIONS)
    ],
}
PAGES_AT_390 = [
    "/catalog/",
    "/catalog/services/ims/",
    "/catalog/actions/",
    "/catalog/actions/ims:images:share/",
    "/catalog/condition-keys/",
    "/catalog/apis/",
    "/checks/",
]


def _idle(page: Page) -> None:
    wait_idle(page)


def _open_with(page: Page, live_server, document: dict | str) -> str:
    """The editor with this policy typed into the JSON view, its answer in."""
    text = document if isinstance(document, str) else json.dumps(document, indent=2)
    page.goto(f"{live_server.url}/editor/")
    page.locator("#json").fill(text)
    return text


def _box_in_view(page: Page, selector: str) -> None:
    box = page.locator(selector).bounding_box()
    view = page.viewport_size
    assert box is not None, f"{selector} is not shown"
    assert box["x"] >= 0 and box["y"] >= 0, f"{selector} starts off screen: {box}"
    assert box["x"] + box["width"] <= view["width"] + 1, f"{selector} is cut on the right: {box}"
    assert box["y"] < view["height"], f"{selector} is below the screen: {box}"


def _offset(text: str, line: int, column: int) -> int:
    lines = text.split("\n")
    return sum(len(x) + 1 for x in lines[: line - 1]) + column - 1


def test_at_1280_every_pane_of_a_six_statement_policy_is_in_sight(live_server, page: Page):
    page.set_viewport_size(WIDE)
    _open_with(page, live_server, SIX_STATEMENTS)
    expect(page.locator("#statement-5")).to_be_attached()
    expect(page.locator("#preview-summary")).to_contain_text("of 29 APIs denied")
    _idle(page)

    assert page.evaluate("document.documentElement.scrollHeight") <= WIDE["height"]
    for selector in ["#name", "#json", "#findings-title", "#preview-summary", "#ctx_region"]:
        _box_in_view(page, selector)
    # the last statement and the last preview row are down their own panes, not the page's
    scrolls = page.evaluate(
        """() => ['#statement-5', '#preview-rows tbody tr:last-child'].map(s => {
             let el = document.querySelector(s).parentElement;
             while (el && getComputedStyle(el).overflowY !== 'auto') el = el.parentElement;
             return el ? el.scrollHeight > el.clientHeight : false;
           })"""
    )
    assert scrolls == [True, True]
    page.locator("#s5-sid").scroll_into_view_if_needed()
    _box_in_view(page, "#s5-sid")
    assert page.evaluate("window.scrollY") == 0


def test_the_json_view_numbers_its_lines(live_server, page: Page):
    page.set_viewport_size(WIDE)
    text = _open_with(page, live_server, SIX_STATEMENTS)
    expect(page.locator("#statement-5")).to_be_attached()
    _idle(page)

    numbers = page.locator(".json-gutter span")
    expect(numbers).to_have_count(text.count("\n") + 1)
    expect(numbers.first).to_have_text("1")


def test_clicking_a_findings_line_and_column_puts_the_caret_there(live_server, page: Page):
    page.set_viewport_size(WIDE)
    broken = json.loads(json.dumps(SIX_STATEMENTS))
    broken["Statement"][5]["Action"] = ["ims:images:updat"]
    text = _open_with(page, live_server, broken)
    typo_line = text[: text.index('"ims:images:updat"')].count("\n") + 1
    where = page.locator("ol.findings .where", has_text=f"line {typo_line},").first
    expect(where).to_be_visible()
    _idle(page)
    page.locator("#name").focus()

    line, column = map(int, re.findall(r"\d+", where.inner_text()))
    where.get_by_role("button").click()

    assert page.evaluate("document.activeElement.id") == "json"
    caret = page.evaluate(
        "(t => [t.selectionStart, t.selectionEnd])(document.getElementById('json'))"
    )
    assert caret == [_offset(text, line, column)] * 2
    assert text[caret[0] :].startswith('"ims:images:updat"')
    _box_in_view(page, "#json")
    # the line shows inside the box: its number is in the visible part of the gutter
    gutter = page.locator(".json-gutter").bounding_box()
    number = page.locator(".json-gutter span").nth(line - 1).bounding_box()
    assert (
        gutter["y"] <= number["y"]
        and number["y"] + number["height"] <= gutter["y"] + gutter["height"]
    )
    expect(page.locator(".json-gutter span").nth(line - 1)).to_have_class(re.compile(r"\bmark\b"))


def test_a_syntax_error_marks_its_line_and_the_preview_says_nothing_is_current(
    live_server, page: Page
):
    page.set_viewport_size(WIDE)
    _open_with(page, live_server, SIX_STATEMENTS)
    expect(page.locator("#preview-summary")).to_contain_text("of 29 APIs denied")
    _idle(page)

    page.locator("#json").fill(
        '{\n  "Version": "5.0",\n  "Statement": [\n    {"Effect": "Deny",}\n  ]\n}'
    )

    summary = page.locator("#preview-summary")
    expect(summary).to_contain_text("not valid JSON")
    expect(summary).to_contain_text("Nothing was previewed")
    expect(page.locator("#preview-rows")).to_be_hidden()
    expect(page.locator(".json-gutter span").nth(3)).to_have_class(re.compile(r"\bsev-error\b"))
    _box_in_view(page, "#preview-summary")


def test_the_legend_says_what_each_outcome_and_fullaccess_mean(live_server, page: Page):
    page.set_viewport_size(WIDE)
    page.goto(f"{live_server.url}/editor/")

    legend = page.locator("#outcome-legend")
    for word in ["Denied", "Conditional", "Not allowed", "Allowed", "FullAccess"]:
        expect(legend).to_contain_text(word)
    _box_in_view(page, "#outcome-legend")


def test_at_390_the_editor_fits_the_width_and_its_links_reach_each_pane(live_server, page: Page):
    page.set_viewport_size(PHONE)
    _open_with(page, live_server, SIX_STATEMENTS)
    expect(page.locator("#statement-5")).to_be_attached()
    _idle(page)

    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_text("Start from JSON").click()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for name, target in [("Preview", "#preview-title"), ("Context", "#pane-context")]:
        page.locator(".pane-nav").get_by_role("link", name=name).click()
        _box_in_view(page, target)


@pytest.mark.parametrize("path", PAGES_AT_390)
def test_at_390_every_page_fits_the_width(live_server, page: Page, path: str):
    page.set_viewport_size(PHONE)

    page.goto(f"{live_server.url}{path}")

    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _box_in_view(page, "nav[aria-label=Main] li:last-child a")


def test_without_javascript_the_editor_still_shows_every_part(live_server, browser):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()

    page.goto(f"{live_server.url}/editor/")

    for selector in ["#s0-sid", "#json", "#findings-title", "#preview-summary", "#ctx_region"]:
        expect(page.locator(selector)).to_be_visible()
    expect(page.locator(".json-gutter")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()


LONG_URN = "ims:cn-north-4:0123456789abcdef0123456789abcdef:image:*"


def test_at_1280_a_urn_line_fits_the_json_pane_whose_edges_resize_it(live_server, page: Page):
    page.set_viewport_size(WIDE)
    doc = {"Version": "5.0", "Statement": [{"Effect": "Deny", "Action": ["ims:images:share"]}]}
    doc["Statement"][0]["Resource"] = [LONG_URN]
    _open_with(page, live_server, doc)
    _idle(page)
    overflows = "el => el.scrollWidth > el.clientWidth"
    assert not page.locator("#json").evaluate(overflows)  # by default

    start = page.locator(".pane-splitter.at-start")
    expect(start).to_have_attribute("role", "separator")
    start.focus()
    for _ in range(6):
        page.keyboard.press("ArrowRight")  # the form takes room from the JSON

    assert page.locator("#json").evaluate(overflows)
    _open_with(page, live_server, doc)  # the shares are kept in this browser
    _idle(page)
    assert page.locator("#json").evaluate(overflows)
    page.locator(".pane-splitter.at-end").focus()
    page.keyboard.press("Home")
    assert not page.locator("#json").evaluate(overflows)


def test_a_long_sid_does_not_push_the_remove_button_out_of_its_statement(live_server, page: Page):
    page.set_viewport_size(WIDE)
    sid = "AVeryLongStatementIdentifierThatGoesOnAndOnAndOnForeverAndEver"
    doc = {
        "Version": "5.0",
        "Statement": [{"Sid": sid, "Effect": "Deny", "Action": ["ims:images:share"]}],
    }
    _open_with(page, live_server, doc)
    _idle(page)

    statement = page.locator("#statement-0").bounding_box()
    remove = page.get_by_role("button", name="Remove statement 1").bounding_box()

    assert statement and remove
    assert remove["x"] + remove["width"] <= statement["x"] + statement["width"]


def test_axe_finds_no_scrollable_region_out_of_keyboard_reach(live_server, page: Page):
    from axe_playwright_python.sync_playwright import Axe

    page.set_viewport_size(WIDE)
    page.goto(f"{live_server.url}/editor/")
    _idle(page)

    found = Axe().run(page).response["violations"]

    assert [v["id"] for v in found if v["id"] == "scrollable-region-focusable"] == []


def test_a_focused_action_checkbox_is_scrolled_fully_into_view(live_server, page: Page):
    page.set_viewport_size(WIDE)
    page.goto(f"{live_server.url}/editor/")
    _idle(page)
    first = page.locator("#picker-0 input[type=checkbox]").first
    first.focus()

    hidden = []
    for _ in range(40):
        page.keyboard.press("Tab")
        hidden += page.evaluate(
            """() => {
              const box = document.activeElement;
              if (!box.matches('#picker-0 input[type=checkbox]')) return [];
              const r = box.getBoundingClientRect(), out = [];
              for (let el = box.parentElement; el; el = el.parentElement) {
                const style = getComputedStyle(el);
                if (!/(auto|scroll)/.test(style.overflowY)) continue;
                let top = el.getBoundingClientRect().top, bottom = top + el.clientHeight;
                const head = el.querySelector(':scope > h2');
                if (head && getComputedStyle(head).position === 'sticky')
                  top += head.getBoundingClientRect().height;
                if (r.top - 5 < top || r.bottom + 5 > bottom) out.push(box.id || box.value);
              }
              return out;
            }"""
        )

    assert hidden == []


def test_the_checks_reference_fits_1024_and_names_no_test_files(live_server, page: Page):
    page.set_viewport_size({"width": 1024, "height": 768})

    page.goto(f"{live_server.url}/checks/")

    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    text = page.locator("main").inner_text()
    assert "JSON_SYNTAX_ERROR" in text
    assert "tests/" not in text and ".py" not in text
