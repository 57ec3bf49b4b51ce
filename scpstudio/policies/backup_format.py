"""The backup file of the policy library, read and checked whole before anything is written.

Format `scpstudio-backup`, version 1 (docs/backup.md describes it field by field): one JSON
object holding the users (by username: no database id appears anywhere, so a file restores
into any database) and the policies, each with its versions and its shares. Every field is
checked here, with the place it was found (`policies[3].versions[1].number`), so that an
import either writes all of a file or none of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, identify_hasher
from django.core.exceptions import ValidationError

from catalog.importers.json_text import JsonTextError, load_json
from scpstudio.policies.models import WorstSeverity
from scpstudio.policies.rules import (
    PolicyInputError,
    clean_description,
    clean_document,
    clean_message,
    clean_name,
    clean_profile,
)

FORMAT = "scpstudio-backup"
VERSION = 1
# A backup of thousands of policies with long histories fits; a bigger file is refused
# before it is decoded (decoding takes several times its size in memory).
MAX_BACKUP_MB = 256
# root > policies > policy > versions > version: 5 levels.
MAX_DEPTH = 8
USER_FIELDS = (
    "username",
    "first_name",
    "last_name",
    "email",
    "is_staff",
    "is_superuser",
    "is_active",
    "date_joined",
)
_SURROGATE = re.compile("[\ud800-\udfff]")
_SEVERITIES = {choice.value for choice in WorstSeverity}


class BackupError(ValueError):
    """A backup that cannot be imported: a sentence naming the place."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class UserRecord:
    username: str
    first_name: str
    last_name: str
    email: str
    is_staff: bool
    is_superuser: bool
    is_active: bool
    date_joined: datetime
    password: str | None  # a hash, only in files written with --with-password-hashes


@dataclass(frozen=True, slots=True)
class VersionRecord:
    number: int
    author: str | None
    created_at: datetime
    message: str
    profile: str
    worst_severity: str
    size: int
    minified_size: int | None
    document: str


@dataclass(frozen=True, slots=True)
class ShareRecord:
    user: str
    can_edit: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class PolicyRecord:
    owner: str
    name: str
    description: str
    profile: str
    created_at: datetime
    updated_at: datetime
    versions: tuple[VersionRecord, ...]
    shares: tuple[ShareRecord, ...]

    @property
    def label(self) -> str:
        return f"{self.owner}/{self.name}"


@dataclass(frozen=True, slots=True)
class Backup:
    password_hashes: bool
    users: tuple[UserRecord, ...]
    policies: tuple[PolicyRecord, ...]

    @property
    def version_count(self) -> int:
        return sum(len(p.versions) for p in self.policies)

    @property
    def share_count(self) -> int:
        return sum(len(p.shares) for p in self.policies)


# -- writing ---------------------------------------------------------------------------------


