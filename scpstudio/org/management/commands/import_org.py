"""`manage.py import_org [--dry-run] [--files FOLDER | --json FILE] [--owner USERNAME]`:
make the organization what Huawei Organizations holds (live, through the SDK, credentials
from its environment variables), or what a folder of Huawei's saved answers or a file of
our JSON format says.

It prints the dry run (added, changed, removed, and what was left out, such as tag
policies), then, without --dry-run, applies it in one transaction. Exit status 0, or 2 with
a sentence on standard error when the source cannot be read or the result would break a
rule: nothing is written then.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from scpstudio.org.import_plan import plan_lines
from scpstudio.org.import_source import (
    WantedOrg,
    read_export,
    read_huawei_files,
    read_huawei_live,
)
from scpstudio.org.services import organization_import
from scpstudio.org_export.json_format import MAX_CHARS
from scpstudio.refusals import Refusal


class Command(BaseCommand):
    help = (
        "Import the organization (tree, service control policies, attachments) from Huawei "
        "Organizations live (credentials: HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK), from "
        "a folder of Huawei's saved answers (--files) or from our JSON export (--json). "
        "Prints what is added, changed and removed, then applies it, all or nothing, unless "
        "--dry-run. A second import of the same source changes nothing."
    )

    def add_arguments(self, parser: Any) -> None:
        source = parser.add_mutually_exclusive_group()
        source.add_argument("--files", metavar="FOLDER", help="Huawei's answers saved to files")
        source.add_argument("--json", metavar="FILE", help="our JSON format (export_org)")
        parser.add_argument("--dry-run", action="store_true", help="say what would change")
        parser.add_argument(
            "--owner",
            metavar="USERNAME",
            help="whose library the imported policies go to (default: the first superuser)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            owner = _owner(options["owner"])
            wanted = _source(options["files"], options["json"])
            plan = organization_import(
                user=owner, wanted=wanted, apply=not options["dry_run"], owner=owner
            )
        except Refusal as exc:
            raise CommandError(exc.message, returncode=2) from exc
        self.stdout.write("\n".join(plan_lines(plan, dry_run=options["dry_run"])))


def _owner(username: str | None) -> Any:
    users = get_user_model().objects.filter(is_active=True)
    if username is None:
        return users.filter(is_superuser=True).order_by("date_joined", "pk").first()
    found = users.filter(username=username).first()
    if found is None:
        shown = username if username.isprintable() else repr(username)
        raise Refusal(f"There is no active user {shown[:150]}: nothing was imported.", "owner")
    return found


def _source(files: str | None, json_file: str | None) -> WantedOrg:
    if files is not None:
        if "\x00" in files:
            raise Refusal("The folder's name holds a NUL character: nothing was imported.")
        return read_huawei_files(files)
    if json_file is not None:
        return read_export(_read_text(json_file), Path(json_file).name or json_file)
    return read_huawei_live()


def _read_text(name: str) -> str:
    shown = name if name.isprintable() else repr(name)
    try:
        path = Path(name)
        if not path.is_file():
            raise Refusal(f"Cannot read {shown}: no such file.", "json")
        if path.stat().st_size > MAX_CHARS * 4:
            raise Refusal(f"Cannot read {shown}: it is larger than {MAX_CHARS // 2**20} MB.")
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Refusal(f"Cannot read {shown}: it is not UTF-8 text.", "json") from exc
    except (OSError, ValueError) as exc:
        raise Refusal(f"Cannot read {shown}: {getattr(exc, 'strerror', None) or exc}.") from exc
