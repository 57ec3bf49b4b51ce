"""Who may see and change which saved policy: the one place that decides it.

Pages, the editor and the API all get a policy through `policy_for`, so the rule is the
same everywhere: a policy the user may not see does not exist for them (404, never 403,
so that an id reveals nothing); a policy they may see but not change answers 403 with a
sentence saying why. The services trust the policy they are handed: the caller asked
`policy_for` for the access the change needs.

A policy read here carries its latest version's figures (`worst_severity`, `size`,
`minified_size`), read from that version in the same query: the version table and the
list cannot disagree about the same text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, F, FilteredRelation, OuterRef, Q, QuerySet
from django.http import Http404

from scpstudio.policies.models import Policy, PolicyShare, PolicyVersion, WorstSeverity

NOT_FOUND = "There is no such policy, or it is not shared with you."
READ_ONLY = "This policy is shared with you to read; only its owner or an editor can change it."
OWNER_ONLY = "Only the policy's owner can do that."
# Sort orders a list offers, by the name the page and the API use.
ORDERINGS: dict[str, tuple[str, ...]] = {
    "-updated": ("-updated_at", "-id"),
    "updated": ("updated_at", "id"),
    "name": ("name", "id"),
    "-name": ("-name", "-id"),
}
DEFAULT_ORDER = "-updated"
SEVERITY_NONE = "none"  # the filter value for "no findings" (stored as "")


@dataclass(frozen=True, slots=True)
class PolicyFilters:
    q: str = ""
    profile: str = ""
    severity: str = ""  # a WorstSeverity value, "none", or "" for any
    order: str = DEFAULT_ORDER


def visible_policies(user: Any) -> QuerySet[Policy]:
    """The user's own policies and those shared with them, each once, with `can_edit` and
    `is_owner` annotated. Nothing for an anonymous user."""
    if user is None or not user.is_authenticated:
        return Policy.objects.none()
    shared = PolicyShare.objects.filter(user=user)
    return with_latest_figures(
        Policy.objects.filter(Q(owner=user) | Q(pk__in=shared.values("policy")))
        .select_related("owner")
        .annotate(
            is_owner=Q(owner=user),
            can_edit=Q(owner=user) | Exists(shared.filter(policy=OuterRef("pk"), can_edit=True)),
        )
    )


def with_latest_figures(policies: QuerySet[Policy]) -> QuerySet[Policy]:
    """`worst_severity`, `size` and `minified_size` of each policy's latest version, joined
    in (one query for a whole list)."""
    return policies.annotate(
        latest=FilteredRelation("versions", condition=Q(versions__number=F("latest_version"))),
        worst_severity=F("latest__worst_severity"),
        size=F("latest__size"),
        minified_size=F("latest__minified_size"),
    )


def policy_list(user: Any, filters: PolicyFilters | None = None) -> QuerySet[Policy]:
    """`visible_policies`, searched (`q` in name and description), filtered by profile and
    worst severity, and sorted (latest change first by default)."""
    f = filters or PolicyFilters()
    policies = visible_policies(user)
    q = f.q.strip()
    if q:
        policies = policies.filter(Q(name__icontains=q) | Q(description__icontains=q))
    if f.profile:
        policies = policies.filter(profile=f.profile)
    if f.severity:
        severity = WorstSeverity.NONE if f.severity == SEVERITY_NONE else f.severity
        policies = policies.filter(worst_severity=severity)
    return policies.order_by(*ORDERINGS.get(f.order, ORDERINGS[DEFAULT_ORDER]))


def policy_for(
    user: Any, policy_id: Any, *, edit: bool = False, own: bool = False, text: bool = False
) -> Policy:
    """The policy if the user may see it (and change it with `edit`, or manage it with
    `own`: delete, share), with its latest text as `document` when `text`. Raises Http404
    when they may not see it, PermissionDenied with a sentence when they may see it but
    not do the rest."""
    pk = _id(policy_id)
    policies = visible_policies(user)
    if text:
        policies = policies.annotate(document=F("latest__document"))
    policy = policies.filter(pk=pk).first() if pk is not None else None
    if policy is None:
        raise Http404(NOT_FOUND)
    check_access(policy, edit=edit, own=own)
    return policy


def check_access(policy: Policy, *, edit: bool = False, own: bool = False) -> None:
    """PermissionDenied with a sentence unless the user `policy_for` read the policy for
    may change it (`edit`) or manage it (`own`); for a page that shows the policy first
    and refuses a change on it."""
    if own and not policy.is_owner:  # type: ignore[attr-defined]
        raise PermissionDenied(OWNER_ONLY)
    if edit and not policy.can_edit:  # type: ignore[attr-defined]
        raise PermissionDenied(READ_ONLY)


def version_list(policy: Policy) -> QuerySet[PolicyVersion]:
    """The policy's versions, newest first, without their documents."""
    return (
        PolicyVersion.objects.filter(policy=policy)
        .select_related("author")
        .defer("document")
        .order_by("-number")
    )


def version_of(policy: Policy, number: Any) -> PolicyVersion:
    """One version of a policy the caller already got through `policy_for`; Http404 when
    the policy has no such version."""
    n = _id(number)
    version = (
        PolicyVersion.objects.filter(policy=policy, number=n).select_related("author").first()
        if n is not None
        else None
    )
    if version is None:
        raise Http404(f"This policy has no version {str(number)[:20]}.")
    return version


def latest_version(policy: Policy) -> PolicyVersion:
    return version_of(policy, policy.latest_version)


def policy_shares(policy: Policy) -> QuerySet[PolicyShare]:
    return (
        PolicyShare.objects.filter(policy=policy).select_related("user").order_by("user__username")
    )


def _id(value: Any) -> int | None:
    """A database id from a URL or a body: a positive whole number that fits 63 bits."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 18:
        number = int(value)
    else:
        return None
    return number if 0 < number < 2**63 else None


@dataclass(frozen=True, slots=True)
class PolicyWeight:
    """What deleting a policy takes with it, said before an administrator confirms."""

    policy: Policy
    versions: int
    others_versions: int  # saved by someone other than the owner
    shares: int


def policy_weights(policy_ids: list[int]) -> list[PolicyWeight]:
    not_owners = Q(versions__author__isnull=True) | ~Q(versions__author=F("owner"))
    rows = (
        Policy.objects.filter(pk__in=policy_ids)
        .select_related("owner")
        .annotate(
            version_count=Count("versions", distinct=True),
            others_count=Count("versions", filter=not_owners, distinct=True),
            share_count=Count("shares", distinct=True),
        )
        .order_by("name", "id")
    )
    return [
        PolicyWeight(p, p.version_count, p.others_count, p.share_count)  # type: ignore[attr-defined]
        for p in rows
    ]
