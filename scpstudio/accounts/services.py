"""Writes about accounts: API tokens (made, used, revoked) and deleting a user.

Deleting a user never takes other people's work along silently: a user who owns policies
is deleted only by saying what becomes of them, `transfer_to` another user or
`delete_policies` (after a page that named them and the versions others saved in them).
Versions they saved in other people's policies stay, shown as "(deleted user)".
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from scpstudio.accounts.models import KEY_PREFIX, ApiToken, digest_of
from scpstudio.policies.models import Policy, PolicyShare
from scpstudio.policies.rules import NAME_MAX
from scpstudio.policies.usage import PolicyInUse, policy_uses

TOKENS_PER_USER = 20
TOKEN_NAME_MAX = 64
PREFIX_LENGTH = len(KEY_PREFIX) + 6  # "scp_" and six characters of the secret
# A token's last use is written at most this often: each request would otherwise write.
LAST_USED_STEP = timedelta(minutes=1)
_NOT_IN_A_POLICY_NAME = re.compile(r"[^A-Za-z0-9_\- ]")


class AccountInputError(ValueError):
    """What was asked cannot be done: a sentence, and the field it is about."""

    def __init__(self, message: str, field: str | None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


# -- tokens ----------------------------------------------------------------------------------


def token_create(*, user: Any, name: Any) -> tuple[ApiToken, str]:
    """A new token of `user` and its key: the key is returned here once and stored only
    as its digest, so it cannot be shown again."""
    name = _token_name(name)
    with transaction.atomic():
        if ApiToken.objects.filter(user=user).count() >= TOKENS_PER_USER:
            raise AccountInputError(
                f"You have {TOKENS_PER_USER} tokens, the most an account may hold: revoke "
                "one you no longer use first.",
                "name",
            )
        if ApiToken.objects.filter(user=user, name=name).exists():
            raise AccountInputError(f'You already have a token named "{name}".', "name")
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        try:
            token = ApiToken.objects.create(
                user=user, name=name, prefix=key[:PREFIX_LENGTH], key_digest=digest_of(key)
            )
        except IntegrityError as exc:  # the same name, made at the same moment
            raise AccountInputError(f'You already have a token named "{name}".', "name") from exc
    return token, key


def token_revoke(*, user: Any, token_id: Any) -> None:
    """Revoke one of `user`'s tokens: scripts using it are refused from now on."""
    deleted, _ = ApiToken.objects.filter(user=user, pk=_whole(token_id)).delete()
    if not deleted:
        raise AccountInputError("You have no such token; it may be revoked already.", None)


