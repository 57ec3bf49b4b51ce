"""Benchmark: the catalog at scale, 300 services synced from IAM's authorization schemas.

Run with `python tests/bench/bench_catalog.py` (or `make bench`). Prints figures; asserts
nothing; reaches nothing outside this machine.

In one run, on a throwaway SQLite file (migrated, so it holds the shipped IMS catalog):

1. today's figures: a policy naming ten services (IMS and nine the catalog does not hold
   yet) through the REST preview (`POST /api/v1/preview`) and the editor's keystroke
   (`POST /editor/`, HX-Request, the form as editor.js sends it, op=check and op=json);
2. the same policy once the nine other services it names are synced (ten services in the
   catalog): the preview now has a row for each of their operations;
3. the sync of all 300 generated services (15,000 actions, `catalog_generator.py`) served
   by the stand-in for IAM's API on loopback, by `sync_catalog --all` through the real SDK,
   each service one atomic import;
4. the catalog snapshot built from the database (the engine's view, once per revision);
5. the same policy on the 300-service catalog, with its ratio to steps 1 and 2 (the same
   rows as step 2: only the size of the catalog around them changed);
6. catalog pages: the browse pages and the REST catalog lists, paged and searched.

Requests go through Django's test client in this process (routing, middleware, views,
templates, database), so the figures compare like with like; `bench_http.py` measures the
deployed server (gunicorn) on the IMS catalog.
"""

from __future__ import annotations

import gc
import json
import os
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "bench"))

SECONDS = float(os.environ.get("BENCH_SECONDS", "5"))
SERVICES = int(os.environ.get("BENCH_SERVICES", "300"))
HX = {"HTTP_HX_REQUEST": "true"}


def policy_text() -> str:
    """Ten statements, one per service: IMS and svc000..svc008."""
    from catalog_generator import code

    statements: list[dict[str, Any]] = [
        {
            "Sid": "GuardIms",
            "Effect": "Deny",
            "Action": ["ims:images:share", "ims:images:export", "ims:images:copyCrossRegion"],
            "Resource": ["*"],
            "Condition": {"StringNotEquals": {"g:PrincipalAccount": ["000000000001"]}},
        }
    ]
    for i in range(9):
        svc = code(i)
        statements.append(
            {
                "Sid": f"Guard{svc}",
                "Effect": "Deny",
                # action j of a generated service acts on res{j % 3}: delete4 on res1,
                # update3 on res0 (catalog_generator.schema)
                "Action": [f"{svc}:res1s:delete4", f"{svc}:res0s:update3", f"{svc}:res2s:*"],
                "Resource": ["*"],
                "Condition": {"StringNotEquals": {"g:PrincipalAccount": [f"{i:012d}"]}},
            }
        )
    return json.dumps({"Version": "5.0", "Statement": statements}, indent=2)


def measure(fn: Callable[[], object], seconds: float = SECONDS) -> dict[str, float]:
    fn()  # warm: the snapshot, the connection, the templates
    wall: list[float] = []
    cpu: list[float] = []
    start = time.perf_counter()
    while time.perf_counter() - start < seconds or len(wall) < 10:
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - t0) * 1000)
    wall.sort()
    return {
        "median": statistics.median(wall),
        "p95": wall[max(int(len(wall) * 0.95) - 1, 0)],
        "cpu": statistics.median(cpu),
        "runs": len(wall),
    }


def setup_django(database: Path) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="scpstudio.settings",
        DJANGO_SECRET_KEY="bench",
        DJANGO_DEBUG="0",
        DJANGO_ALLOWED_HOSTS="testserver",
        DATABASE_URL=f"sqlite:///{database}",
        DJANGO_API_RATE_ANON="off",
        DJANGO_API_RATE_USER="off",
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)


def ok(response: Any, what: str) -> Any:
    if response.status_code != 200:
        raise SystemExit(f"{what} answered {response.status_code}: {response.content[:300]!r}")
    return response


class Keystrokes:
    """The endpoints a keystroke reaches, for one policy text. Each request is an edit
    never seen before (the first statement's Sid gets the next number), as typing is:
    nothing is answered from a memo of the same text."""

    def __init__(self, text: str) -> None:
        from bench_http import form_fields_of
        from django.test import Client

        self.client = Client()
        self.text = text
        opened = self.client.post(
            "/editor/", {"source": "json", "op": "json", "json": text, "profile": "scp"}
        )
        self.fields = form_fields_of(ok(opened, "opening the editor").content.decode())
        self.sid = self.fields.get("s0-sid", [""])[0]
        self.turn = 0
        preview = json.loads(self.rest_preview().content)
        self.rows = len(preview["apis"])

    def edited(self) -> tuple[str, str]:
        """The next Sid of the first statement, and the text with it."""
        self.turn += 1
        sid = f"{self.sid}{self.turn}"
        return sid, self.text.replace(f'"{self.sid}"', f'"{sid}"', 1)

    def editor(self, op: str) -> Any:
        sid, text = self.edited()
        if op == "check":
            body = json.dumps({**self.fields, "op": ["check"], "s0-sid": [sid]})
        else:
            body = json.dumps({**self.fields, "op": ["json"], "json": [text]})
        return ok(
            self.client.post("/editor/", body, content_type="application/json", **HX), "editor"
        )

    def rest_preview(self) -> Any:
        body = json.dumps({"document": self.edited()[1], "profile": "scp"})
        return ok(
            self.client.post("/api/v1/preview", body, content_type="application/json"), "preview"
        )

    def figures(self) -> dict[str, dict[str, float]]:
        gc.collect()  # each phase starts as a worker would, without the last phase's garbage
        return {
            "REST preview": measure(self.rest_preview),
            "editor keystroke, form": measure(lambda: self.editor("check")),
            "editor keystroke, JSON": measure(lambda: self.editor("json")),
        }


