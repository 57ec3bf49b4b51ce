"""`manage.py export_data [--output FILE] [--with-password-hashes]`: the policy library as one
backup file (docs/backup.md). Exit status 0, or 2 when the file cannot be written."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from scpstudio.policies.backup import backup_export


class Command(BaseCommand):
    help = (
        "Write every policy (all versions, byte for byte), share and user of the library as "
        "one JSON backup file (format scpstudio-backup, version 1; see docs/backup.md). "
        "Password hashes are left out unless --with-password-hashes is given."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--output", "-o", help="a file to write instead of standard output")
        parser.add_argument(
            "--with-password-hashes",
            action="store_true",
            help="include each user's password hash (keep such a file secret)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        hashes = options["with_password_hashes"]
        target = options["output"]
        if target is None:
            counts = backup_export(
                write=lambda s: self.stdout.write(s, ending=""), with_password_hashes=hashes
            )
        else:
            try:
                counts = _export_to(target, hashes)
            except OSError as exc:
                raise CommandError(
                    f"cannot write {target}: {exc.strerror or exc}.", returncode=2
                ) from exc
            except ValueError as exc:  # a NUL byte in the name
                raise CommandError(
                    f"cannot write {target!r}: it is not a file name.", returncode=2
                ) from exc
        self.stderr.write(
            f"Exported {counts['users']} user(s), {counts['policies']} policy(ies), "
            f"{counts['versions']} version(s) and {counts['shares']} share(s)"
            + (f" to {target}." if target else ".")
        )
        if hashes:
            self.stderr.write("The file holds password hashes: keep it as secret as the database.")


def _export_to(target: str, hashes: bool) -> dict[str, int]:
    """Write the backup to a file beside `target`, then put it in its place: an export that
    fails halfway leaves an earlier backup of that name whole. A device or a pipe is written
    directly."""
    path = Path(target)
    if path.exists() and not path.is_file():
        with path.open("w", encoding="ascii", newline="\n") as fh:
            return backup_export(write=fh.write, with_password_hashes=hashes)
    partial = path.with_name(f".{path.name}.partial-{os.getpid()}")
    try:
        with partial.open("x", encoding="ascii", newline="\n") as fh:
            counts = backup_export(write=fh.write, with_password_hashes=hashes)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return counts
