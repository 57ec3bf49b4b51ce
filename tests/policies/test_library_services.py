"""Saving policies through the services: versions, locking, names, copies, shares."""

from __future__ import annotations

import pytest
from django.http import Http404

from scpstudio.engine.limits import MAX_POLICY_CHARS
from scpstudio.policies import selectors, services
from scpstudio.policies.models import ImmutableVersion, Policy, PolicyVersion
from scpstudio.policies.rules import PolicyInputError
from scpstudio.policies.services import VersionConflict, copy_name
from tests.policies.library import GET_DENIED, SHARE_DENIED, deny, policy_text, saved

pytestmark = pytest.mark.django_db


def test_a_new_policy_is_version_1_with_its_text_exactly_as_written(alice):
    text = (
        '{"Version":"5.0",\r\n  "Statement": [{"Effect":"Deny",'
        '"Action":"ims:images:share",\t"Resource":"*"}]}'
    )

    policy = saved(alice, document=text, message="first")

    version = PolicyVersion.objects.get(policy=policy)
    assert (policy.latest_version, version.number, version.message) == (1, 1, "first")
    assert version.document == text
    assert version.author == alice
    assert version.size == len(text)
    assert version.worst_severity == ""


def _listed(user, policy):
    """The policy as lists and pages read it (with its latest version's figures)."""
    return selectors.policy_for(user, policy.pk)


def test_a_draft_with_errors_is_saved_and_its_worst_severity_says_so(alice):
    policy = saved(alice, document='{"Version": "5.0", "Statement": [')

    assert _listed(alice, policy).worst_severity == "error"
    assert PolicyVersion.objects.get(policy=policy).minified_size is None


def test_a_warning_is_the_worst_severity_when_there_is_no_error(alice):
    text = policy_text(
        deny("ims:images:copyInRegion", Condition={"Bool": {"ims:Encrypted": ["false"]}}),
        deny("ims:images:copyInRegion", Sid="a b"),
    )

    policy = saved(alice, document=text)

    assert _listed(alice, policy).worst_severity in {"warning", "security_warning"}


@pytest.mark.parametrize(
    "name, sentence",
    [
        ("", "name of 1 to 64"),
        ("x" * 65, "at most 64"),
        (" Leading", "start or end with a space"),
        ("Trailing ", "start or end with a space"),
        ("No/slash", '"/" is none of them'),
        ("Tab\there", "U+0009"),
        (5, "must be text"),
    ],
)
def test_a_name_outside_huaweis_rule_is_refused_with_a_sentence(alice, name, sentence):
    with pytest.raises(PolicyInputError) as caught:
        saved(alice, name=name)

    assert caught.value.field == "name"
    assert sentence in caught.value.message
    assert not Policy.objects.exists()


def test_a_name_of_64_letters_digits_dashes_and_spaces_is_accepted(alice):
    name = "Deny_share - 2026 " + "x" * 46

    assert saved(alice, name=name).name == name


def test_the_same_name_twice_for_one_owner_is_a_sentence_not_an_integrity_error(alice, bob):
    saved(alice, name="Guardrails")
    saved(bob, name="Guardrails")

    with pytest.raises(PolicyInputError) as caught:
        saved(alice, name="Guardrails")

    assert caught.value.field == "name"
    assert (
        caught.value.message == 'You already have a policy named "Guardrails"; choose another name.'
    )


@pytest.mark.parametrize(
    "document, sentence",
    [
        ({"Version": "5.0"}, "must be the policy's JSON text (a string), not an object"),
        (None, "not null"),
        ("x" * (MAX_POLICY_CHARS + 1), "at most 100,000"),
        ('{"a": "\ud800"}', "lone surrogate (\\ud800)"),
        ('{"a": "\x00"}', "NUL character"),
    ],
)
def test_a_document_that_is_not_storable_text_is_refused(alice, document, sentence):
    with pytest.raises(PolicyInputError) as caught:
        saved(alice, document=document)

    assert caught.value.field == "document"
    assert sentence in caught.value.message


def test_description_longer_than_512_is_refused(alice):
    with pytest.raises(PolicyInputError) as caught:
        saved(alice, description="d" * 513)

    assert caught.value.field == "description"


