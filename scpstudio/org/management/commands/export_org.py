"""`manage.py export_org [--format terraform|json] [--output FILE]`: the organization's SCPs
and attachments as Terraform for Huawei Cloud's provider, or as our JSON format (which
`import_org --json` reads back: export, import into an empty database, export again gives
the same file). Exit status 0, or 2 with a sentence when the file cannot be written."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from scpstudio.org.exporting import FORMATS, export_text


class Command(BaseCommand):
    help = (
        "Write the organization as Terraform (huaweicloud_organizations_policy and "
        "huaweicloud_organizations_policy_attach, node ids as variables) or as SCP Studio's "
        "JSON format (docs/organization-format.md)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--format", choices=FORMATS, default="terraform")
        parser.add_argument("--output", "-o", help="a file to write instead of standard output")

    def handle(self, *args: Any, **options: Any) -> None:
        text = export_text(options["format"])
        target = options["output"]
        if target is None:
            self.stdout.write(text, ending="")
            return
        try:
            _write(Path(target), text)
        except OSError as exc:
            message = f"cannot write {target}: {exc.strerror or exc}."
            raise CommandError(message, returncode=2) from exc
        except ValueError as exc:  # a NUL byte in the name
            message = f"cannot write {target!r}: it is not a file name."
            raise CommandError(message, returncode=2) from exc
        self.stderr.write(f"Wrote the organization to {target}.")


def _write(path: Path, text: str) -> None:
    """Beside the target, then in its place: a failed export leaves an earlier file whole."""
    if path.exists() and not path.is_file():
        raise IsADirectoryError(21, "it is not a regular file")
    partial = path.with_name(f".{path.name}.partial-{os.getpid()}")
    try:
        with partial.open("x", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
