"""Import a catalog source: Huawei's SCP page as text, or our JSON format."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from catalog.importers import read_source
from catalog.services import ImportResult, catalog_import


def format_result(result: ImportResult, *, dry_run: bool) -> list[str]:
    """The lines a maintainer reads after an import, in the command and the admin alike."""
    lines = [str(a) for a in result.anomalies]
    if result.errors:
        lines.append(f"Nothing was imported: {len(result.errors)} error(s).")
        return lines
    lines.append("Source holds: " + ", ".join(f"{v} {k}" for k, v in result.summary.items()))
    if not result.changes:
        lines.append("No changes: the catalog already matches the source.")
        return lines
    lines.extend(f"  {change}" for change in result.changes)
    counts = result.counts()
    tally = f"{counts['added']} added, {counts['changed']} changed, {counts['removed']} removed"
    lines.append(f"Dry run, nothing written: {tally}." if dry_run else f"Applied: {tally}.")
    return lines


class Command(BaseCommand):
    help = "Import a Huawei SCP reference page (text) or an SCP Studio catalog JSON file."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", help="the page as text, or a catalog JSON file")
        parser.add_argument(
            "--dry-run", action="store_true", help="show the change set, write nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {path}: {exc}") from exc
        data = read_source(text, source_name=path.name)
        result = catalog_import(data, dry_run=options["dry_run"])
        for line in format_result(result, dry_run=options["dry_run"]):
            self.stdout.write(line)
        if result.errors:
            raise CommandError(f"{path}: not imported")