def test_saving_on_the_latest_version_adds_the_next_one(alice):
    policy = saved(alice)

    version = services.save_version(
        user=alice, policy=policy, document=GET_DENIED, base_version=1, message="deny get"
    )

    assert (version.number, policy.latest_version) == (2, 2)
    assert list(policy.versions.values_list("number", flat=True)) == [2, 1]
    assert PolicyVersion.objects.get(policy=policy, number=1).document == SHARE_DENIED


def test_two_saves_on_the_same_version_the_second_conflicts_and_changes_nothing(alice, bob):
    policy = saved(alice)
    services.share_policy(user=alice, policy=policy, with_user=bob, can_edit=True)
    stale = Policy.objects.get(pk=policy.pk)  # bob opened it at version 1 too

    services.save_version(user=alice, policy=policy, document=GET_DENIED, base_version=1)
    with pytest.raises(VersionConflict) as caught:
        services.save_version(user=bob, policy=stale, document="{}", base_version=1)

    assert (caught.value.base_version, caught.value.current_version) == (1, 2)
    assert policy.versions.count() == 2
    assert Policy.objects.get(pk=policy.pk).latest_version == 2
    assert PolicyVersion.objects.get(policy=policy, number=2).document == GET_DENIED


def test_the_lock_is_the_database_row_not_the_callers_copy(alice):
    policy = saved(alice)
    services.save_version(user=alice, policy=policy, document=GET_DENIED, base_version=1)
    stale = Policy.objects.get(pk=policy.pk)
    stale.latest_version = 1  # a copy that believes it is still at version 1

    with pytest.raises(VersionConflict):
        services.save_version(user=alice, policy=stale, document="{}", base_version=1)


def test_a_save_can_rename_and_the_new_name_must_be_free(alice):
    policy = saved(alice, name="One")
    saved(alice, name="Two")

    with pytest.raises(PolicyInputError):
        services.save_version(user=alice, policy=policy, document="{}", base_version=1, name="Two")
    services.save_version(user=alice, policy=policy, document="{}", base_version=1, name="Uno")

    assert Policy.objects.get(pk=policy.pk).name == "Uno"
    assert policy.latest_version == 2


def test_restoring_a_version_adds_a_new_version_with_its_text(alice):
    policy = saved(alice)
    services.save_version(user=alice, policy=policy, document=GET_DENIED, base_version=1)

    version = services.restore_version(user=alice, policy=policy, number=1)

    assert version.number == 3
    assert version.document == SHARE_DENIED
    assert version.message == "Restored version 1"


def test_restoring_on_a_stale_base_conflicts(alice):
    policy = saved(alice)
    services.save_version(user=alice, policy=policy, document=GET_DENIED, base_version=1)

    with pytest.raises(VersionConflict):
        services.restore_version(user=alice, policy=policy, number=1, base_version=1)


def test_restoring_a_version_that_does_not_exist_is_404(alice):
    policy = saved(alice)

    with pytest.raises(Http404):
        services.restore_version(user=alice, policy=policy, number=9)


def test_a_saved_version_cannot_be_changed(alice):
    version = PolicyVersion.objects.get(policy=saved(alice))

    version.document = "{}"
    with pytest.raises(ImmutableVersion):
        version.save()
    with pytest.raises(ImmutableVersion):
        PolicyVersion.objects.filter(pk=version.pk).update(document="{}")

    assert PolicyVersion.objects.get(pk=version.pk).document == SHARE_DENIED


def test_deleting_an_author_keeps_the_version(alice, bob):
    policy = saved(alice)
    services.share_policy(user=alice, policy=policy, with_user=bob, can_edit=True)
    services.save_version(user=bob, policy=policy, document=GET_DENIED, base_version=1)

    bob.delete()

    assert PolicyVersion.objects.get(policy=policy, number=2).author is None


def test_duplicate_is_a_new_policy_of_the_copier_with_the_latest_text(alice, bob):
    policy = saved(alice)
    services.save_version(user=alice, policy=policy, document=GET_DENIED, base_version=1)
    services.share_policy(user=alice, policy=policy, with_user=bob)

    copy = services.duplicate_policy(user=bob, policy=policy)

    assert (copy.owner, copy.name, copy.latest_version) == (bob, "Copy of Guardrails", 1)
    assert copy.versions.get().document == GET_DENIED


