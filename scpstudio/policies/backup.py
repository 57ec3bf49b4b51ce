"""Back up the policy library to one JSON file and restore it (`export_data`, `import_data`).

The file (format in `backup_format.py`, documented in docs/backup.md) holds every policy
with every version byte for byte, its shares, and the users they name; password hashes only
when asked. It names users by username and never holds a database id, and everything in it
is sorted by name, so exporting what an import restored gives the same bytes again, on
either database.

An import writes all of a file or nothing (one transaction). Into an empty library it
restores everything; into one that holds users or policies it is refused unless merging:
a user whose username exists is that user (left as they are), and a policy whose owner
already has one of that name is skipped whole (its versions and shares too), so that
importing the same file twice changes nothing the second time.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Prefetch

from scpstudio.policies.backup_format import (
    FORMAT,
    USER_FIELDS,
    VERSION,
    Backup,
    BackupError,
    PolicyRecord,
    UserRecord,
    timestamp,
)
from scpstudio.policies.models import Policy, PolicyShare, PolicyVersion

# Rows fetched or written per query: memory stays bounded whatever the library's size.
CHUNK = 200


class BackupRefused(BackupError):
    """The database is not empty and the import was not asked to merge."""


# -- export ----------------------------------------------------------------------------------


def backup_export(
    *, write: Callable[[str], Any], with_password_hashes: bool = False
) -> dict[str, int]:
    """Write the whole library to `write` piece by piece; returns the counts written.

    Read in one transaction that sees a single moment of the database (PostgreSQL's
    repeatable read; SQLite's read transaction is one already), so a save made meanwhile is
    either wholly in the file or not at all.
    """
    counts = {"users": 0, "policies": 0, "versions": 0, "shares": 0}
    with _one_moment():
        write(
            "{\n"
            f'  "format": "{FORMAT}",\n'
            f'  "version": {VERSION},\n'
            f'  "password_hashes": {json.dumps(with_password_hashes)},\n'
        )
        _write_list(write, "users", _users(with_password_hashes, counts))
        write(",\n")
        _write_list(write, "policies", _policies(counts))
        write(f',\n  "counts": {json.dumps(counts)}\n}}\n')
    return counts


@contextmanager
def _one_moment() -> Iterator[None]:
    """A read-only transaction: every query inside sees the database as it was at its first.

    On SQLite a plain (deferred) BEGIN, rather than Django's atomic(), which may be set to
    take the write lock at once (transaction_mode IMMEDIATE) and would then hold back every
    save for as long as the export runs. Inside another transaction: that one's view.
    """
    if connection.in_atomic_block:
        yield
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
            try:
                yield
            finally:
                cursor.execute("COMMIT")  # nothing was written: this only ends the read
    else:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            yield


def _write_list(write: Callable[[str], Any], name: str, items: Iterator[dict[str, Any]]) -> None:
    write(f'  "{name}": [')
    first = True
    for item in items:
        text = json.dumps(item, indent=2, ensure_ascii=True)
        write(("\n" if first else ",\n") + "\n".join("    " + line for line in text.split("\n")))
        first = False
    write("]" if first else "\n  ]")


def _users(with_hashes: bool, counts: dict[str, int]) -> Iterator[dict[str, Any]]:
    # Sorted here rather than by the database, whose collation differs between engines.
    fields = list(USER_FIELDS) + (["password"] if with_hashes else [])
    for user in sorted(get_user_model().objects.values(*fields), key=lambda u: u["username"]):
        user["date_joined"] = timestamp(user["date_joined"])
        counts["users"] += 1
        yield user


def _policies(counts: dict[str, int]) -> Iterator[dict[str, Any]]:
    order = sorted(
        Policy.objects.values_list("owner__username", "name", "pk"), key=lambda p: (p[0], p[1])
    )
    ids = [pk for _, _, pk in order]
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        rows = (
            Policy.objects.filter(pk__in=chunk)
            .select_related("owner")
            .prefetch_related(
                Prefetch(
                    "versions",
                    queryset=PolicyVersion.objects.select_related("author").order_by("number"),
                ),
                Prefetch("shares", queryset=PolicyShare.objects.select_related("user")),
            )
        )
        found = {policy.pk: policy for policy in rows}
        for pk in chunk:
            policy = found.get(pk)
            if policy is not None:  # None: deleted since the list above (not in PostgreSQL's RR)
                counts["policies"] += 1
                counts["versions"] += len(policy.versions.all())
                counts["shares"] += len(policy.shares.all())
                yield _policy_json(policy)


def _policy_json(policy: Policy) -> dict[str, Any]:
    return {
        "owner": policy.owner.username,
        "name": policy.name,
        "description": policy.description,
        "profile": policy.profile,
        "created_at": timestamp(policy.created_at),
        "updated_at": timestamp(policy.updated_at),
        "versions": [
            {
                "number": v.number,
                "author": None if v.author is None else v.author.username,
                "created_at": timestamp(v.created_at),
                "message": v.message,
                "profile": v.profile,
                "worst_severity": v.worst_severity,
                "size": v.size,
                "minified_size": v.minified_size,
                "document": v.document,
            }
            for v in policy.versions.all()
        ],
        "shares": [
            {"user": s.user.username, "can_edit": s.can_edit, "created_at": timestamp(s.created_at)}
            for s in sorted(policy.shares.all(), key=lambda s: s.user.username)
        ],
    }


# -- import ----------------------------------------------------------------------------------


@dataclass(slots=True)
class ImportReport:
    """What an import wrote (or, in a dry run, would write)."""

    dry_run: bool
    users_created: list[str] = field(default_factory=list)
    users_kept: list[str] = field(default_factory=list)
    users_without_password: list[str] = field(default_factory=list)
    policies_created: list[str] = field(default_factory=list)
    policies_skipped: list[str] = field(default_factory=list)
    versions_created: int = 0
    shares_created: int = 0


def backup_import(*, backup: Backup, merge: bool = False, dry_run: bool = False) -> ImportReport:
    """Restore `backup` in one transaction (see the module's docstring for what a merge
    does); a dry run decides the same and writes nothing. BackupRefused when the database
    holds users or policies and `merge` is false."""
    users = get_user_model()
    report = ImportReport(dry_run=dry_run)
    try:
        with transaction.atomic():
            if not merge:
                _require_empty(users)
            existing = _existing_users(users, [u.username for u in backup.users])
            fresh = [u for u in backup.users if u.username not in existing]
            report.users_created = [u.username for u in fresh]
            report.users_kept = sorted(existing)
            report.users_without_password = [u.username for u in fresh if u.password is None]
            taken = _taken_names(existing, backup.policies)
            wanted = [p for p in backup.policies if (p.owner, p.name) not in taken]
            report.policies_skipped = [
                p.label for p in backup.policies if (p.owner, p.name) in taken
            ]
            report.policies_created = [p.label for p in wanted]
            report.versions_created = sum(len(p.versions) for p in wanted)
            report.shares_created = sum(len(p.shares) for p in wanted)
            if dry_run:
                return report
            ids = dict(existing)
            ids.update(_create_users(users, fresh))
            for record in wanted:
                _create_policy(record, ids)
    except IntegrityError as exc:  # a user or policy made by someone else meanwhile
        raise BackupError(
            f"The database changed during the import ({exc}); nothing was written: run it again."
        ) from exc
    except DatabaseError as exc:
        raise BackupError(f"The database refused the import ({exc}); nothing was written.") from exc
    return report


def _require_empty(users: Any) -> None:
    people, policies = users.objects.count(), Policy.objects.count()
    if people or policies:
        raise BackupRefused(
            f"The database already holds {people} user(s) and {policies} policy(ies): "
            "import_data restores into an empty database. Add --merge to add the backup to "
            "what is there (a username that exists is that user; a policy whose owner "
            "already has one of that name is skipped); --merge --dry-run says what it would do."
        )


def _existing_users(users: Any, usernames: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(usernames), CHUNK):
        chunk = usernames[start : start + CHUNK]
        found.update(users.objects.filter(username__in=chunk).values_list("username", "pk"))
    return found


def _taken_names(
    existing: dict[str, int], policies: tuple[PolicyRecord, ...]
) -> set[tuple[str, str]]:
    """(owner, name) of the file's policies that an existing user already has."""
    by_id = {pk: username for username, pk in existing.items()}
    owners = sorted({existing[p.owner] for p in policies if p.owner in existing})
    taken: set[tuple[str, str]] = set()
    for start in range(0, len(owners), CHUNK):
        rows = Policy.objects.filter(owner_id__in=owners[start : start + CHUNK])
        taken.update((by_id[owner], name) for owner, name in rows.values_list("owner_id", "name"))
    return taken


def _create_users(users: Any, records: list[UserRecord]) -> dict[str, int]:
    made = [
        users(
            username=r.username,
            first_name=r.first_name,
            last_name=r.last_name,
            email=r.email,
            is_staff=r.is_staff,
            is_superuser=r.is_superuser,
            is_active=r.is_active,
            date_joined=r.date_joined,
            # No hash in the file: an unusable password, until an administrator sets one.
            password=r.password if r.password is not None else make_password(None),
        )
        for r in records
    ]
    users.objects.bulk_create(made, batch_size=CHUNK)
    return _existing_users(users, [r.username for r in records])


def _create_policy(record: PolicyRecord, ids: dict[str, int]) -> None:
    latest = record.versions[-1]
    # a policy's worst finding and size are its latest version's (read from there)
    policy = Policy.objects.create(
        owner_id=ids[record.owner],
        name=record.name,
        description=record.description,
        profile=record.profile,
        latest_version=latest.number,
        created_at=record.created_at,
        updated_at=record.updated_at,
    )
    PolicyVersion.objects.bulk_create(
        (
            PolicyVersion(
                policy=policy,
                number=v.number,
                author_id=None if v.author is None else ids[v.author],
                created_at=v.created_at,
                message=v.message,
                document=v.document,
                profile=v.profile,
                worst_severity=v.worst_severity,
                size=v.size,
                minified_size=v.minified_size,
            )
            for v in record.versions
        ),
        batch_size=CHUNK,
    )
    PolicyShare.objects.bulk_create(
        PolicyShare(
            policy=policy, user_id=ids[s.user], can_edit=s.can_edit, created_at=s.created_at
        )
        for s in record.shares
    )
