"""Issue 17's example as a reviewer meets it: version 2 of a share guard adds ou-dev to the
org paths images may be shared into. The compare page lists the share API as newly allowed,
with the witness request in words; a request context outside ou-dev proves that nothing
changes for those requests. The same from the editor's "Compare with version 1"."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from scpstudio.policies import services
from tests.policies.library import SHARE_GUARD, SHARE_GUARD_WITH_DEV, make_user

WORDS = (
    "newly allowed: sharing images (POST /v2/images/{image_id}/members) when "
    "ims:TargetOrgPaths is o-abc123/r-xyz/ou-dev/"
)
OUTSIDE = "ims:TargetOrgPaths=o-abc123/r-xyz/ou-test/acc1"
PROVED = "No request is treated differently by the two versions under the request context given."


def _log_in(page: Page, name: str) -> None:
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password").fill(f"pw-{name}-123")
    page.get_by_role("button", name="Log in").click()


def _share_guard_widened() -> int:
    alice = make_user("alice")
    policy = services.create_policy(owner=alice, name="share guard", document=SHARE_GUARD)
    services.save_version(
        user=alice,
        policy=policy,
        document=SHARE_GUARD_WITH_DEV,
        base_version=1,
        message="ou-dev may receive images too",
    )
    return policy.pk


def test_the_widened_share_guard_is_newly_allowed_and_unchanged_outside_the_new_ou(
    live_server, page: Page
):
    pk = _share_guard_widened()
    page.goto(f"{live_server.url}/accounts/login/?next=/policies/{pk}/")
    _log_in(page, "alice")

    page.get_by_role("button", name="Compare the chosen versions").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Version 1 → version 2")
    row = page.locator("table.preview-diff tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator(".badge.change")).to_have_text("Newly allowed")
    expect(row.locator(".witness-words")).to_contain_text(WORDS)
    expect(row.locator(".witness-words")).to_contain_text("(denied before, allowed now)")
    expect(row).to_contain_text("statement “ShareInsideOrg”")
    row.locator("summary").click()  # the witness as a context, to copy
    expect(row.locator("pre.witness-json")).to_be_visible()
    expect(row.locator("pre.witness-json")).to_contain_text('"ims:TargetOrgPaths"')

    page.get_by_label("Condition key values").fill(OUTSIDE)
    page.get_by_role("button", name="Compare under this context").click()

    expect(page.locator(".compare-empty")).to_have_text(PROVED)
    expect(page.locator("table.preview-diff")).to_have_count(0)
    expect(page.locator(".compare-scope")).to_contain_text(
        "ims:TargetOrgPaths = o-abc123/r-xyz/ou-test/acc1"
    )
    expect(page.get_by_label("Condition key values")).to_have_value(OUTSIDE)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Version 1 → version 2")


def test_the_editors_compare_of_the_draft_asks_again_under_a_context(live_server, page: Page):
    pk = _share_guard_widened()
    page.goto(f"{live_server.url}/accounts/login/?next=/editor/%3Fpolicy%3D{pk}")
    _log_in(page, "alice")
    expect(page.locator(".saved-bar")).to_contain_text("share guard")
    page.locator("#json").fill(SHARE_GUARD)  # the draft narrows it back to ou-prod
    page.wait_for_function("() => !document.querySelector('.htmx-settling, .htmx-request')")

    with page.expect_popup() as opened:
        page.get_by_role("button", name="Compare with version 2").click()
    compared = opened.value

    expect(compared.get_by_role("heading", level=1)).to_contain_text("Version 2 → your draft")
    row = compared.locator("table.preview-diff tbody tr")
    expect(row.locator(".badge.change")).to_have_text("Newly denied")
    expect(row.locator(".witness-words")).to_contain_text("newly denied: sharing images")
    lines_changed = compared.locator("#text-title + .hint").inner_text()
    compared.get_by_label("Condition key values").fill(OUTSIDE)
    compared.get_by_role("button", name="Compare under this context").click()
    expect(compared.locator(".compare-empty")).to_have_text(PROVED)
    expect(compared.get_by_role("heading", level=1)).to_contain_text("Version 2 → your draft")
    # the same draft came back with the context, line for line
    expect(compared.locator("#text-title + .hint")).to_have_text(lines_changed)
    expect(compared.locator("table.diff")).to_contain_text("ou-dev")
