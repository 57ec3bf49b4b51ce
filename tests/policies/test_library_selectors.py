"""Who sees which policy: one selector decides for pages and API alike."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from scpstudio.policies import services
from scpstudio.policies.selectors import (
    PolicyFilters,
    policy_for,
    policy_list,
    version_list,
    version_of,
    visible_policies,
)
from tests.policies.library import saved

pytestmark = pytest.mark.django_db


def test_a_user_sees_their_own_and_shared_policies_once_each(alice, bob, carol):
    own = saved(bob, name="Own")
    shared = saved(alice, name="Shared")
    saved(alice, name="Private")
    services.share_policy(user=alice, policy=shared, with_user=bob)
    services.share_policy(user=alice, policy=shared, with_user=carol)

    names = sorted(p.name for p in visible_policies(bob))

    assert names == ["Own", "Shared"]
    assert visible_policies(bob).get(pk=own.pk).is_owner
    assert not visible_policies(bob).get(pk=shared.pk).can_edit


def test_anonymous_sees_nothing(alice):
    saved(alice)

    assert not visible_policies(AnonymousUser()).exists()
    with pytest.raises(Http404):
        policy_for(AnonymousUser(), saved(alice, name="Other").pk)


def test_another_users_private_policy_is_404_never_403(alice, bob):
    private = saved(alice)

    for kwargs in ({}, {"edit": True}, {"own": True}):
        with pytest.raises(Http404):
            policy_for(bob, private.pk, **kwargs)


@pytest.mark.parametrize("bad_id", ["abc", "-1", "0", "1" * 40, None, 2**70, True, "１"])
def test_an_id_that_is_no_id_is_404(alice, bad_id):
    saved(alice)

    with pytest.raises(Http404):
        policy_for(alice, bad_id)


def test_a_read_only_share_reads_but_editing_is_403_with_a_sentence(alice, bob):
    policy = saved(alice)
    services.share_policy(user=alice, policy=policy, with_user=bob)

    assert policy_for(bob, policy.pk) == policy
    with pytest.raises(PermissionDenied, match="shared with you to read"):
        policy_for(bob, policy.pk, edit=True)


def test_an_edit_share_edits_but_only_the_owner_manages(alice, bob):
    policy = saved(alice)
    services.share_policy(user=alice, policy=policy, with_user=bob, can_edit=True)

    assert policy_for(bob, str(policy.pk), edit=True) == policy
    with pytest.raises(PermissionDenied, match="owner"):
        policy_for(bob, policy.pk, own=True)
    assert policy_for(alice, policy.pk, own=True) == policy


def test_list_searches_name_and_description_case_blind(alice):
    saved(alice, name="Image sharing", description="")
    saved(alice, name="Regions", description="Keep IMS in the allowed REGIONS")
    saved(alice, name="Tags", description="owner tag")

    found = {p.name for p in policy_list(alice, PolicyFilters(q="region"))}
    by_name = {p.name for p in policy_list(alice, PolicyFilters(q="SHARING"))}

    assert found == {"Regions"}
    assert by_name == {"Image sharing"}


def test_list_filters_by_profile_and_worst_severity(alice):
    saved(alice, name="Clean")
    saved(alice, name="Broken", document="{")
    saved(alice, name="Identity", profile="identity")

    errors = [p.name for p in policy_list(alice, PolicyFilters(severity="error"))]
    clean = {p.name for p in policy_list(alice, PolicyFilters(severity="none"))}
    identity = [p.name for p in policy_list(alice, PolicyFilters(profile="identity"))]

    assert errors == ["Broken"]
    assert clean == {"Clean", "Identity"}
    assert identity == ["Identity"]


def test_list_is_sorted_by_last_change_newest_first(alice):
    first = saved(alice, name="First")
    saved(alice, name="Second")
    services.save_version(user=alice, policy=first, document="{}", base_version=1)

    assert [p.name for p in policy_list(alice)] == ["First", "Second"]
    assert [p.name for p in policy_list(alice, PolicyFilters(order="updated"))] == [
        "Second",
        "First",
    ]


def test_versions_are_listed_newest_first_and_one_is_found_by_number(alice):
    policy = saved(alice)
    services.save_version(user=alice, policy=policy, document="{}", base_version=1)

    assert [v.number for v in version_list(policy)] == [2, 1]
    assert version_of(policy, "2").document == "{}"
    with pytest.raises(Http404):
        version_of(policy, 3)
