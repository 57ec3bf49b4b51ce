"""Reads about accounts: a user's API tokens, the token a key names, and what deleting a
user would touch (their policies, and the versions other people saved in them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from scpstudio.accounts.models import KEY_PREFIX, ApiToken, digest_of
from scpstudio.policies.models import DELETED_USER, Policy, PolicyShare, PolicyVersion

KEY_MAX = 100  # characters of a key read from a request; ours have 47
PLAN_POLICIES_SHOWN = 200  # policies a deletion page names one by one; the rest are counted


def token_list(user: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def token_for_key(key: str) -> ApiToken | None:
    """The token whose key this is, with its user; None for any other text."""
    if not key.startswith(KEY_PREFIX) or len(key) > KEY_MAX or not key.isascii():
        return None
    return ApiToken.objects.select_related("user").filter(key_digest=digest_of(key)).first()


@dataclass(frozen=True, slots=True)
class OwnedPolicy:
    """One policy of a user about to be deleted, with the work of others in it."""

    id: int
    name: str
    versions: int
    others_versions: int
    other_authors: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DeletionPlan:
    """What deleting `user` touches: shown before anyone chooses."""

    user: Any
    policy_count: int
    policies: tuple[OwnedPolicy, ...]  # the first PLAN_POLICIES_SHOWN, by name
    shares_of_theirs: int  # people their policies are shared with
    shared_with_them: int  # others' policies they may read or edit
    versions_elsewhere: int  # versions they saved in others' policies: stay, as DELETED_USER
    tokens: int
    others_versions: int  # in all their policies, not only those shown

    @property
    def more_policies(self) -> int:
        return self.policy_count - len(self.policies)


def user_deletion_plan(user: Any) -> DeletionPlan:
    owned = Policy.objects.filter(owner=user)
    not_theirs = Q(versions__author__isnull=True) | ~Q(versions__author=user)
    counted = owned.annotate(
        version_count=Count("versions"), others_count=Count("versions", filter=not_theirs)
    ).order_by("name", "id")
    shown = list(counted[:PLAN_POLICIES_SHOWN])
    authors: dict[int, set[str]] = {}
    others = (
        PolicyVersion.objects.filter(policy__in=[p.pk for p in shown])
        .exclude(author=user)
        .order_by()
        .values_list("policy_id", "author__username")
        .distinct()
    )
    for policy_id, username in others:
        authors.setdefault(policy_id, set()).add(username or DELETED_USER)
    totals = owned.aggregate(others=Count("versions", filter=not_theirs))
    return DeletionPlan(
        user=user,
        policy_count=owned.count(),
        policies=tuple(
            OwnedPolicy(
                id=p.pk,
                name=p.name,
                versions=p.version_count,  # type: ignore[attr-defined]
                others_versions=p.others_count,  # type: ignore[attr-defined]
                other_authors=tuple(sorted(authors.get(p.pk, ()))),
            )
            for p in shown
        ),
        shares_of_theirs=PolicyShare.objects.filter(policy__owner=user).count(),
        shared_with_them=PolicyShare.objects.filter(user=user).count(),
        versions_elsewhere=PolicyVersion.objects.filter(author=user)
        .exclude(policy__owner=user)
        .count(),
        tokens=ApiToken.objects.filter(user=user).count(),
        others_versions=totals["others"] or 0,
    )