def token_mark_used(*, token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_STEP:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def _token_name(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise AccountInputError("Name the token after what will use it, e.g. CI lint.", "name")
    name = " ".join(value.split())
    if len(name) > TOKEN_NAME_MAX or "\x00" in name:
        raise AccountInputError(
            f"A token name has at most {TOKEN_NAME_MAX} characters (this one has {len(name)}).",
            "name",
        )
    return name


def _whole(value: Any) -> int:
    text = str(value)
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else 0


# -- deleting a user -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UserDeletion:
    """What deleting a user did, for the sentence that confirms it."""

    username: str
    transferred_to: str | None
    transferred: int
    deleted: int
    renamed: tuple[tuple[str, str], ...]  # (old name, new name) of transferred policies

    @property
    def sentence(self) -> str:
        said = f"The user {self.username} was deleted."
        if self.transferred:
            belong = "belongs" if self.transferred == 1 else "belong"
            said += f" Their {_policies(self.transferred)} now {belong} to {self.transferred_to}."
            if self.renamed:
                renames = "; ".join(f'"{old}" is now "{new}"' for old, new in self.renamed[:10])
                more = f" and {len(self.renamed) - 10} more" if len(self.renamed) > 10 else ""
                said += f" Names {self.transferred_to} already used were changed: {renames}{more}."
        if self.deleted:
            were = "was" if self.deleted == 1 else "were"
            said += f" Their {_policies(self.deleted)} {were} deleted with all their versions."
        return said


def user_delete(
    *, user: Any, transfer_to: Any = None, delete_policies: bool = False
) -> UserDeletion:
    """Delete `user`. Their policies go to `transfer_to` (names it already uses get
    " from <username>", numbered when taken; its shares of them are dropped, since it owns
    them now) or, with `delete_policies`, are deleted with all their versions. A user
    who owns policies is not deleted without one of the two."""
    if transfer_to is not None and delete_policies:
        raise AccountInputError(
            "Choose one: transfer the policies to another user, or delete them.", "transfer_to"
        )
    if transfer_to is not None and transfer_to.pk == user.pk:
        raise AccountInputError(
            "Transfer the policies to another user than the one being deleted.", "transfer_to"
        )
    username = user.get_username()
    with transaction.atomic():
        owned = list(Policy.objects.filter(owner=user).order_by("name", "id"))
        if owned and transfer_to is None and not delete_policies:
            raise AccountInputError(
                f"{username} owns {_policies(len(owned))}: transfer them to another user, or "
                "delete them.",
                "transfer_to",
            )
        renamed: list[tuple[str, str]] = []
        if transfer_to is not None and owned:
            renamed = _transfer(owned, username, transfer_to)
        elif owned:
            attached = [(p, policy_uses(p)) for p in owned]
            attached = [(p, uses) for p, uses in attached if uses]
            if attached:
                raise AccountInputError(
                    f"{username}'s {PolicyInUse(attached[0][0].name, attached[0][1]).message} "
                    "Transfer their policies instead, or detach it.",
                    "transfer_to",
                )
            try:
                Policy.objects.filter(pk__in=[p.pk for p in owned]).delete()
            except ProtectedError as exc:
                raise AccountInputError(
                    f"A policy of {username} was attached in the organization meanwhile: "
                    "look at their policies again, then choose.",
                    "transfer_to",
                ) from exc
        try:
            user.delete()
        except (ProtectedError, IntegrityError) as exc:
            raise AccountInputError(
                f"{username} saved a new policy meanwhile: look at their policies again, then "
                "choose.",
                "transfer_to",
            ) from exc
    return UserDeletion(
        username=username,
        transferred_to=transfer_to.get_username() if transfer_to is not None else None,
        transferred=len(owned) if transfer_to is not None else 0,
        deleted=len(owned) if transfer_to is None else 0,
        renamed=tuple(renamed),
    )


def _transfer(owned: list[Policy], username: str, receiver: Any) -> list[tuple[str, str]]:
    receivers = set(Policy.objects.filter(owner=receiver).values_list("name", flat=True))
    kept = [p for p in owned if p.name not in receivers]
    taken = receivers | {p.name for p in kept}
    renamed: list[tuple[str, str]] = []
    try:
        with transaction.atomic():
            for policy in owned:
                if policy.name in receivers:
                    new_name = transferred_name(policy.name, username, taken)
                    taken.add(new_name)
                    Policy.objects.filter(pk=policy.pk).update(owner=receiver, name=new_name)
                    renamed.append((policy.name, new_name))
            Policy.objects.filter(pk__in=[p.pk for p in kept]).update(owner=receiver)
    except IntegrityError as exc:  # the receiver made a policy of that name meanwhile
        raise AccountInputError(
            f"{receiver.get_username()} saved a policy meanwhile under a name being "
            "transferred: try again.",
            "transfer_to",
        ) from exc
    PolicyShare.objects.filter(policy__in=[p.pk for p in owned], user=receiver).delete()
    return renamed


def transferred_name(name: str, username: str, taken: set[str]) -> str:
    """ "<name> from <username>", then "... 2", 3, ...: the first free one that keeps to
    the policy name rule (at most 64 letters, digits, _, - and spaces)."""
    who = _NOT_IN_A_POLICY_NAME.sub("_", username)
    for n in range(1, len(taken) + 2):
        suffix = "" if n == 1 else f" {n}"
        stem = f"{name} from {who}"[: NAME_MAX - len(suffix)].rstrip(" ")
        candidate = stem + suffix
        if candidate not in taken:
            return candidate
    raise AssertionError("unreachable: one of len(taken) + 1 names is free")


def _policies(count: int) -> str:
    return f"{count} {'policy' if count == 1 else 'policies'}"
