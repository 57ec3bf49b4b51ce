"""Benchmark: the catalog at scale, 300 services synced from IAM's authorization schemas.

Run with `python tests/bench/bench_catalog.py` (or `make bench`). Prints figures; asserts
nothing; reaches nothing outside this machine.

In one run, on a throwaway SQLite file (migrated, so it holds the shipped IMS catalog):

1. a policy naming ten services (IMS and nine the catalog does not hold yet), sent to
   the REST preview (`POST /api/v1/preview`) and as the editor's keystroke (`POST
   /editor/`, HX-Request, the form as editor.js sends it, op=check and op=json), each
   request a new edit of it;
2. the same policy once the nine other services it names are synced (ten services in the
   catalog): the preview now has a row for each of their operations;
3. the sync of all 300 generated services (15,000 actions, `catalog_generator.py`) served
   by the stand-in for IAM's API on loopback, by `sync_catalog --all` through the real SDK,
   each service one atomic import;
4. the catalog snapshot built from the database (the engine's view, once per revision);
5. the same policy on the 300-service catalog, with its ratio to step 2 (the same rows:
   only the size of the catalog around them changed) and to today's figures, the IMS
   catalog alone: those are measured by a worker process on a database of its own
   (`--ims-worker`), in slices taken in turns with this process's (BENCH_ROUNDS of each),
   so that the machine's speed, which moves over a run, falls on both alike;
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
import subprocess
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
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "10"))
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


def samples(fn: Callable[[], object], seconds: float) -> dict[str, list[float]]:
    """Wall and CPU milliseconds of `fn`, called for `seconds` (at least 10 times)."""
    wall: list[float] = []
    cpu: list[float] = []
    start = time.perf_counter()
    while time.perf_counter() - start < seconds or len(wall) < 10:
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - t0) * 1000)
    return {"wall": wall, "cpu": cpu}


def summary(found: dict[str, list[float]]) -> dict[str, float]:
    wall = sorted(found["wall"])
    return {
        "median": statistics.median(wall),
        "p95": wall[max(int(len(wall) * 0.95) - 1, 0)],
        "cpu": statistics.median(found["cpu"]),
        "runs": len(wall),
    }


def measure(fn: Callable[[], object], seconds: float = SECONDS) -> dict[str, float]:
    fn()  # warm: the snapshot, the connection, the templates
    return summary(samples(fn, seconds))


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

    def endpoints(self) -> dict[str, Callable[[], object]]:
        return {
            "REST preview": self.rest_preview,
            "editor keystroke, form": lambda: self.editor("check"),
            "editor keystroke, JSON": lambda: self.editor("json"),
        }

    def figures(self) -> dict[str, dict[str, float]]:
        gc.collect()  # each phase starts as a worker would, without the last phase's garbage
        return {name: measure(fn) for name, fn in self.endpoints().items()}


class ImsWorker:
    """Today's figures (the IMS catalog alone), measured by a process of its own on a
    database of its own, in slices taken in turns with this process's: the machine's speed
    moves over a run, and the ratio compares slices taken side by side."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--ims-worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def slice(self, name: str, seconds: float) -> dict[str, list[float]]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps([name, seconds]) + "\n")
        self.process.stdin.flush()
        found: dict[str, list[float]] = json.loads(self.process.stdout.readline())
        return found

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=30)


def ims_worker() -> None:
    """The worker's side: one slice per line read, its samples written back as a line."""
    warnings.filterwarnings("ignore", message="No directory at")
    with tempfile.TemporaryDirectory(prefix="scp-bench-catalog-ims-") as folder:
        setup_django(Path(folder) / "ims.sqlite3")
        endpoints = Keystrokes(policy_text()).endpoints()
        for fn in endpoints.values():
            fn()  # warm
        gc.collect()
        for line in sys.stdin:
            name, seconds = json.loads(line)
            print(json.dumps(samples(endpoints[name], seconds)), flush=True)


def side_by_side(
    worker: ImsWorker, here: Keystrokes, rounds: int = ROUNDS
) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, float]]]:
    """Each endpoint in `rounds` slices taken in turns by the worker (IMS alone) and here."""
    endpoints = here.endpoints()
    for fn in endpoints.values():
        fn()  # warm
    gc.collect()
    pooled = {side: {n: {"wall": [], "cpu": []} for n in endpoints} for side in ("ims", "here")}
    for _ in range(rounds):
        for name, fn in endpoints.items():
            for side, found in (
                ("ims", worker.slice(name, SECONDS / rounds)),
                ("here", samples(fn, SECONDS / rounds)),
            ):
                pooled[side][name]["wall"] += found["wall"]
                pooled[side][name]["cpu"] += found["cpu"]
    ims, found = ({n: summary(v) for n, v in pooled[side].items()} for side in ("ims", "here"))
    return ims, found


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
        before = Keystrokes(text)  # the rows the IMS catalog alone previews
        generated = services(SERVICES)
        sync_all(generated, *[code(i) for i in range(9)])
        ten = Keystrokes(text)
        named = ten.figures()

        seconds, synced = sync_all(generated)
        from catalog.models import Action, Operation
        from catalog.snapshot import build_snapshot, catalog_snapshot, current_revision

        actions, operations = Action.objects.count(), Operation.objects.count()
        revision = current_revision()
        snapshot = measure(lambda: build_snapshot(revision), SECONDS)
        catalog_snapshot()
        after = Keystrokes(text)
        worker = ImsWorker()
        try:
            today, scaled = side_by_side(worker, after)
        finally:
            worker.close()
        pages = page_figures()

    print(f"sync of {SERVICES} services through the SDK (stand-in on loopback): {seconds:.1f} s")
    print(f"  {synced}  catalog: {actions} actions, {operations} operations")
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
    print("p50 and p95: wall time; cpu: median CPU time in the process, which a busy machine")
    print("disturbs far less; the ratios are of the CPU medians. IMS and 300: measured in")
    print(f"{ROUNDS} slices each, taken in turns (IMS by a worker on a database of its own).")
    print()
    print(f"{'catalog page':<34} {'p50 ms':>7} {'p95 ms':>7} {'cpu ms':>7} {'runs':>5}")
    for label, m in pages:
        print(
            f"{label:<34} {m['median']:>7.1f} {m['p95']:>7.1f} {m['cpu']:>7.1f} {m['runs']:>5.0f}"
        )


if __name__ == "__main__":
    if sys.argv[1:] == ["--ims-worker"]:
        ims_worker()
    else:
        main()
