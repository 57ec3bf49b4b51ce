"""The organization's pages: reading needs an account, changing needs the permission;
forms add, rename, move, delete, attach and detach, and refusals show their sentence."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from scpstudio.org.models import FULL_ACCESS, Node
from scpstudio.org.selectors import org_root
from tests.org.helpers import DELETE_API, SHARE_API, SHARE_DENIED, guardrail, ou
from tests.policies.library import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def organizer_client(client, small_org):
    client.force_login(small_org["user"])
    return client


def test_the_tree_needs_an_account(client):
    response = client.get(reverse("org:tree"))

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_tree_shows_every_node_with_what_its_accounts_can_use(organizer_client, small_org):
    page = organizer_client.get(reverse("org:tree")).content.decode()

    for name in ("Prod", "Dev", "web", "db", "lab"):
        assert f">{name}</a>" in page
    assert "ou-ab12-cd34ef56" in page
    counts = re.findall(r'class="org-allowed">([\d–]+)<', page)
    assert counts == ["28–29", "29", "29", "28", "28", "28"]  # root, Dev, lab, Prod, db, web


def test_a_reader_sees_the_tree_but_cannot_change_it(client, small_org):
    client.force_login(make_user("viewer"))

    page = client.get(reverse("org:tree")).content.decode()
    refused = client.post(reverse("org:node-add"), {"kind": "ou", "name": "Sneaky"})

    assert ">Prod</a>" in page and 'id="node-add"' not in page
    assert refused.status_code == 403
    assert "Can change the organization" in refused.content.decode()
    assert not Node.objects.filter(name="Sneaky").exists()


def test_staff_may_change_the_organization(admin_client):
    response = admin_client.post(
        reverse("org:node-add"), {"kind": "ou", "name": "Ops", "parent": org_root().pk}
    )

    assert response.status_code == 302
    assert Node.objects.get(name="Ops").attachments.get().builtin == FULL_ACCESS


def test_adding_a_node_with_a_wrong_id_keeps_what_was_typed(organizer_client):
    response = organizer_client.post(
        reverse("org:node-add"),
        {"kind": "ou", "name": "Ops", "parent": org_root().pk, "huawei_id": "nope"},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "as Huawei writes it" in page and 'value="Ops"' in page


def test_rename_move_and_delete_from_the_node_page(organizer_client, small_org):
    lab, prod = small_org["lab"], small_org["prod"]

    organizer_client.post(reverse("org:node-rename", args=[lab.pk]), {"name": "Lab 2"})
    organizer_client.post(reverse("org:node-move", args=[lab.pk]), {"parent": prod.pk})
    deleted = organizer_client.post(reverse("org:node-delete", args=[small_org["dev"].pk]))

    lab.refresh_from_db()
    assert (lab.name, lab.parent_id) == ("Lab 2", prod.pk)
    assert deleted.status_code == 302 and not Node.objects.filter(name="Dev").exists()


def test_deleting_an_ou_that_holds_something_says_what(organizer_client, small_org):
    response = organizer_client.post(reverse("org:node-delete", args=[small_org["prod"].pk]))

    assert response.status_code == 400
    assert "still holds 2 accounts (db, web)" in response.content.decode()


def test_moving_an_ou_under_its_own_child_is_refused_on_the_page(organizer_client, small_org):
    prod = small_org["prod"]
    child = ou(small_org["user"], "Child", prod)

    response = organizer_client.post(reverse("org:node-move", args=[prod.pk]), {"parent": child.pk})

    assert response.status_code == 400
    assert "own descendants" in response.content.decode()


def test_attach_pinned_and_detach_from_the_node_page(organizer_client, small_org):
    dev, user = small_org["dev"], small_org["user"]
    share = guardrail(user, "No share", SHARE_DENIED)

    attached = organizer_client.post(
        reverse("org:attach", args=[dev.pk]), {"policy": share.pk, "version": "1"}
    )
    page = organizer_client.get(reverse("org:node", args=[dev.pk])).content.decode()
    row = dev.attachments.get(policy=share)
    detached = organizer_client.post(reverse("org:detach", args=[dev.pk]), {"attachment": row.pk})

    assert (
        attached.status_code == 302
        and "within about 30 minutes" in organizer_client.get(attached["Location"]).content.decode()
    )
    assert "pinned to version 1" in page
    assert detached.status_code == 302
    assert not dev.attachments.filter(policy=share).exists()


def test_attaching_a_policy_with_errors_says_huawei_would_refuse_it(organizer_client, small_org):
    dev, user = small_org["dev"], small_org["user"]
    misspelt = SHARE_DENIED.replace("ims:images:share", "ims:images:shaer")
    broken = guardrail(user, "Misspelt", misspelt)
    sound = guardrail(user, "No share", SHARE_DENIED)

    to_broken = organizer_client.post(reverse("org:attach", args=[dev.pk]), {"policy": broken.pk})
    to_sound = organizer_client.post(reverse("org:attach", args=[dev.pk]), {"policy": sound.pk})
    said = organizer_client.get(to_broken["Location"]).content.decode()
    page = organizer_client.get(to_sound["Location"]).content.decode()

    assert "Attached, but the version attached has errors" in said
    assert "Attached, but" not in page
    assert re.search(r'id="org-attached-errors">Misspelt has errors', page)
    rows = re.findall(r'class="org-attachment".*?</tr>', page, re.S)
    broken_row = next(r for r in rows if "Misspelt" in r)
    sound_row = next(r for r in rows if "No share" in r)
    assert "sev-error" in broken_row and "sev-error" not in sound_row


def test_the_last_detachment_is_refused_on_the_page(organizer_client, small_org):
    dev = small_org["dev"]

    response = organizer_client.post(
        reverse("org:detach", args=[dev.pk]), {"attachment": dev.attachments.get().pk}
    )

    assert response.status_code == 400
    assert "every node keeps at least one" in response.content.decode()


def test_the_preview_page_shows_the_denied_apis_with_the_level_that_decided(
    organizer_client, small_org
):
    page = organizer_client.get(reverse("org:preview", args=[small_org["web"].pk])).content.decode()

    row = page[page.index(f'data-api="{DELETE_API}"') :].split("</tr>")[0]
    assert "outcome-denied" in row
    assert "OU Prod (ou-ab12-cd34ef56)" in row and "NoDelete" in row and "No delete" in row
    assert "within about 30 minutes" in page


def test_the_preview_reads_the_request_context_panel(organizer_client, small_org):
    response = organizer_client.get(
        reverse("org:preview", args=[small_org["web"].pk]),
        {"ctx_region": "cn-north-4", "ctx_keys": "not a line"},
    )

    page = response.content.decode()
    assert 'value="cn-north-4"' in page
    assert "is not key=value" in page


def test_the_management_accounts_preview_says_it_is_unaffected(organizer_client, small_org):
    web = small_org["web"]
    organizer_client.post(reverse("org:node-management", args=[web.pk]), {"management": "1"})

    page = organizer_client.get(reverse("org:preview", args=[web.pk])).content.decode()

    assert 'id="management-note"' in page and "SCPs do not restrict it" in page
    assert "outcome-denied" not in page


def test_a_policys_page_lists_where_it_is_attached(organizer_client, small_org):
    page = organizer_client.get(
        reverse("policies:detail", args=[small_org["guard"].pk])
    ).content.decode()

    assert "OU Prod (ou-ab12-cd34ef56)" in page and "the latest version" in page


def test_deleting_an_attached_policy_is_refused_on_its_page(organizer_client, small_org):
    guard = small_org["guard"]

    response = organizer_client.post(reverse("policies:delete", args=[guard.pk]))

    assert response.status_code == 400
    assert "detach it first from OU Prod" in response.content.decode()
    assert guard.versions.exists()


def test_what_if_from_the_editor_keeps_the_draft_and_answers_for_the_chosen_node(
    organizer_client, small_org
):
    opened = organizer_client.post(
        reverse("org:what-if"), {"json": SHARE_DENIED, "op": "what-if", "name": "x"}
    )
    answered = organizer_client.post(
        reverse("org:what-if"),
        {"json": SHARE_DENIED, "node": small_org["dev"].pk, "action": "attach"},
    )

    assert opened.status_code == 200 and "Your draft from the editor" in opened.content.decode()
    page = answered.content.decode()
    assert "1 of 1 account below would see a change" in page
    assert f'data-api="{SHARE_API}"' in page and "account lab" in page


def test_what_if_answers_only_the_answer_to_htmx(organizer_client, small_org):
    response = organizer_client.post(
        reverse("org:what-if"),
        {"json": SHARE_DENIED, "node": org_root().pk, "action": "attach"},
        HTTP_HX_REQUEST="true",
    )

    page = response.content.decode()
    assert page.lstrip().startswith('<section id="what-if-answer"')
    assert "3 of 3 accounts below would see a change" in page


def test_the_editor_offers_the_what_if_to_a_signed_in_person(organizer_client):
    page = organizer_client.get(reverse("editor:editor")).content.decode()

    assert 'id="op-what-if"' in page and reverse("org:what-if") in page


def test_the_admin_shows_the_organization(staff_client, small_org):
    page = staff_client.get("/admin/org/node/").content.decode()

    assert "Prod" in page and "No delete" in page
    assert staff_client.get("/admin/org/node/add/").status_code == 403


@pytest.mark.parametrize("name", ["tree", "node", "preview", "what-if", "node-pack"])
def test_an_organization_page_shows_no_template_source(organizer_client, small_org, name):
    args = [] if name in ("tree", "what-if") else [small_org["web"].pk]

    page = organizer_client.get(reverse(f"org:{name}", args=args)).content.decode()

    assert re.findall(r"\{[#%]|[#%]\}", page) == []
