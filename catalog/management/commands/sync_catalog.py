"""Sync services' catalogs from Huawei's IAM authorization schemas (the official SDK)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from catalog.management.commands.import_catalog import format_result
from catalog.sync import ServiceSync, catalog_sync, sync_codes


def service_lines(step: ServiceSync, *, dry_run: bool) -> list[str]:
    """What a maintainer reads about one service, in the command and the admin alike."""
    lines = []
    if step.flags:
        lines.append("Used by saved policies (check them before applying):")
        lines.extend(f"  ! {flag}" for flag in step.flags)
    if step.problem:
        shown = step.result.anomalies if step.result else []
        lines.extend(str(a) for a in shown)
        lines.append(step.problem)
    elif step.result is not None:
        lines.extend(format_result(step.result, dry_run=dry_run))
    return lines


class Command(BaseCommand):
    help = (
        "Sync services from Huawei IAM's authorization schemas, each service one atomic step. "
        "Credentials: HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK in the environment."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--service",
            action="append",
            default=[],
            metavar="CODE",
            help="a service code such as ecs (repeat for several)",
        )
        parser.add_argument("--all", action="store_true", help="every service IAM has a schema for")
        parser.add_argument(
            "--dry-run", action="store_true", help="show each change set, write nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        codes, bad = sync_codes(options["service"])
        if bad:
            raise CommandError(" ".join(bad))
        if not codes and not options["all"]:
            raise CommandError("Name the services to sync with --service CODE, or give --all.")
        dry_run = options["dry_run"]

        def progress(i: int, total: int, code: str) -> None:
            self.stdout.write(f"Service {i} of {total}: {code}")

        report = catalog_sync(
            codes=codes, every_service=options["all"], dry_run=dry_run, progress=progress
        )
        if report.problem:
            raise CommandError(report.problem)
        for step in report.services:
            for line in service_lines(step, dry_run=dry_run):
                self.stdout.write(f"  {line}")
        failed = [s.code for s in report.services if not s.ok]
        done = len(report.services) - len(failed)
        verb = "checked (dry run)" if dry_run else "synced"
        self.stdout.write(f"{done} of {len(report.services)} services {verb}.")
        if failed:
            raise CommandError(
                f"{len(failed)} service(s) failed and were left as they were: {', '.join(failed)}."
            )
