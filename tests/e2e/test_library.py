"""The policy library as a person uses it: start from a template without an account, log
in to save (the draft survives), change it, save a version, compare, and meet a conflict."""

from __future__ import annotations

import os

from playwright.sync_api import Browser, Page, expect

from scpstudio.policies import services
from scpstudio.policies.models import Policy
from tests.policies.library import make_user

SHOTS = os.environ.get("SCPSTUDIO_SHOTS", "")


def _settled(page: Page) -> None:
    page.wait_for_function("() => !document.querySelector('.htmx-settling, .htmx-request')")


def _shot(page: Page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=False)


def _log_in(page: Page, name: str) -> None:
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password").fill(f"pw-{name}-123")
    page.get_by_role("button", name="Log in").click()


def test_template_to_saved_versions_and_compare(live_server, page: Page):
    make_user("alice")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/policies/templates/")
    _shot(page, "templates")
    page.get_by_role("link", name="Open in the editor").first.click()
    expect(page.locator(".editor-message")).to_contain_text("as a new draft")
    original = page.locator("#json").input_value()
    page.locator("#name").fill("share guard")
    _settled(page)

    page.get_by_role("button", name="Log in to save").click()
    _log_in(page, "alice")
    expect(page.locator(".editor-message")).to_contain_text("nothing you typed was lost")
    assert page.locator("#json").input_value() == original
    expect(page.locator("#name")).to_have_value("share guard")

    page.get_by_label("What changed").fill("from the template")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".editor-message")).to_contain_text("Saved as version 1.")
    assert page.locator("#json").input_value() == original
    policy = Policy.objects.get(name="share guard")
    assert policy.versions.get().document == original

    # a change in the form: add a statement denying image deletion
    page.get_by_role("button", name="Add statement").click()
    _settled(page)
    page.locator('[id="s1-a-ims:images:deleteImage"]').check()
    _settled(page)
    # the comparison opens beside the editor: the draft stays where it is
    with page.expect_popup() as opened:
        page.get_by_role("button", name="Compare with version 1").click()
    compared = opened.value
    expect(compared.get_by_role("heading", level=1)).to_contain_text("Version 1 → your draft")
    expect(compared.locator("table.preview-diff")).to_contain_text("ims:images:deleteImage")
    _shot(compared, "compare-draft")
    compared.close()
    page.get_by_role("button", name="Save as version 2").click()
    expect(page.locator(".editor-message")).to_contain_text("Saved as version 2.")

    page.get_by_role("link", name="Policies", exact=True).click()
    expect(page.locator("table.data")).to_contain_text("share guard")
    _shot(page, "list")
    page.get_by_role("link", name="versions and settings").click()
    expect(page.locator("#versions-title")).to_be_visible()
    _shot(page, "detail")
    page.get_by_role("button", name="Compare the chosen versions").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Version 1 → version 2")
    expect(page.locator("table.diff")).to_contain_text("ims:images:deleteImage")


def test_a_stale_save_is_refused_and_the_text_comes_back(live_server, browser: Browser):
    alice, bob = make_user("alice"), make_user("bob")
    text = (
        '{"Version": "5.0", "Statement": '
        '[{"Effect": "Deny", "Action": ["ims:images:share"], "Resource": "*"}]}'
    )
    policy = services.create_policy(owner=alice, name="team guard", document=text)
    services.share_policy(user=alice, policy=policy, with_user=bob, can_edit=True)
    pages = []
    for name in ("alice", "bob"):
        page = browser.new_page()
        page.goto(f"{live_server.url}/accounts/login/?next=/editor/%3Fpolicy%3D{policy.pk}")
        _log_in(page, name)
        expect(page.locator(".saved-bar")).to_contain_text("team guard")
        pages.append(page)
    first, second = pages
    first.locator("#json").fill(text.replace("share", "delete"))
    _settled(first)
    # clicked within a keystroke's delay: the keystroke's request still goes to the
    # editor, and the save is posted once
    saves: list[str] = []
    first.on("request", lambda r: saves.append(r.url) if "/editor/save/" in r.url else None)
    first.get_by_role("button", name="Save as version 2").click()
    expect(first.locator(".editor-message")).to_contain_text("Saved as version 2.")
    assert len(saves) == 1, saves

    mine = text.replace("share", "export")
    second.locator("#json").fill(mine)
    _settled(second)
    second.get_by_role("button", name="Save as version 2").click()
    expect(second.get_by_role("heading", level=1)).to_contain_text("Not saved")
    _shot(second, "conflict")
    second.get_by_role("button", name="Reopen my text as a draft").click()
    expect(second.locator(".editor-message")).to_contain_text("nothing you typed was lost")
    assert second.locator("#json").input_value() == mine
    second.get_by_role("button", name="Save as version 3").click()
    expect(second.locator(".editor-message")).to_contain_text("Saved as version 3.")
    assert Policy.objects.get(pk=policy.pk).versions.get(number=3).document == mine


def test_at_390_the_library_pages_fit_the_width(live_server, page: Page):
    alice = make_user("alice")
    long_text = (
        '{"Version": "5.0", "Statement": [{"Sid": "AVeryLongStatementNameThatRunsOnAndOn", '
        '"Effect": "Deny", "Action": ["ims:images:share", "ims:images:delete"], "Resource": "*"}]}'
    )
    policy = services.create_policy(
        owner=alice, name="a long policy name for a narrow phone screen", document=long_text
    )
    services.save_version(user=alice, policy=policy, document=long_text + "\n", base_version=1)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    _log_in(page, "alice")
    for path in (
        "/policies/",
        f"/policies/{policy.pk}/",
        f"/policies/{policy.pk}/compare/?from=1&to=2",
        f"/policies/{policy.pk}/delete/",
        "/policies/templates/",
    ):
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path


def test_enter_in_a_field_never_saves_or_leaves(live_server, page: Page):
    alice = make_user("alice")
    policy = services.create_policy(owner=alice, name="p", document='{"Version": "5.0"}')
    page.goto(f"{live_server.url}/accounts/login/?next=/editor/%3Fpolicy%3D{policy.pk}")
    _log_in(page, "alice")
    expect(page.locator(".saved-bar")).to_contain_text("p")
    page.locator("#ctx_region").fill("cn-north-4")
    page.locator("#ctx_region").press("Enter")
    page.wait_for_timeout(800)
    assert "/editor/?policy=" in page.url and "saved=" not in page.url
    assert Policy.objects.get(pk=policy.pk).latest_version == 1
