"""Write the catalog in SCP Studio's JSON format."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from catalog.importers.json_format import PREFIX_RE
from catalog.models import Service
from catalog.selectors import catalog_export


class Command(BaseCommand):
    help = "Export the catalog (all of it, or one service) as SCP Studio catalog JSON."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--service", action="append", help="a service prefix (repeatable)")
        parser.add_argument("--output", "-o", help="a file to write instead of standard output")
        parser.add_argument(
            "--no-global-keys", action="store_true", help="leave the global keys out"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        services = options["service"]
        if services:
            # Only a well-formed prefix reaches the query (a NUL or a lone surrogate would
            # make the database raise instead of answering).
            asked = [s for s in services if PREFIX_RE.match(s)]
            missing = set(services) - set(
                Service.objects.filter(prefix__in=asked).values_list("prefix", flat=True)
            )
            if missing:
                names = ", ".join(_shown(m) for m in sorted(missing))
                raise CommandError(f"no such service: {names}")
        doc = catalog_export(services=services, global_keys=not options["no_global_keys"])
        text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
        if options["output"]:
            try:
                with open(options["output"], "w", encoding="utf-8") as fh:
                    fh.write(text)
            except OSError as exc:
                raise CommandError(
                    f"cannot write {options['output']}: {exc.strerror or exc}."
                ) from exc
            except ValueError as exc:  # a NUL byte in the name
                raise CommandError(
                    f"cannot write {options['output']!r}: the name is not a file name."
                ) from exc
        else:
            self.stdout.write(text, ending="")


def _shown(prefix: str) -> str:
    """A prefix as typed, or quoted and cut short when it is not one."""
    if PREFIX_RE.match(prefix) and len(prefix) <= 40:
        return prefix
    return repr(prefix[:40]) + ("..." if len(prefix) > 40 else "")
