"""What if (issue 19, item 4): attach a draft or a saved version, detach, move; per account
below the node, exactly the APIs whose outcome changes, and nothing saved."""

from __future__ import annotations

import pytest

from catalog.snapshot import catalog_snapshot
from scpstudio.org import services
from scpstudio.org.asking import read_change
from scpstudio.org.models import Attachment
from scpstudio.org.rules import OrgInputError
from scpstudio.org.selectors import org_root
from scpstudio.org.what_if import what_if
from tests.org.helpers import DELETE_API, DELETE_DENIED, SHARE_API, SHARE_DENIED, guardrail
from tests.policies.library import policy_text

pytestmark = pytest.mark.django_db


def ask(user, **asked):
    catalog = catalog_snapshot()
    return what_if(read_change(user, catalog, **asked), catalog)


def changes(answer) -> dict[str, list[tuple[str, str, str, str]]]:
    """account name -> (API, before, after, level that explains it)."""
    return {
        a.account.name: [
            (c.method + " " + c.path, c.change.before.value, c.change.after.value, c.level.name)
            for c in a.apis
        ]
        for a in answer.accounts
    }


def test_a_draft_attached_to_one_ou_changes_exactly_the_accounts_below_it(small_org):
    answer = ask(small_org["user"], node=small_org["dev"].pk, action="attach", draft=SHARE_DENIED)

    assert changes(answer) == {"lab": [(SHARE_API, "allowed", "denied", "Dev")]}
    assert answer.checked == 1


def test_a_draft_attached_at_the_root_changes_every_account(small_org):
    answer = ask(small_org["user"], node=org_root().pk, action="attach", draft=SHARE_DENIED)

    assert changes(answer) == {
        name: [(SHARE_API, "allowed", "denied", "Root")] for name in ("web", "db", "lab")
    }


def test_a_deny_already_made_below_lists_only_the_accounts_it_newly_reaches(small_org):
    answer = ask(small_org["user"], node=org_root().pk, action="attach", draft=DELETE_DENIED)

    assert changes(answer) == {"lab": [(DELETE_API, "allowed", "denied", "Root")]}


def test_nothing_is_saved(small_org):
    before = list(Attachment.objects.values_list("node_id", "policy_id", "builtin"))

    ask(small_org["user"], node=org_root().pk, action="attach", draft=SHARE_DENIED)

    assert list(Attachment.objects.values_list("node_id", "policy_id", "builtin")) == before


def test_detaching_a_guardrail_newly_allows_below(small_org):
    prod = small_org["prod"]
    guard_attachment = prod.attachments.get(policy=small_org["guard"])

    answer = ask(small_org["user"], node=prod.pk, action="detach", attachment=guard_attachment.pk)

    assert changes(answer) == {
        "web": [(DELETE_API, "denied", "allowed", "Prod")],
        "db": [(DELETE_API, "denied", "allowed", "Prod")],
    }
    assert {c.change.change for a in answer.accounts for c in a.apis} == {"newly_allowed"}


def test_moving_an_account_under_a_guardrail_lists_what_it_loses(small_org):
    answer = ask(
        small_org["user"], node=small_org["lab"].pk, action="move", parent=small_org["prod"].pk
    )

    assert changes(answer) == {"lab": [(DELETE_API, "allowed", "denied", "Prod")]}


def test_moving_an_ou_under_its_own_child_is_refused_before_asking(small_org):
    user, prod = small_org["user"], small_org["prod"]
    child = services.node_create(user=user, kind="ou", name="Child", parent=prod)

    with pytest.raises(OrgInputError, match="own descendants"):
        ask(user, node=prod.pk, action="move", parent=child.pk)


def test_a_saved_version_can_be_asked_about(small_org):
    user = small_org["user"]
    share = guardrail(user, "No share", SHARE_DENIED)

    answer = ask(user, node=small_org["prod"].pk, action="attach", policy=share.pk, version=1)

    assert set(changes(answer)) == {"web", "db"}


def test_the_management_account_is_said_unaffected(small_org):
    user = small_org["user"]
    services.node_set_management(user=user, node=small_org["lab"], management=True)

    answer = ask(user, node=small_org["dev"].pk, action="attach", draft=SHARE_DENIED)

    [lab] = answer.accounts
    assert (lab.apis, "management account" in lab.note) == ((), True)


def test_a_sixth_attachment_is_answered_with_a_note(small_org):
    user, dev = small_org["user"], small_org["dev"]
    for n in range(4):
        services.attachment_create(user=user, node=dev, policy=guardrail(user, f"G{n}"))

    answer = ask(user, node=dev.pk, action="attach", draft=SHARE_DENIED)

    assert any("at most 5" in n for n in answer.notes)


def test_a_draft_that_is_not_json_is_refused_with_a_sentence(small_org):
    with pytest.raises(OrgInputError) as refused:
        ask(small_org["user"], node=org_root().pk, action="attach", draft='{"Version": ')

    assert refused.value.field == "draft"
    assert "not valid JSON" in refused.value.message


def test_a_conditional_draft_says_the_change_is_conditional(small_org):
    draft = policy_text(
        {
            "Effect": "Deny",
            "Action": ["ims:images:share"],
            "Resource": "*",
            "Condition": {"StringNotEquals": {"g:RequestedRegion": ["cn-north-4"]}},
        }
    )

    answer = ask(small_org["user"], node=small_org["dev"].pk, action="attach", draft=draft)

    [lab] = answer.accounts
    [api] = lab.apis
    assert (api.change.before.value, api.change.after.value) == ("allowed", "conditional")
    assert api.change.witness is not None
