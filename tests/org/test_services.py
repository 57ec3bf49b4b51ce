"""The organization's writes: the tree's rules (depth, quotas, moves, deletes, ids, the
management account) and attachments (5 at most, 1 at least, FullAccess on new nodes)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from scpstudio.org import services
from scpstudio.org.models import FULL_ACCESS, Attachment, Node, NodeKind
from scpstudio.org.rules import OrgInputError
from scpstudio.org.selectors import Tree, org_root
from scpstudio.policies import services as library
from scpstudio.policies.usage import PolicyInUse
from tests.org.helpers import account, attach, guardrail, ou

pytestmark = pytest.mark.django_db


def test_the_root_exists_after_migrate_with_full_access_and_can_be_renamed(organizer):
    root = org_root()

    services.node_rename(user=organizer, node=root, name="Acme")

    assert Node.objects.get(kind=NodeKind.ROOT).name == "Acme"
    assert [a.builtin for a in root.attachments.all()] == [FULL_ACCESS]


def test_the_root_comes_back_after_a_flush(transactional_db):
    call_command("flush", interactive=False, verbosity=0)

    assert org_root().attachments.get().builtin == FULL_ACCESS


def test_a_new_node_gets_full_access_attached(organizer):
    dev = ou(organizer, "Dev")

    assert [a.builtin for a in dev.attachments.all()] == [FULL_ACCESS]


def test_ous_nest_at_most_five_levels_below_the_root(organizer):
    parent = None
    for level in range(1, 6):
        parent = ou(organizer, f"Level {level}", parent)
    account(organizer, "deep", parent)  # an account is no OU level

    with pytest.raises(OrgInputError, match="at most 5 levels"):
        ou(organizer, "Level 6", parent)


def test_the_ou_quota_is_a_setting(organizer, settings):
    settings.ORG_MAX_OUS = 2
    ou(organizer, "One")
    ou(organizer, "Two")

    with pytest.raises(OrgInputError, match="2 OUs"):
        ou(organizer, "Three")


def test_an_account_holds_nothing(organizer):
    web = account(organizer, "web")

    with pytest.raises(OrgInputError, match="only the root and OUs hold"):
        ou(organizer, "Inside", web)


def test_moving_an_ou_under_its_own_child_is_refused(organizer):
    parent = ou(organizer, "Parent")
    child = ou(organizer, "Child", parent)

    with pytest.raises(OrgInputError) as refused:
        services.node_move(user=organizer, node=parent, parent=child)

    assert "own descendants" in refused.value.message
    assert refused.value.field == "parent"
    assert Node.objects.get(pk=child.pk).parent_id == parent.pk


def test_moving_an_ou_under_itself_is_refused(organizer):
    parent = ou(organizer, "Parent")

    with pytest.raises(OrgInputError, match="under itself"):
        services.node_move(user=organizer, node=parent, parent=parent)


def test_a_move_keeps_the_depth_quota(organizer):
    deep = None
    for level in range(1, 5):
        deep = ou(organizer, f"Level {level}", deep)
    tall = ou(organizer, "Tall")
    ou(organizer, "Tall child", tall)

    with pytest.raises(OrgInputError, match="would nest 6 levels"):
        services.node_move(user=organizer, node=tall, parent=deep)


def test_a_move_takes_everything_inside_along(organizer):
    a, b = ou(organizer, "A"), ou(organizer, "B")
    web = account(organizer, "web", a)

    services.node_move(user=organizer, node=a, parent=b)

    assert [n.name for n in Tree.load().path(web.pk)] == ["Root", "B", "A", "web"]


def test_an_ou_must_be_empty_to_be_deleted_and_the_sentence_says_what_it_holds(organizer):
    prod = ou(organizer, "Prod")
    ou(organizer, "Web tier", prod)
    account(organizer, "db", prod)

    with pytest.raises(OrgInputError) as refused:
        services.node_delete(user=organizer, node=prod)

    assert "still holds 1 OU (Web tier) and 1 account (db)" in refused.value.message
    assert Node.objects.filter(pk=prod.pk).exists()


def test_deleting_an_account_takes_its_attachments(organizer):
    web = account(organizer, "web")

    services.node_delete(user=organizer, node=web)

    assert not Attachment.objects.filter(node_id=web.pk).exists()


def test_the_root_is_never_deleted(organizer):
    with pytest.raises(OrgInputError, match="always has one"):
        services.node_delete(user=organizer, node=org_root())


@pytest.mark.parametrize(
    ("kind", "huawei_id"),
    [
        ("ou", "ou-ab12-cd34ef56"),
        ("ou", "ou-ab12"),
        ("account", "0a1b2c3d4e5f67890a1b2c3d4e5f6789"),
    ],
)
def test_huawei_id_shapes_are_accepted(organizer, kind, huawei_id):
    node = services.node_create(
        user=organizer, kind=kind, name="n", parent=org_root(), huawei_id=huawei_id
    )

    assert node.huawei_id == huawei_id


@pytest.mark.parametrize(
    ("kind", "huawei_id"),
    [("ou", "r-ab12"), ("ou", "OU-AB12"), ("account", "ou-ab12"), ("ou", "ou-")],
)
def test_a_wrong_huawei_id_is_refused_with_an_example(organizer, kind, huawei_id):
    with pytest.raises(OrgInputError) as refused:
        services.node_create(
            user=organizer, kind=kind, name="n", parent=org_root(), huawei_id=huawei_id
        )

    assert refused.value.field == "huawei_id"
    assert "as Huawei writes it (like" in refused.value.message


def test_a_huawei_id_is_one_nodes(organizer):
    ou(organizer, "A", huawei_id="ou-ab12")

    with pytest.raises(OrgInputError, match="already has the Huawei id"):
        ou(organizer, "B", huawei_id="ou-ab12")


def test_one_management_account(organizer):
    a, b = account(organizer, "a"), account(organizer, "b")
    services.node_set_management(user=organizer, node=a, management=True)

    services.node_set_management(user=organizer, node=b, management=True)

    assert list(Node.objects.filter(management=True)) == [b]


def test_an_ou_is_never_the_management_account(organizer):
    with pytest.raises(OrgInputError, match="Only an account"):
        services.node_set_management(user=organizer, node=ou(organizer, "Dev"), management=True)


# -- attachments -------------------------------------------------------------------------


def test_a_sixth_attachment_is_refused_with_the_rule(organizer):
    dev = ou(organizer, "Dev")
    for n in range(4):
        attach(organizer, dev, guardrail(organizer, f"Guard {n}"))

    with pytest.raises(OrgInputError) as refused:
        attach(organizer, dev, guardrail(organizer, "Sixth"))

    assert "at most 5 per node" in refused.value.message
    assert dev.attachments.count() == 5


def test_the_last_detachment_is_refused_with_the_rule(organizer):
    dev = ou(organizer, "Dev")

    with pytest.raises(OrgInputError) as refused:
        services.attachment_delete(user=organizer, attachment=dev.attachments.get())

    assert "every node keeps at least one" in refused.value.message
    assert dev.attachments.count() == 1


def test_full_access_can_be_detached_once_something_else_is_attached(organizer):
    dev = ou(organizer, "Dev")
    attach(organizer, dev, guardrail(organizer))

    services.attachment_delete(user=organizer, attachment=dev.attachments.get(builtin=FULL_ACCESS))

    assert [a.policy_name for a in dev.attachments.all()] == ["No delete"]


def test_a_policy_is_attached_once_per_node(organizer):
    dev, guard = ou(organizer, "Dev"), guardrail(organizer)
    attach(organizer, dev, guard)

    with pytest.raises(OrgInputError, match="already attached"):
        attach(organizer, dev, guard)


def test_a_pinned_version_must_be_the_policys(organizer):
    dev = ou(organizer, "Dev")
    one, other = guardrail(organizer, "One"), guardrail(organizer, "Other")

    with pytest.raises(OrgInputError, match="version must be one of"):
        attach(organizer, dev, one, other.versions.get())


def test_deleting_an_attached_policy_is_refused_with_the_list_of_nodes(organizer):
    guard = guardrail(organizer)
    attach(organizer, ou(organizer, "Prod", huawei_id="ou-ab12"), guard)
    attach(organizer, account(organizer, "web"), guard, guard.versions.get())

    with pytest.raises(PolicyInUse) as refused:
        library.delete_policy(user=organizer, policy=guard)

    assert "OU Prod (ou-ab12) (the latest version)" in refused.value.message
    assert "account web (version 1)" in refused.value.message
    assert guard.versions.count() == 1
