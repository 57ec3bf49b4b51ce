"""Writes to the policy library: create, save a version, restore, rename, duplicate,
delete, share. Each checks its input (`rules`) and writes in one transaction.

Who may do it is not decided here: the caller got `policy` from `selectors.policy_for`
with the access the change needs (`edit=True` to save, restore or change its details,
`own=True` to delete or share), and the services trust it. The acting user is the author
of what they write.

A save names the version it was based on. The policy row's version counter moves only
from that number (a conditional UPDATE, so two saves based on the same version cannot both
succeed, whichever database): the loser gets `VersionConflict` and nothing is written.
That check lives here only; the API, the pages and the editor pass the number on.

The profile a text is checked under is a fact of its version (with the worst finding and
size that check gives), so changing a policy's profile saves a new version of the same
text, checked under the new profile.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.http import Http404
from django.utils import timezone

from catalog.snapshot import catalog_snapshot
from scpstudio.engine.profiles import get_profile
from scpstudio.engine.validate import validate_policy
from scpstudio.policies.models import Policy, PolicyShare, PolicyVersion, WorstSeverity
from scpstudio.policies.rules import (
    NAME_MAX,
    PolicyInputError,
    clean_description,
    clean_document,
    clean_message,
    clean_name,
    clean_profile,
)
from scpstudio.policies.selectors import NOT_FOUND
from scpstudio.policies.usage import PolicyInUse, policy_uses
from scpstudio.refusals import Refusal


class VersionConflict(Refusal):
    """The save was based on a version that is no longer the latest."""

    status_code = 409

    def __init__(self, base_version: int, current_version: int) -> None:
        self.base_version = base_version
        self.current_version = current_version
        super().__init__(
            f"This policy changed since version {base_version}: it is now at version "
            f"{current_version}. Compare with the latest version, then save again.",
            "base_version",
        )

    def body(self) -> dict[str, Any]:
        return {
            "error": self.message,
            "base_version": self.base_version,
            "current_version": self.current_version,
        }


@dataclass(frozen=True, slots=True)
class Assessment:
    """What the engine says about a document: its worst finding and its size."""

    worst_severity: str
    size: int
    minified_size: int | None


def assess_document(document: str, profile: str) -> Assessment:
    result = validate_policy(document, catalog_snapshot(), profile)
    worst = max(result.findings, key=lambda f: f.severity.rank, default=None)
    return Assessment(
        worst.severity.value if worst is not None else WorstSeverity.NONE.value,
        result.size.characters,
        result.size.minified_characters,
    )


# -- create, save, restore -------------------------------------------------------------------


def create_policy(
    *,
    owner: Any,
    name: Any,
    document: Any,
    description: Any = "",
    profile: Any = "scp",
    message: Any = "",
) -> Policy:
    """A new policy of `owner` with `document` as its version 1."""
    name = clean_name(name)
    description = clean_description(description)
    profile = clean_profile(profile)
    document = clean_document(document)
    message = clean_message(message)
    if not owner.is_authenticated:
        raise PermissionDenied("Sign in to save policies.")
    found = assess_document(document, profile)
    now = timezone.now()
    with transaction.atomic():
        _check_name_free(owner, name)
        try:
            with transaction.atomic():
                policy = Policy.objects.create(
                    owner=owner,
                    name=name,
                    description=description,
                    profile=profile,
                    latest_version=1,
                    created_at=now,
                    updated_at=now,
                )
        except IntegrityError as exc:  # the same name saved a moment ago
            raise _name_taken(owner, name) from exc
        _write_version(policy, 1, owner, document, profile, found, message, now)
    return policy


def save_version(
    *,
    user: Any,
    policy: Policy,
    document: Any,
    base_version: Any,
    message: Any = "",
    name: Any = None,
    description: Any = None,
    profile: Any = None,
) -> PolicyVersion:
    """A new version of `policy`, if `base_version` is still its latest version; otherwise
    `VersionConflict` and nothing changes. Name, description and profile change with it
    when given."""
    base = base_version_number(base_version)
    document = clean_document(document)
    message = clean_message(message)
    changes: dict[str, Any] = {}
    if name is not None:
        changes["name"] = clean_name(name)
    if description is not None:
        changes["description"] = clean_description(description)
    if profile is not None:
        changes["profile"] = clean_profile(profile)
    new_profile = changes.get("profile", policy.profile)
    found = assess_document(document, new_profile)
    now = timezone.now()
    with transaction.atomic():
        if "name" in changes and changes["name"] != policy.name:
            _check_name_free(policy.owner, changes["name"], exclude=policy.pk, actor=user)
        try:
            with transaction.atomic():
                moved = Policy.objects.filter(pk=policy.pk, latest_version=base).update(
                    latest_version=base + 1, updated_at=now, **changes
                )
        except IntegrityError as exc:
            raise _name_taken(policy.owner, changes.get("name", ""), user) from exc
        if not moved:
            raise VersionConflict(base, _current_version(policy))
        version = _write_version(policy, base + 1, user, document, new_profile, found, message, now)
    _refresh(policy)
    return version


def restore_version(
    *,
    user: Any,
    policy: Policy,
    number: Any,
    base_version: Any = None,
    message: Any = None,
) -> PolicyVersion:
    """A new version holding the document of version `number`. Based on `base_version`
    when given (a conflict if it is stale), else on the latest version at this moment."""
    old = PolicyVersion.objects.filter(policy=policy, number=_whole(number)).first()
    if old is None:
        raise Http404(f"This policy has no version {str(number)[:20]}.")
    if base_version is None:
        base_version = _current_version(policy)
    return save_version(
        user=user,
        policy=policy,
        document=old.document,
        base_version=base_version,
        message=f"Restored version {old.number}" if message is None else message,
    )


# -- name, copy, delete ----------------------------------------------------------------------


def update_policy_details(
    *,
    user: Any,
    policy: Policy,
    name: Any = None,
    description: Any = None,
    profile: Any = None,
    base_version: Any = None,
    message: Any = None,
) -> Policy:
    """Rename or describe the policy, or change its profile. Name and description are the
    policy's own; a new profile is a new version of the latest text, checked under it
    (`message`, by default "Profile changed to ..."). With `base_version`, nothing changes
    unless it is still the latest version (`VersionConflict`)."""
    changes: dict[str, Any] = {}
    if name is not None:
        changes["name"] = clean_name(name)
    if description is not None:
        changes["description"] = clean_description(description)
    new_profile = clean_profile(profile) if profile is not None else policy.profile
    base = base_version_number(base_version) if base_version is not None else None
    note = clean_message(message)
    if note and new_profile == policy.profile:  # it would be lost: no version is saved
        raise PolicyInputError(
            "A message describes a new version: send it with a document or a new profile.",
            "message",
        )
    if new_profile != policy.profile:
        base = _current_version(policy) if base is None else base
        latest = PolicyVersion.objects.filter(policy=policy, number=base).first()
        if latest is None:
            raise VersionConflict(base, _current_version(policy))
        save_version(
            user=user,
            policy=policy,
            document=latest.document,
            base_version=base,
            message=note or f"Profile changed to {get_profile(new_profile).label}",
            profile=new_profile,
            **changes,
        )
        return policy
    if not changes:
        if base is not None and base != _current_version(policy):
            raise VersionConflict(base, _current_version(policy))
        return policy
    same_base = {"latest_version": base} if base is not None else {}
    with transaction.atomic():
        if "name" in changes and changes["name"] != policy.name:
            _check_name_free(policy.owner, changes["name"], exclude=policy.pk, actor=user)
        try:
            with transaction.atomic():
                moved = Policy.objects.filter(pk=policy.pk, **same_base).update(
                    updated_at=timezone.now(), **changes
                )
        except IntegrityError as exc:
            raise _name_taken(policy.owner, changes.get("name", ""), user) from exc
        if not moved:
            raise VersionConflict(base or 0, _current_version(policy))
    _refresh(policy)
    return policy


def rename_policy(*, user: Any, policy: Policy, name: Any) -> Policy:
    return update_policy_details(user=user, policy=policy, name=name)


def duplicate_policy(*, user: Any, policy: Policy, name: Any = None) -> Policy:
    """A new policy of `user` holding the latest document: named `name`, or "Copy of ..."
    (shortened to fit, numbered when taken)."""
    latest = PolicyVersion.objects.get(policy=policy, number=policy.latest_version)
    if name is None:
        taken = set(Policy.objects.filter(owner=user).values_list("name", flat=True))
        name = copy_name(policy.name, taken)
    return create_policy(
        owner=user,
        name=name,
        description=policy.description,
        profile=policy.profile,
        document=latest.document,
        message=f"Copied from {policy.name} version {latest.number}",
    )


def copy_name(name: str, taken: set[str]) -> str:
    """ "Copy of <name>", then "Copy of <name> 2", 3, ...: the first free one that keeps
    to the name rule (at most 64 characters, no space at either end)."""
    for n in range(1, len(taken) + 2):
        suffix = "" if n == 1 else f" {n}"
        stem = f"Copy of {name}"[: NAME_MAX - len(suffix)].rstrip(" ")
        candidate = stem + suffix
        if candidate not in taken:
            return candidate
    raise AssertionError("unreachable: one of len(taken) + 1 names is free")


def delete_policy(*, user: Any, policy: Policy) -> None:
    """The policy, every version and every share of it (the caller asked for its owner).
    A policy in use (attached in the organization) is refused with where (`PolicyInUse`)."""
    uses = policy_uses(policy)
    if uses:
        raise PolicyInUse(policy.name, uses)
    try:
        policy.delete()
    except ProtectedError as exc:  # attached meanwhile
        raise PolicyInUse(policy.name, policy_uses(policy)) from exc


# -- shares ----------------------------------------------------------------------------------


def share_policy(
    *, user: Any, policy: Policy, with_user: Any, can_edit: bool = False
) -> PolicyShare:
    """Let `with_user` (a user or a username) read the policy, and save versions of it
    with `can_edit`. Sharing again changes the access (the caller asked for its owner)."""
    other = _user(with_user)
    if other.pk == policy.owner_id:
        raise PolicyInputError("The owner can always read and change their own policy.", "user")
    share, _ = PolicyShare.objects.update_or_create(
        policy=policy, user=other, defaults={"can_edit": bool(can_edit)}
    )
    return share


def unshare_policy(*, user: Any, policy: Policy, with_user: Any) -> None:
    PolicyShare.objects.filter(policy=policy, user=_user(with_user)).delete()


# -- helpers ---------------------------------------------------------------------------------


def _write_version(
    policy: Policy,
    number: int,
    author: Any,
    document: str,
    profile: str,
    found: Assessment,
    message: str,
    now: Any,
) -> PolicyVersion:
    return PolicyVersion.objects.create(
        policy=policy,
        number=number,
        author=author if author is not None and author.is_authenticated else None,
        created_at=now,
        message=message,
        document=document,
        profile=profile,
        worst_severity=found.worst_severity,
        size=found.size,
        minified_size=found.minified_size,
    )


def _current_version(policy: Policy) -> int:
    """The policy's latest version number in the database now; Http404 once it is gone."""
    current = Policy.objects.filter(pk=policy.pk).values_list("latest_version", flat=True)
    if not current:
        raise Http404(NOT_FOUND)
    return current[0]