def sync_all(services: dict[str, Any], *codes: str) -> tuple[float, str]:
    """Serve the generated schemas on loopback and sync them through the SDK."""
    from django.conf import settings
    from django.core.management import call_command

    from tests.catalog.huawei_standin import GOOD_AK, StandIn

    standin = StandIn(services=services, page_size=100).start()
    settings.CATALOG_SYNC_ENDPOINT = standin.url
    os.environ["HUAWEICLOUD_SDK_AK"] = GOOD_AK
    os.environ["HUAWEICLOUD_SDK_SK"] = "bench-secret"
    out = StringIO()
    t0 = time.perf_counter()
    try:
        args = [a for c in codes for a in ("--service", c)] if codes else ["--all"]
        call_command("sync_catalog", *args, stdout=out)
    finally:
        standin.stop()
    return time.perf_counter() - t0, out.getvalue().splitlines()[-1]


def page_figures() -> list[tuple[str, dict[str, float]]]:
    from django.test import Client

    client = Client()
    pages = [
        ("/catalog/", "browse: services (all)"),
        ("/catalog/actions/?page=75", "browse: actions, page 75"),
        ("/catalog/actions/?q=delete", "browse: actions, search"),
        (f"/catalog/services/svc{SERVICES // 2:03d}/", "browse: one service"),
        ("/catalog/condition-keys/?q=g%3A", "browse: keys, search g:"),
        ("/api/v1/catalog/actions/?limit=50&offset=10000", "REST: 50 actions, offset 10,000"),
        ("/api/v1/catalog/actions/?q=delete&limit=50", "REST: 50 actions, search"),
        ("/api/v1/catalog/actions/?offset=10000", "REST: actions, default page (200)"),
        (
            f"/api/v1/catalog/operations/?service=svc{SERVICES // 3:03d}",
            "REST: operations, one service",
        ),
        ("/api/v1/catalog/condition-keys/?limit=100", "REST: 100 condition keys"),
    ]
    return [
        (label, measure(lambda u=url: ok(client.get(u), u), SECONDS / 2)) for url, label in pages
    ]


def main() -> None:
    warnings.filterwarnings("ignore", message="No directory at")
    from catalog_generator import code, services

    with tempfile.TemporaryDirectory(prefix="scp-bench-catalog-") as folder:
        setup_django(Path(folder) / "bench.sqlite3")
        text = policy_text()
        before = Keystrokes(text)
        today = before.figures()
        generated = services(SERVICES)
        sync_all(generated, *[code(i) for i in range(9)])
        ten = Keystrokes(text)
        named = ten.figures()

        seconds, summary = sync_all(generated)
        from catalog.models import Action, Operation
        from catalog.snapshot import build_snapshot, catalog_snapshot, current_revision

        actions, operations = Action.objects.count(), Operation.objects.count()
        revision = current_revision()
        snapshot = measure(lambda: build_snapshot(revision), SECONDS)
        catalog_snapshot()
        after = Keystrokes(text)
        scaled = after.figures()
        pages = page_figures()

    print(f"sync of {SERVICES} services through the SDK (stand-in on loopback): {seconds:.1f} s")
    print(f"  {summary}  catalog: {actions} actions, {operations} operations")
    print(
        f"snapshot build: median {snapshot['median']:.0f} ms, p95 {snapshot['p95']:.0f} ms "
        f"({snapshot['runs']:.0f} builds); one per revision, shared by a worker's requests"
    )
    print()
    print(f"a policy naming ten services ({len(text)} chars): IMS catalog -> {SERVICES} services")
    print(
        f"  preview rows: {before.rows} (IMS only), {ten.rows} (ten services), {after.rows} (300)"
    )
    print(
        f"{'endpoint, ms':<24} {'IMS p50':>7} {'p95':>6} {'cpu':>5} {'10 p50':>7} {'p95':>6} "
        f"{'cpu':>5} {'300 p50':>7} {'p95':>6} {'cpu':>5} {'300/10':>6} {'300/IMS':>7}"
    )
    for name, m in today.items():
        t, s = named[name], scaled[name]
        print(
            f"{name:<24} {m['median']:>7.1f} {m['p95']:>6.1f} {m['cpu']:>5.1f} "
            f"{t['median']:>7.1f} {t['p95']:>6.1f} {t['cpu']:>5.1f} "
            f"{s['median']:>7.1f} {s['p95']:>6.1f} {s['cpu']:>5.1f} "
            f"{s['cpu'] / t['cpu']:>6.2f} {s['cpu'] / m['cpu']:>7.2f}"
        )
    print("p50 and p95: wall time; cpu: median CPU time in this process, which a busy machine")
    print("disturbs far less; the ratios are of the CPU medians.")
    print()
    print(f"{'catalog page':<34} {'p50 ms':>7} {'p95 ms':>7} {'cpu ms':>7} {'runs':>5}")
    for label, m in pages:
        print(
            f"{label:<34} {m['median']:>7.1f} {m['p95']:>7.1f} {m['cpu']:>7.1f} {m['runs']:>5.0f}"
        )


if __name__ == "__main__":
    main()
