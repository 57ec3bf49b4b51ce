"""Import a catalog source: Huawei's SCP page as text, or our JSON format."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from catalog.changes import ImportResult
from catalog.importers.reading import read_sources
from catalog.services import catalog_import

# A page is some 100 KB and the whole catalog as JSON a few MB; a bigger file is a mistake.
MAX_SOURCE_MB = 20


def read_source_file(path: Path) -> str:
    """The file's text, or a CommandError saying in a sentence why it cannot be read."""
    try:
        if not path.is_file():  # a directory, a device or a pipe could block or never end
            reason = "it is not a regular file" if path.exists() else "no such file"
            raise CommandError(f"cannot read {path}: {reason}.")
        with path.open("rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                raise CommandError(f"cannot read {path}: it is not a regular file.")
            data = fh.read(MAX_SOURCE_MB * 1024 * 1024 + 1)
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror or exc}.") from exc
    except ValueError as exc:  # a NUL byte in the name
        raise CommandError(f"cannot read {str(path)!r}: the name is not a file name.") from exc
    if len(data) > MAX_SOURCE_MB * 1024 * 1024:
        raise CommandError(f"cannot read {path}: it is larger than {MAX_SOURCE_MB} MB.")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CommandError(
            f"cannot read {path}: it is not UTF-8 text (byte {exc.start} cannot be read)."
        ) from exc


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
        parser.add_argument(
            "paths",
            nargs="+",
            metavar="path",
            help="pages as text, catalog JSON files, or folders of them: imported together, "
            "all or nothing",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="show the change set, write nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        paths = source_paths([Path(p) for p in options["paths"]])
        data = read_sources([(source_label(p, paths), read_source_file(p)) for p in paths])
        result = catalog_import(data, dry_run=options["dry_run"])
        for line in format_result(result, dry_run=options["dry_run"]):
            self.stdout.write(line)
        if result.errors:
            shown = str(paths[0]) if len(paths) == 1 else f"{len(paths)} sources"
            raise CommandError(f"{shown}: not imported")


def source_paths(paths: list[Path]) -> list[Path]:
    """The files to read: each path given, a folder standing for its visible files."""
    out: list[Path] = []
    for path in paths:
        if not path.is_dir():
            out.append(path)
            continue
        found = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
        if not found:
            raise CommandError(f"cannot import {path}: the folder holds no files.")
        out.extend(found)
    return out


def source_label(path: Path, paths: list[Path]) -> str:
    """The file's name, or its whole path when another source has the same name."""
    same = sum(1 for p in paths if p.name == path.name)
    return path.name if same == 1 else str(path)