def test_copy_names_keep_to_the_rule_and_are_numbered_when_taken():
    long = "a" * 60

    assert copy_name("P", set()) == "Copy of P"
    assert copy_name("P", {"Copy of P"}) == "Copy of P 2"
    assert copy_name("P", {"Copy of P", "Copy of P 2"}) == "Copy of P 3"
    assert copy_name(long, set()) == ("Copy of " + long)[:64]
    assert len(copy_name(long, {("Copy of " + long)[:64]})) == 64
    assert copy_name("x" * 55 + " y", set()) == "Copy of " + "x" * 55  # no trailing space


def test_duplicating_twice_numbers_the_second_copy(alice):
    policy = saved(alice)

    services.duplicate_policy(user=alice, policy=policy)
    second = services.duplicate_policy(user=alice, policy=policy)

    assert second.name == "Copy of Guardrails 2"


def test_deleting_removes_versions_and_shares(alice, bob):
    policy = saved(alice)
    services.share_policy(user=alice, policy=policy, with_user=bob, can_edit=True)

    services.delete_policy(user=alice, policy=policy)

    assert not Policy.objects.exists()
    assert not PolicyVersion.objects.exists()


def test_a_policy_is_not_shared_with_its_owner_or_a_stranger(alice):
    policy = saved(alice)

    with pytest.raises(PolicyInputError):
        services.share_policy(user=alice, policy=policy, with_user=alice)
    with pytest.raises(PolicyInputError):
        services.share_policy(user=alice, policy=policy, with_user="nobody")


def test_sharing_again_changes_the_access_and_unsharing_removes_it(alice, bob):
    policy = saved(alice)

    services.share_policy(user=alice, policy=policy, with_user=bob, can_edit=True)
    share = services.share_policy(user=alice, policy=policy, with_user=bob, can_edit=False)
    assert policy.shares.get() == share and not share.can_edit

    services.unshare_policy(user=alice, policy=policy, with_user=bob)
    assert not policy.shares.exists()


def test_an_editor_renaming_to_a_name_the_owner_has_is_told_whose_it_is(alice, bob):
    policy = saved(alice, name="One")
    saved(alice, name="Two")
    services.share_policy(user=alice, policy=policy, with_user=bob, can_edit=True)

    with pytest.raises(PolicyInputError) as caught:
        services.rename_policy(user=bob, policy=policy, name="Two")

    assert caught.value.message.startswith("Its owner already has")


def test_changing_the_profile_saves_the_same_text_as_a_new_version_checked_under_it(alice):
    text = policy_text({"Effect": "Allow", "Action": "ims:images:get", "Resource": "*"})
    policy = saved(alice, document=text)
    assert _listed(alice, policy).worst_severity == "error"  # custom SCPs may only deny

    services.update_policy_details(user=alice, policy=policy, profile="identity")

    latest = PolicyVersion.objects.get(policy=policy, number=2)
    assert (latest.document, latest.profile, latest.author) == (text, "identity", alice)
    assert latest.message == "Profile changed to IAM identity policy"
    assert latest.worst_severity != "error"
    listed = _listed(alice, policy)
    assert (listed.profile, listed.latest_version) == ("identity", 2)
    assert (listed.worst_severity, listed.size) == (latest.worst_severity, latest.size)
    assert PolicyVersion.objects.get(policy=policy, number=1).worst_severity == "error"


def test_a_profile_change_on_a_stale_base_conflicts_and_changes_nothing(alice):
    policy = saved(alice)
    services.save_version(user=alice, policy=policy, document=GET_DENIED, base_version=1)

    with pytest.raises(VersionConflict):
        services.update_policy_details(
            user=alice, policy=policy, profile="identity", base_version=1
        )

    assert (Policy.objects.get().profile, policy.versions.count()) == ("scp", 2)


def test_a_rename_on_a_stale_base_conflicts_and_changes_nothing(alice):
    policy = saved(alice)
    services.save_version(user=alice, policy=policy, document=GET_DENIED, base_version=1)

    with pytest.raises(VersionConflict) as caught:
        services.update_policy_details(user=alice, policy=policy, name="Other", base_version=1)

    assert (caught.value.base_version, caught.value.current_version) == (1, 2)
    assert Policy.objects.get().name == "Guardrails"
