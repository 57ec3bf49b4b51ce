"""`manage.py import_data FILE [--merge] [--dry-run]`: restore a backup written by export_data.

Exit status 0 when imported (or, with --dry-run, when it would be), 2 when the file cannot
be read or imported (a sentence on standard error says why; nothing is written).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from scpstudio.policies.backup import ImportReport, backup_import
from scpstudio.policies.backup_format import MAX_BACKUP_MB, BackupError, decode_backup

LISTED = 20  # names shown of each kind; the count says the rest


class Command(BaseCommand):
    help = (
        "Restore a backup written by export_data, in one transaction (all or nothing). The "
        "database must hold no users and no policies, unless --merge: then a username that "
        "exists is that user (left unchanged) and a policy whose owner already has one of "
        "that name is skipped with its versions and shares. Users imported without a "
        "password hash get an unusable password. See docs/backup.md."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", metavar="FILE", help="a backup file; - for standard input")
        parser.add_argument("--merge", action="store_true", help="add to a non-empty database")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="say what would be created or skipped; write nothing",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["file"]
        try:
            backup = decode_backup(_read(name))
            report = backup_import(
                backup=backup, merge=options["merge"], dry_run=options["dry_run"]
            )
        except BackupError as exc:
            raise CommandError(f"{exc.message} Nothing was imported.", returncode=2) from exc
        self.stdout.write("\n".join(_lines(report)))


def _read(name: str) -> bytes:
    """The file's bytes, refused before reading when past the limit."""
    limit = MAX_BACKUP_MB * 1024 * 1024
    shown = name if name.isprintable() else repr(name)
    try:
        if "\x00" in name:
            raise BackupError(f"Cannot read {shown}: it is not a file name.")
        if name == "-":
            data: bytes = sys.stdin.buffer.read(limit + 1)
        else:
            path = Path(name)
            if not path.is_file():  # a directory or a device could block or never end
                raise BackupError(
                    f"Cannot read {shown}: "
                    + ("it is not a regular file." if path.exists() else "no such file.")
                )
            if path.stat().st_size > limit:
                raise BackupError(f"Cannot read {shown}: it is larger than {MAX_BACKUP_MB} MB.")
            with path.open("rb") as fh:
                data = fh.read(limit + 1)
    except BackupError:
        raise
    except OSError as exc:
        raise BackupError(f"Cannot read {shown}: {exc.strerror or exc}.") from exc
    return data


def _lines(report: ImportReport) -> list[str]:
    verb = "Would create" if report.dry_run else "Created"
    lines = [
        f"{verb} {len(report.users_created)} user(s), {len(report.policies_created)} policy(ies), "
        f"{report.versions_created} version(s) and {report.shares_created} share(s)."
    ]
    if report.users_kept:
        lines.append(
            f"Kept {len(report.users_kept)} existing user(s) as they are (same username): "
            + _names(report.users_kept)
        )
    if report.policies_skipped:
        lines.append(
            f"Skipped {len(report.policies_skipped)} policy(ies) whose owner already has one of "
            "that name (nothing of them imported): " + _names(report.policies_skipped)
        )
    if report.users_without_password:
        lines.append(
            f"{len(report.users_without_password)} user(s) "
            + ("would have" if report.dry_run else "have")
            + " no password (the backup holds no hashes): they cannot log in until one is "
            "set with `manage.py changepassword USERNAME` or in the admin: "
            + _names(report.users_without_password)
        )
    if report.dry_run:
        lines.append("Dry run: nothing was written.")
    return lines


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:LISTED])
    more = len(names) - LISTED
    return shown + (f" and {more} more." if more > 0 else ".")