def _check_name_free(owner: Any, name: str, exclude: int | None = None, actor: Any = None) -> None:
    others = Policy.objects.filter(owner=owner, name=name)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    if others.exists():
        raise _name_taken(owner, name, actor)


def _name_taken(owner: Any, name: str, actor: Any = None) -> PolicyInputError:
    whose = "You already have" if actor is None or actor.pk == owner.pk else "Its owner already has"
    return PolicyInputError(f'{whose} a policy named "{name}"; choose another name.', "name")


def base_version_number(value: Any) -> int:
    """`base_version` as sent, checked: a version number, or PolicyInputError."""
    number = _whole(value)
    if number is None:
        raise PolicyInputError(
            "base_version must be the number of the version you started from (1 or more).",
            "base_version",
        )
    return number


def _whole(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**31:
        return None
    return value


def _user(value: Any) -> Any:
    users = get_user_model()
    if isinstance(value, users):
        return value
    # no username holds NUL, and PostgreSQL refuses to compare with one
    known = isinstance(value, str) and "\x00" not in value
    found = users.objects.filter(username=value).first() if known else None
    if found is None:
        raise PolicyInputError("There is no user with that name.", "user")
    return found


def _refresh(policy: Policy) -> None:
    """Bring the caller's object up to date with the row written above."""
    fresh = Policy.objects.get(pk=policy.pk)
    for field in (
        "name",
        "description",
        "profile",
        "latest_version",
        "updated_at",
    ):
        setattr(policy, field, getattr(fresh, field))