def timestamp(value: datetime) -> str:
    """One spelling for every time: UTC, microseconds always written."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# -- reading ---------------------------------------------------------------------------------


def decode_backup(data: bytes) -> Backup:
    """The backup in `data`, checked whole; BackupError with a sentence otherwise."""
    if len(data) > MAX_BACKUP_MB * 1024 * 1024:
        raise BackupError(f"The file is larger than {MAX_BACKUP_MB} MB, the most a backup holds.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BackupError(
            f"The file is not UTF-8 text (byte {exc.start} cannot be read): "
            "a backup is the JSON file export_data writes."
        ) from exc
    if not text.strip():
        raise BackupError("The file is empty: a backup is the JSON file export_data writes.")
    try:
        root = load_json(text, max_depth=MAX_DEPTH, depth_hint="; a backup needs 5")
    except JsonTextError as exc:
        where = f" (line {exc.line})" if exc.line else ""
        raise BackupError(f"The file is not JSON: {exc.message}{where}.") from exc
    return read_backup(root)


def read_backup(root: Any) -> Backup:
    if not isinstance(root, dict) or root.get("format") != FORMAT:
        raise BackupError(
            f'This is not an SCP Studio backup: its "format" must be "{FORMAT}" '
            "(export_data writes one)."
        )
    version = root.get("version")
    if version != VERSION or isinstance(version, bool):
        raise BackupError(
            f"This backup is format version {_shown(version)}; this SCP Studio reads "
            f"version {VERSION}."
        )
    fields = _fields(
        root, "the backup", ("format", "version", "password_hashes", "counts", "users", "policies")
    )
    hashes = _bool(fields["password_hashes"], "password_hashes")
    users = tuple(
        _user(item, f"users[{i}]", hashes) for i, item in enumerate(_list(fields["users"], "users"))
    )
    known = _unique([u.username for u in users], "users", "username")
    policies = tuple(
        _policy(item, f"policies[{i}]", known)
        for i, item in enumerate(_list(fields["policies"], "policies"))
    )
    _unique([p.label for p in policies], "policies", "owner and name")
    backup = Backup(hashes, users, policies)
    _check_counts(fields["counts"], backup)
    return backup


def counts_of(backup: Backup) -> dict[str, int]:
    return {
        "users": len(backup.users),
        "policies": len(backup.policies),
        "versions": backup.version_count,
        "shares": backup.share_count,
    }


def _check_counts(value: Any, backup: Backup) -> None:
    """The counts written at the top catch a file cut short or edited by hand."""
    expected = _fields(
        _object(value, "counts"), "counts", ("users", "policies", "versions", "shares")
    )
    found = counts_of(backup)
    for key, number in found.items():
        if expected[key] != number or isinstance(expected[key], bool):
            raise BackupError(
                f"counts.{key} says {_shown(expected[key])} but the file holds {number} {key}: "
                "it was cut short or edited."
            )


def _user(item: Any, place: str, hashes: bool) -> UserRecord:
    names = USER_FIELDS + ("password",) if hashes else USER_FIELDS
    f = _fields(_object(item, place), place, names)
    model = get_user_model()
    username = _text(f["username"], f"{place}.username", model._meta.get_field("username"))
    if not username:
        raise BackupError(f"{place}.username is empty.")
    return UserRecord(
        username=username,
        first_name=_text(
            f["first_name"], f"{place}.first_name", model._meta.get_field("first_name")
        ),
        last_name=_text(f["last_name"], f"{place}.last_name", model._meta.get_field("last_name")),
        email=_text(f["email"], f"{place}.email", model._meta.get_field("email"), validate=False),
        is_staff=_bool(f["is_staff"], f"{place}.is_staff"),
        is_superuser=_bool(f["is_superuser"], f"{place}.is_superuser"),
        is_active=_bool(f["is_active"], f"{place}.is_active"),
        date_joined=_time(f["date_joined"], f"{place}.date_joined"),
        password=_password(f["password"], f"{place}.password") if hashes else None,
    )


def _policy(item: Any, place: str, users: set[str]) -> PolicyRecord:
    f = _fields(
        _object(item, place),
        place,
        (
            "owner",
            "name",
            "description",
            "profile",
            "created_at",
            "updated_at",
            "versions",
            "shares",
        ),
    )
    owner = _username(f["owner"], f"{place}.owner", users, nullable=False)
    assert owner is not None
    name = _rule(clean_name, f["name"], f"{place}.name")
    versions = tuple(
        _version(v, f"{place}.versions[{i}]", users)
        for i, v in enumerate(_list(f["versions"], f"{place}.versions"))
    )
    if not versions:
        raise BackupError(f"{place}.versions is empty: a saved policy has version 1 at least.")
    for expected, version in enumerate(versions, start=1):
        if version.number != expected:
            raise BackupError(
                f"{place}.versions go {', '.join(str(v.number) for v in versions[:expected])}: "
                f"a policy's versions are numbered 1, 2, 3... in order, so version {expected} "
                "is missing or out of place."
            )
    shares = tuple(
        _share(s, f"{place}.shares[{i}]", users, owner)
        for i, s in enumerate(_list(f["shares"], f"{place}.shares"))
    )
    _unique([s.user for s in shares], f"{place}.shares", "user")
    return PolicyRecord(
        owner=owner,
        name=name,
        description=_rule(clean_description, f["description"], f"{place}.description"),
        profile=_rule(clean_profile, f["profile"], f"{place}.profile"),
        created_at=_time(f["created_at"], f"{place}.created_at"),
        updated_at=_time(f["updated_at"], f"{place}.updated_at"),
        versions=versions,
        shares=shares,
    )


def _version(item: Any, place: str, users: set[str]) -> VersionRecord:
    f = _fields(
        _object(item, place),
        place,
        (
            "number",
            "author",
            "created_at",
            "message",
            "profile",
            "worst_severity",
            "size",
            "minified_size",
            "document",
        ),
    )
    severity = f["worst_severity"]
    if not isinstance(severity, str) or severity not in _SEVERITIES:
        raise BackupError(
            f"{place}.worst_severity must be one of: "
            f"{', '.join(repr(s) for s in sorted(_SEVERITIES))}."
        )
    minified = f["minified_size"]
    return VersionRecord(
        number=_count(f["number"], f"{place}.number", least=1),
        author=_username(f["author"], f"{place}.author", users, nullable=True),
        created_at=_time(f["created_at"], f"{place}.created_at"),
        message=_rule(clean_message, f["message"], f"{place}.message"),
        profile=_rule(clean_profile, f["profile"], f"{place}.profile"),
        worst_severity=severity,
        size=_count(f["size"], f"{place}.size"),
        minified_size=None if minified is None else _count(minified, f"{place}.minified_size"),
        document=_rule(clean_document, f["document"], f"{place}.document"),
    )


def _share(item: Any, place: str, users: set[str], owner: str) -> ShareRecord:
    f = _fields(_object(item, place), place, ("user", "can_edit", "created_at"))
    user = _username(f["user"], f"{place}.user", users, nullable=False)
    assert user is not None
    if user == owner:
        raise BackupError(f"{place}.user is the policy's owner, who needs no share.")
    return ShareRecord(
        user=user,
        can_edit=_bool(f["can_edit"], f"{place}.can_edit"),
        created_at=_time(f["created_at"], f"{place}.created_at"),
    )


# -- one value -------------------------------------------------------------------------------


def _object(value: Any, place: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BackupError(f"{place} must be an object.")
    return value


def _list(value: Any, place: str) -> list[Any]:
    if not isinstance(value, list):
        raise BackupError(f"{place} must be an array.")
    return value


def _fields(value: dict[str, Any], place: str, names: tuple[str, ...]) -> dict[str, Any]:
    """Exactly these fields: one missing or one unknown is a file this version did not write."""
    for name in names:
        if name not in value:
            raise BackupError(f'{place} has no "{name}".')
    for name in value:
        if name not in names:
            raise BackupError(
                f"{place} has a field {_shown(name)} that format version {VERSION} does "
                "not have: nothing would keep it."
            )
    return value


def _bool(value: Any, place: str) -> bool:
    if not isinstance(value, bool):
        raise BackupError(f"{place} must be true or false.")
    return value


def _count(value: Any, place: str, least: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not least <= value < 2**31:
        raise BackupError(f"{place} must be a whole number from {least}.")
    return value


def _time(value: Any, place: str) -> datetime:
    if isinstance(value, str) and len(value) <= 40:
        try:
            moment = datetime.fromisoformat(value)
            if moment.tzinfo is not None:
                return moment.astimezone(UTC)  # year 1 at +01:00 is before year 1 in UTC
        except (ValueError, OverflowError):
            pass
    raise BackupError(f"{place} must be a time like 2025-01-31T09:30:00.000000Z.")


def _storable(value: str, place: str) -> None:
    if "\x00" in value or _SURROGATE.search(value):
        raise BackupError(f"{place} holds a NUL or a lone surrogate, which cannot be stored.")


def _text(value: Any, place: str, field: Any, validate: bool = True) -> str:
    """A user field as the user model stores it (length, and the username's characters)."""
    if not isinstance(value, str):
        raise BackupError(f"{place} must be text.")
    if len(value) > field.max_length:
        raise BackupError(f"{place} has {len(value):,} characters; at most {field.max_length} fit.")
    _storable(value, place)
    if validate:
        try:
            field.run_validators(value)
        except ValidationError as exc:
            raise BackupError(f"{place}: {' '.join(exc.messages)}") from exc
    return value


def _username(value: Any, place: str, users: set[str], *, nullable: bool) -> str | None:
    if value is None and nullable:
        return None
    if not isinstance(value, str) or value not in users:
        raise BackupError(f"{place} names {_shown(value)}, who is not among the backup's users.")
    return value


def _password(value: Any, place: str) -> str:
    if not isinstance(value, str) or not value or len(value) > 128:
        raise BackupError(f"{place} must be a password hash of at most 128 characters.")
    if value.startswith(UNUSABLE_PASSWORD_PREFIX):
        return value
    try:
        identify_hasher(value)
    except ValueError as exc:
        raise BackupError(
            f"{place} is not a password hash this server knows (see PASSWORD_HASHERS)."
        ) from exc
    return value


def _rule(clean: Any, value: Any, place: str) -> Any:
    """A library field checked by the rule every save uses (rules.py)."""
    try:
        return clean(value)
    except PolicyInputError as exc:
        raise BackupError(f"{place}: {exc.message}") from exc


def _unique(values: list[str], place: str, what: str) -> set[str]:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise BackupError(f"{place} holds {_shown(value)} twice: each {what} appears once.")
        seen.add(value)
    return seen


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
