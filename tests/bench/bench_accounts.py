"""Benchmark: what signing in and API rates cost a request.

Run with `python tests/bench/bench_accounts.py` (or `make bench`). Prints figures; asserts
nothing. In one process, on a throwaway SQLite database, through Django's test client:
an anonymous catalog request with the API rates off and on (the count is a read and a
write of the shared cache table; the history DRF keeps grows with the rate, so the last
requests before the limit are the dearest), and the library's list signed in with a
session, an API token (one indexed lookup, and the address's lock checked) and HTTP Basic
(the password hash, by design slow).

On SQLite the count's cost is mostly its commit: in the default rollback journal each commit
waits for the disk; in WAL mode with synchronous=NORMAL it does not.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def setup(database: Path) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="scpstudio.settings",
        DJANGO_SECRET_KEY="bench",
        DJANGO_DEBUG="0",
        DJANGO_ALLOWED_HOSTS="testserver",
        DATABASE_URL=f"sqlite:///{database}",
    )
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def timed(send, count: int) -> list[float]:
    times = []
    for _ in range(count):
        start = time.perf_counter()
        status = send()
        times.append((time.perf_counter() - start) * 1000)
        if status >= 400:
            raise RuntimeError(f"answered {status}")
    return times


def show(label: str, times: list[float]) -> None:
    ordered = sorted(times)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    print(f"{label:<58} median {statistics.median(times):6.2f} ms   p95 {p95:6.2f} ms")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        setup(Path(tmp) / "bench.sqlite3")
        import base64

        from django.conf import settings
        from django.contrib.auth import get_user_model
        from django.test import Client, override_settings

        from scpstudio.accounts import services

        catalog = "/api/v1/catalog/services/"
        anonymous = Client()

        def rates(anon: str | None, user: str | None):
            return override_settings(
                REST_FRAMEWORK={
                    **settings.REST_FRAMEWORK,
                    "DEFAULT_THROTTLE_RATES": {"anon": anon, "user": user},
                }
            )

        print("Anonymous GET /api/v1/catalog/services/, 290 requests from one address:")
        with rates(None, None):
            timed(lambda: anonymous.get(catalog).status_code, 20)  # warm up
            show("  API rates off", timed(lambda: anonymous.get(catalog).status_code, 290))
        with rates("300/minute", None):
            show(
                "  300/minute (the default), counted",
                timed(lambda: anonymous.get(catalog).status_code, 290),
            )

        user = get_user_model().objects.create_user("bench", password="pw-bench-12345")
        _, key = services.token_create(user=user, name="bench")
        session = Client()
        session.force_login(user)
        token = Client(HTTP_AUTHORIZATION=f"Token {key}")
        basic = Client(
            HTTP_AUTHORIZATION="Basic " + base64.b64encode(b"bench:pw-bench-12345").decode()
        )
        library = "/api/v1/policies/"
        print("Signed-in GET /api/v1/policies/ (an empty list), rates off:")
        with rates(None, None):
            show("  session", timed(lambda: session.get(library).status_code, 200))
            show("  API token", timed(lambda: token.get(library).status_code, 200))
            show("  HTTP Basic", timed(lambda: basic.get(library).status_code, 20))
        with rates(None, "1200/minute"):
            show(
                "  API token, 1200/minute (the default), counted",
                timed(lambda: token.get(library).status_code, 1000),
            )


if __name__ == "__main__":
    main()
