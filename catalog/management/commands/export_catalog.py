"""Write the catalog in SCP Studio's JSON format."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

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
            missing = set(services) - set(
                Service.objects.filter(prefix__in=services).values_list("prefix", flat=True)
            )
            if missing:
                raise CommandError(f"no such service: {', '.join(sorted(missing))}")
        doc = catalog_export(services=services, global_keys=not options["no_global_keys"])
        text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as fh:
                fh.write(text)
        else:
            self.stdout.write(text, ending="")
