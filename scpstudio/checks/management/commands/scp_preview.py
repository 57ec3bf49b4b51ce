"""`manage.py scp_preview FILE`: the outcome of every API of the catalog under a policy.

`--context` takes JSON (or @file): {"region", "account_id", "resource_ids", "keys"}.
Exit status: 0 on success, 1 when the policy is not valid JSON, 2 on unreadable input or
an unreachable database. A database that holds no catalog yet (not migrated) is read from
the shipped files (see _catalog).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from scpstudio.checks.management.commands._catalog import command_catalog
from scpstudio.checks.management.commands._input import (
    UnreadableInput,
    context_argument,
    read_file_argument,
)
from scpstudio.engine.document import parse_policy
from scpstudio.engine.findings import Code
from scpstudio.engine.limits import policy_limit_problem
from scpstudio.engine.plain_text import preview_text
from scpstudio.engine.preview import preview_policy
from scpstudio.engine.profiles import DEFAULT_PROFILE, PROFILES
from scpstudio.engine.validate import validate_policy

SIZE_CODES = (Code.POLICY_SIZE_EXCEEDS_QUOTA, Code.POLICY_SIZE_NEEDS_MINIFYING)


class Command(BaseCommand):
    help = "Preview the outcome of every API of the catalog under a policy."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", metavar="FILE", help="policy file; - for stdin")
        parser.add_argument("--profile", choices=sorted(PROFILES), default=DEFAULT_PROFILE)
        parser.add_argument("--context", default=None, help="JSON object, or @file holding one")
        parser.add_argument("--format", choices=("text", "json"), default="text")
        parser.add_argument("--no-full-access", action="store_true", help="SCP without FullAccess")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            text = read_file_argument(options["file"])
        except UnreadableInput as exc:
            raise CommandError(f"cannot read {options['file']}: {exc}.", returncode=2) from exc
        context = context_argument(options["context"])
        parsed = parse_policy(text)
        if parsed.error is not None:
            raise CommandError(parsed.error.message, returncode=1)
        catalog, note = command_catalog()
        if note:
            self.stderr.write(note)
        problem = policy_limit_problem(parsed)
        if problem is not None:
            # the size is worth saying too: how far over its quota the policy is
            validation = validate_policy(parsed, catalog, options["profile"])
            sizes = [f.message for f in validation.findings if f.code in SIZE_CODES]
            raise CommandError(" ".join([problem.message, *sizes]), returncode=1)
        preview = preview_policy(
            parsed, catalog, options["profile"], context, full_access=not options["no_full_access"]
        )
        if options["format"] == "json":
            self.stdout.write(json.dumps(preview.to_json(), indent=2))
        else:
            self.stdout.write(preview_text(preview))
