"""`manage.py scp_diff OLD NEW`: every API some request treats differently between two
policies, which way, and a witness request for each.

The same engine call as the library's Compare (`engine.diff.diff_policies`, the exact diff),
the same JSON for each API as the REST diff writes it (`checks.serializers.
ApiChangeSerializer`). Exit status: 1 when an API moved, or may have moved, in the
direction given to --fail-on (`engine.diff_direction` reads the diff's answer), 0
otherwise, 2 for input that cannot be read (a sentence on standard error).
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from catalog.snapshot import catalog_snapshot
from scpstudio.checks.management.commands._input import (
    UnreadableInput,
    context_argument,
    read_file_argument,
)
from scpstudio.checks.serializers import ApiChangeSerializer
from scpstudio.engine.diff import DEFAULT_BUDGET_MS, diff_policies
from scpstudio.engine.diff_direction import Direction, moves
from scpstudio.engine.document import ParseResult, parse_policy
from scpstudio.engine.errors import EngineInputError
from scpstudio.engine.limits import policy_limit_problem
from scpstudio.engine.lint import STDIN_NAME
from scpstudio.engine.plain_text import outcome_changes_text
from scpstudio.engine.preview import PreviewContext
from scpstudio.engine.profiles import DEFAULT_PROFILE, PROFILES

FAIL_ON_HELP = (
    "exit 1 when an API changes this way for some request (matching --context, if given). "
    "newly-allowed: a request the old policy refused is allowed by the new one, or that "
    "could not be ruled out within the diff's time; newly-denied: the reverse; any: any "
    "API listed"
)


MAX_BUDGET_MS = 60_000  # a pipeline may wait a minute for a decision, not longer


class Command(BaseCommand):
    help = (
        "List every API some request treats differently between two policies (OLD and NEW, "
        "files; - reads one of them from standard input): method, path, before and after "
        "under --context, the way it changed (newly allowed, newly denied, both), a witness "
        "request and the statement that explains it. Exit 1 when one changes in the "
        "--fail-on direction, 0 otherwise, 2 when an input cannot be read."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("old", metavar="OLD", help="the policy before; - for stdin")
        parser.add_argument("new", metavar="NEW", help="the policy after; - for stdin")
        parser.add_argument("--profile", choices=sorted(PROFILES), default=DEFAULT_PROFILE)
        parser.add_argument("--context", default=None, help="JSON object, or @file holding one")
        parser.add_argument("--format", choices=("text", "json"), default="text")
        parser.add_argument(
            "--fail-on", choices=[d.value for d in Direction], default=None, help=FAIL_ON_HELP
        )
        parser.add_argument("--no-full-access", action="store_true", help="SCP without FullAccess")
        parser.add_argument(
            "--budget-ms",
            default=str(DEFAULT_BUDGET_MS),
            metavar="MS",
            help=f"milliseconds the diff may take (default {DEFAULT_BUDGET_MS}, at most "
            f"{MAX_BUDGET_MS:,}); past them an API is 'not decided', which fails "
            "--fail-on newly-allowed and newly-denied, never passes as unchanged",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        old_name, new_name = options["old"], options["new"]
        if old_name == new_name == STDIN_NAME:
            raise CommandError("only one of OLD and NEW can be - (standard input).", returncode=2)
        old, new = _policy(old_name, "OLD"), _policy(new_name, "NEW")
        context = context_argument(options["context"])
        budget = _budget(options["budget_ms"])
        catalog = catalog_snapshot()
        try:
            changes = diff_policies(
                old,
                new,
                catalog,
                options["profile"],
                context,
                full_access=not options["no_full_access"],
                budget_ms=budget,
            ).of_kind("api")
        except EngineInputError as exc:
            raise CommandError(f"the context is not usable: {exc}", returncode=2) from exc
        if options["format"] == "json":
            apis = ApiChangeSerializer(changes, many=True).data
            self.stdout.write(json.dumps({"apis": apis}, indent=2))
        else:
            narrowed = context != PreviewContext()
            text = outcome_changes_text(changes, old_name, new_name, catalog, narrowed=narrowed)
            self.stdout.write(text)
        fail_on = options["fail_on"]
        if fail_on is not None and any(moves(c, fail_on) for c in changes):
            sys.exit(1)


def _policy(name: str, which: str) -> ParseResult:
    """The policy in file `name`, readable by the preview; CommandError (exit 2) if not."""
    which = f"{which} ({name if name.isprintable() else repr(name)})"
    try:
        parsed = parse_policy(read_file_argument(name))
    except UnreadableInput as exc:
        raise CommandError(f"cannot read {which}: {exc}.", returncode=2) from exc
    if parsed.error is not None:
        raise CommandError(f"{which}: {parsed.error.message}", returncode=2)
    problem = policy_limit_problem(parsed)
    if problem is not None:
        raise CommandError(f"{which} is past a limit: {problem.message}", returncode=2)
    return parsed


def _budget(raw: str) -> int:
    """--budget-ms: a whole number of milliseconds within the limit; exit 2 if not."""
    text = str(raw).strip()
    if text.isascii() and text.isdigit() and len(text) <= 6 and int(text) <= MAX_BUDGET_MS:
        return int(text)
    shown = text[:20] if text.isprintable() else repr(text[:20])
    raise CommandError(
        f"--budget-ms takes a whole number of milliseconds from 0 to {MAX_BUDGET_MS:,}, "
        f"not {shown}.",
        returncode=2,
    )
