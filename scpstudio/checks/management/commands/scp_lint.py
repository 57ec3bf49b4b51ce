"""`manage.py scp_lint FILE...`: validate policies in CI (text, JSON or SARIF).

Exit status: 0 when no finding reaches --fail-on, 1 when one does, 2 when a file
cannot be read or the database cannot be. `-` reads standard input. A database that
holds no catalog yet (not migrated) is read from the shipped files (see _catalog).
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand

from scpstudio.checks.management.commands._catalog import command_catalog
from scpstudio.checks.management.commands._input import UnreadableInput, read_file_argument
from scpstudio.engine.findings import Severity
from scpstudio.engine.lint import (
    FORMATS,
    LintedFile,
    fails,
    lint_json,
    lint_sarif,
    lint_text,
)
from scpstudio.engine.profiles import DEFAULT_PROFILE, PROFILES
from scpstudio.engine.validate import validate_policy


class Command(BaseCommand):
    help = "Validate SCP / identity policy files against the catalog."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE", help="policy files; - for stdin")
        parser.add_argument("--profile", choices=sorted(PROFILES), default=DEFAULT_PROFILE)
        parser.add_argument("--format", choices=FORMATS, default="text")
        parser.add_argument(
            "--fail-on", choices=[s.value for s in Severity], default=Severity.ERROR.value
        )

    def handle(self, *args: Any, **options: Any) -> None:
        catalog, note = command_catalog()
        if note:
            self.stderr.write(note)
        linted, unreadable = [], False
        for name in options["files"]:
            try:
                text = read_file_argument(name)
            except UnreadableInput as exc:
                self.stderr.write(f"{name}: cannot be read: {exc}.")
                unreadable = True
                continue
            linted.append(LintedFile(name, validate_policy(text, catalog, options["profile"])))
        if options["format"] == "text":
            self.stdout.write(lint_text(linted))
        else:
            report = lint_json(linted) if options["format"] == "json" else lint_sarif(linted)
            self.stdout.write(json.dumps(report, indent=2))
        if unreadable:
            sys.exit(2)
        if fails(linted, options["fail_on"]):
            sys.exit(1)
