"""Packing two saved guardrails that no longer fit one slot, as a person does it: from the
Policies list, choose them and the node's one free slot, read the proposal, save it."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from scpstudio.policies.models import Policy
from tests.policies.library import deny, make_user, policy_text, saved


def _guardrail(prefix: str) -> str:
    return policy_text(
        *[deny(["ims:images:get"], Resource=[f"ims:*:*:image:{prefix}{i}-" + "x" * 300])
          for i in range(8)]
    )  # fmt: skip


def test_two_guardrails_are_packed_and_saved_as_new_policies(live_server, page: Page):
    alice = make_user("alice")
    saved(alice, "Guard A", _guardrail("a"))
    saved(alice, "Guard B", _guardrail("b"))
    page.goto(f"{live_server.url}/accounts/login/?next=/policies/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("pw-alice-123")
    page.get_by_role("button", name="Log in").click()

    page.get_by_role("link", name="Pack policies").click()
    page.get_by_label("Guard A").check()
    page.get_by_label("Guard B").check()
    page.get_by_label("Free slots on the node").fill("1")
    page.get_by_role("button", name="Propose").click()

    expect(page.locator("#pack-verdict")).to_contain_text(
        "16 statements from 2 policies pack into 2 documents of at most 5,120 characters "
        "(the fewest possible): they need 2 slots and the node has 1 free slot"
    )
    expect(page.locator("article.pack-document")).to_have_count(2)
    page.get_by_label("Name of the new policies").fill("Dev guardrails")
    page.get_by_role("button", name="Save as 2 new policies").click()

    expect(page.locator("table.data")).to_contain_text("Dev guardrails 1 of 2")
    expect(page.locator("table.data")).to_contain_text("Dev guardrails 2 of 2")
    assert Policy.objects.filter(name__startswith="Dev guardrails").count() == 2
