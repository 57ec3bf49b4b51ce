"""The organization as a person uses it (issue 19's journey): build the root, two OUs and
three accounts; attach a saved guardrail to one OU; open an account under it and see the
denied APIs with the level that decided; from the editor, ask "what if I attach this draft
to the other OU" and see the changes (with the page saying it is working while the answer
takes more than a second); pack two policies that no longer fit one SCP for a node; export
the organization as Terraform."""

from __future__ import annotations

import hcl2
from django.contrib.auth.models import Permission
from playwright.sync_api import Page, expect

from scpstudio.org.models import Node
from scpstudio.policies.models import Policy
from tests.policies.library import deny, make_user, policy_text, saved

NO_DELETE = policy_text(deny(["ims:images:deleteImage"], Sid="NoDelete"))
NO_SHARE = policy_text(deny(["ims:images:share"], Sid="NoShare"))
DELETE_API = "DELETE /v2/images/{image_id}"
SHARE_API = "POST /v2/images/{image_id}/members"


def _big_guardrail(prefix: str) -> str:
    """About 3,000 characters minified: two of them do not fit one SCP of 5,120."""
    return policy_text(
        *[deny(["ims:images:get"], Resource=[f"ims:*:*:image:{prefix}{i}-" + "x" * 300])
          for i in range(8)]
    )  # fmt: skip


def _sign_in(page: Page, base: str, name: str, then: str) -> None:
    page.goto(f"{base}/accounts/login/?next={then}")
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password").fill(f"pw-{name}-123")
    page.get_by_role("button", name="Log in").click()


def _add(page: Page, kind: str, name: str, under: str) -> None:
    page.locator("#add-kind").select_option(label=kind)
    page.locator("#add-name").fill(name)
    page.locator("#add-parent").select_option(label=under)
    page.locator("#node-add").get_by_role("button", name="Add").click()
    expect(page.locator(".message")).to_contain_text("Node added, with FullAccess attached.")
    page.goto(page.url.split("/org/")[0] + "/org/")


def test_build_guard_preview_what_if_pack_and_export(live_server, page: Page):
    base = live_server.url
    organizer = make_user("olga")
    organizer.user_permissions.add(Permission.objects.get(codename="change_organization"))
    saved(organizer, "No delete", NO_DELETE)
    saved(organizer, "Guard A", _big_guardrail("a"))
    saved(organizer, "Guard B", _big_guardrail("b"))
    _sign_in(page, base, "olga", "/org/")

    # the root (renamed), two OUs and three accounts
    page.get_by_role("link", name="Root", exact=True).click()
    page.locator("#node-name").fill("Acme")
    page.locator("#rename-form").get_by_role("button", name="Save").click()
    expect(page.locator("h1")).to_have_text("Root Acme")
    page.goto(f"{base}/org/")
    _add(page, "OU", "Prod", "Root Acme")
    _add(page, "OU", "Dev", "Root Acme")
    _add(page, "Account", "web", "· OU Prod")
    _add(page, "Account", "db", "· OU Prod")
    _add(page, "Account", "lab", "· OU Dev")
    expect(page.locator("tr.org-node")).to_have_count(6)

    # a saved guardrail on Prod
    page.get_by_role("link", name="Prod", exact=True).click()
    page.locator("#attach-policy").select_option(label="No delete")
    page.locator("#attach-form").get_by_role("button", name="Attach", exact=True).click()
    expect(page.locator(".message")).to_contain_text("Attached. Huawei applies an attachment")
    expect(page.locator("table.org-attachments")).to_contain_text("No delete")

    # an account under it: the denied API with the level that decided
    page.goto(f"{base}/org/")
    page.get_by_role("link", name="web", exact=True).click()
    page.get_by_role("link", name="Effective preview").click()
    denied = page.locator(f'tr[data-api="{DELETE_API}"]')
    expect(denied.locator(".row-outcome")).to_have_text("Denied")
    expect(denied.locator(".org-level")).to_have_text("OU Prod")
    expect(denied.locator(".org-decided")).to_contain_text("statement “NoDelete” of No delete")
    expect(page.locator("#preview-summary")).to_contain_text("1 of")
    expect(page.locator(f'tr[data-api="{SHARE_API}"] .row-outcome')).to_have_text("Allowed")

    # from the editor: what if this draft is attached to Dev?
    page.goto(f"{base}/editor/")
    page.locator("#json").fill(NO_SHARE)
    with page.context.expect_page() as opened:
        page.locator("#op-what-if").click()
    what_if = opened.value
    what_if.wait_for_load_state()
    expect(what_if.locator(".what-if-draft")).to_contain_text("Your draft from the editor")
    what_if.locator("#wi-node").select_option(label="OU Dev")
    held = []
    what_if.route("**/org/what-if/", lambda route: held.append(route))
    what_if.get_by_role("button", name="Show what changes").click()
    expect(what_if.locator("#what-if-working")).to_be_visible()  # shown after a second
    held[0].continue_()
    answer = what_if.locator("#what-if-answer")
    expect(answer.locator("h2")).to_have_text("Attaching your draft to OU Dev")
    expect(answer.locator(".what-if-summary")).to_contain_text("1 of 1 account below")
    expect(answer.locator("a.what-if-account")).to_have_text(["account lab"])
    changed = answer.locator(f'tr[data-api="{SHARE_API}"]')
    expect(changed).to_contain_text("Allowed")
    expect(changed).to_contain_text("Denied")
    expect(changed).to_contain_text("OU Dev")
    expect(answer.locator("tr")).to_have_count(2)  # the header and the one API
    expect(what_if.locator("#what-if-working")).to_be_hidden()
    what_if.close()

    # pack two policies that no longer fit one SCP, for Prod (3 free slots)
    page.goto(f"{base}/org/nodes/{Node.objects.get(name='Prod').pk}/")
    page.locator("#node-pack-link").click()
    expect(page.locator("#pack-node-slots")).to_contain_text("3 free slots of 5")
    page.get_by_label("Guard A").check()
    page.get_by_label("Guard B").check()
    page.get_by_role("button", name="Propose").click()
    expect(page.locator("#pack-verdict")).to_contain_text(
        "16 statements from 2 policies pack into 2 documents of at most 5,120 characters "
        "(the fewest possible): they fit the node's 3 free slots."
    )
    page.get_by_label("Name of the new policies").fill("Prod guardrails")
    page.get_by_role("button", name="Save as 2 new policies").click()
    expect(page.locator(".message")).to_contain_text("saved as new policies in your library")
    assert Policy.objects.filter(name__startswith="Prod guardrails").count() == 2

    # export the organization as Terraform
    page.goto(f"{base}/org/")
    with page.expect_download() as downloading:
        page.locator("#export-terraform").click()
    download = downloading.value
    assert download.suggested_filename == "organization.tf"
    text = download.path().read_text(encoding="utf-8")
    parsed = hcl2.loads(text)
    attached = [
        body
        for block in parsed["resource"]
        for kind, named in block.items()
        if kind.strip('"') == "huaweicloud_organizations_policy_attach"
        for body in named.values()
    ]
    assert [a["entity_id"] for a in attached] == ["${var.ou_prod}"]
    assert "ims:images:deleteImage" in text
