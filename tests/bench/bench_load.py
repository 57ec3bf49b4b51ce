"""Benchmark: many people writing at once, against gunicorn as it is deployed.

Run with `python tests/bench/bench_load.py` (or `make bench`). Prints figures; asserts
nothing, but says plainly when a server error was answered or a saved version went missing.

For each database (a throwaway SQLite file; PostgreSQL when DATABASE_URL names a server,
as `.ci/postgres` does: a database of its own is created there and dropped at the end),
it migrates, starts `gunicorn scpstudio.wsgi -w 2` on a free loopback port, logs each
client in (a session, as the browser has), and for 8 and 32 concurrent clients sends for
BENCH_SECONDS (default 60) per level a mix of:

* live validation and preview (`POST /api/v1/validate`, `/api/v1/preview`);
* creates (`POST /api/v1/policies/`), renames (`PATCH` a name), shares (`POST .../shares/`)
  of the client's own policies;
* saves with a version check on a few policies every client may edit: `PUT` with the
  `base_version` the client last saw, and the editor's Save (`POST /editor/save/`); a save
  someone else beat answers 409 and is counted, and the client carries on from the
  version the answer names.

Then it counts the versions in the database: the count after must be the count before
plus one per create and per save answered 2xx (so no save was lost and no refused save
wrote anything), and every policy's versions must run 1..latest without a gap.

`--mix creates --clients 8 --seconds 15` reproduces the 8-client create load alone.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.bench_http import max_size_policy, minified  # noqa: E402
from tests.bench.serving import (  # noqa: E402
    REQUEST_TIMEOUT,
    WORKERS,
    Client,
    free_port,
    manage,
    ms,
    server_env,
    start_server,
    stop_server,
    wait_ready,
)

CONCURRENCY = (8, 32)
TEAM_POLICIES = 8  # policies every client may save versions of: where conflicts happen
PASSWORD = "bench-load-pw-123"  # noqa: S105  (throwaway users of a throwaway database)

# What a client does on each round, and how often (weights).
MIX = {
    "all": {
        "validate": 30,
        "preview": 15,
        "create": 15,
        "rename": 10,
        "share": 10,
        "save": 15,
        "editor-save": 5,
    },
    "creates": {"create": 1},
}


# -- the database ------------------------------------------------------------------------------


COUNT_SCRIPT = """
import json
from django.db.models import Count, F, Max
from scpstudio.policies.models import Policy, PolicyVersion
gaps = Policy.objects.annotate(n=Count("versions"), top=Max("versions__number")).exclude(
    n=F("latest_version"), top=F("latest_version")
)
print(json.dumps({
    "policies": Policy.objects.count(),
    "versions": PolicyVersion.objects.count(),
    "gaps": [p.pk for p in gaps[:10]],
}))
"""

SETUP_SCRIPT = """
import json, sys
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from scpstudio.policies import services
count, password, document = {count}, {password!r}, {document!r}
User = get_user_model()
hashed = make_password(password)  # once: hashing is slow on purpose
users = [User.objects.create(username=f"load{{i}}", password=hashed) for i in range(count)]
team = []
for k in range({team}):
    policy = services.create_policy(owner=users[0], name=f"team-{{k}}", document=document)
    for other in users[1:]:
        services.share_policy(user=users[0], policy=policy, with_user=other, can_edit=True)
    team.append(policy.pk)
# A session per person, as logging in makes it: the login form would hash the password
# once per client, slowly on purpose, and that is not what is measured.
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
sessions = []
for user in users:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    sessions.append(session.session_key)
print(json.dumps({{"team": team, "sessions": sessions}}))
"""


def database_counts(env: dict[str, str]) -> dict[str, Any]:
    return json.loads(manage(env, "shell", "-c", COUNT_SCRIPT).strip().splitlines()[-1])


class PostgresDatabase:
    """A database of the benchmark's own on the server DATABASE_URL names, dropped after."""

    def __init__(self, server_url: str) -> None:
        import psycopg

        self.psycopg = psycopg
        self.server_url = server_url
        self.name = f"scp_bench_load_{os.getpid()}"
        parts = urlsplit(server_url)
        self.url = urlunsplit(parts._replace(path=f"/{self.name}"))

    def __enter__(self) -> str:
        with self.psycopg.connect(self.server_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.name}"')
        return self.url

    def __exit__(self, *exc: object) -> None:
        with self.psycopg.connect(self.server_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


# -- the clients ------------------------------------------------------------------------------


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    by_op: Counter[tuple[str, int]] = field(default_factory=Counter)
    created: int = 0  # policies answered 201 (each holds version 1)
    saved: int = 0  # versions answered 2xx
    examples: dict[int, str] = field(default_factory=dict)  # status -> first answer seen
    failures: list[str] = field(default_factory=list)


class Session:
    """One logged-in person on one keep-alive connection, with their cookies."""

    def __init__(self, port: int, username: str) -> None:
        self.client = Client(port)
        self.cookies: dict[str, str] = {}
        self.username = username

    def request(
        self, method: str, path: str, body: Any = None, form: dict[str, str] | None = None
    ) -> Any:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        data = None
        if form is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            data = urlencode(form).encode()
        elif body is not None:
            headers["Content-Type"] = "application/json"
            data = json.dumps(body).encode()
        if method != "GET" and "csrftoken" in self.cookies:
            headers["X-CSRFToken"] = self.cookies["csrftoken"]
        response = self.client.send(method, path, data, headers)
        jar = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            jar.load(header)
        self.cookies.update({k: m.value for k, m in jar.items()})
        return response

    def start(self, session_key: str) -> None:
        """Carry the session's cookie, and get the CSRF cookie from a page with a form."""
        self.cookies["sessionid"] = session_key
        answer = self.request("GET", "/editor/")
        if answer.status != 200 or "csrftoken" not in self.cookies:
            raise RuntimeError(f"{self.username}: the editor answered HTTP {answer.status}")


class Person:
    """What one client does: its own policies, and saves on the team's."""

    def __init__(self, index: int, users: int, team: list[int], document: str, level: int) -> None:
        self.index = index
        self.prefix = f"l{level}-c{index}"  # names unique across levels (one database)
        self.users = users
        self.rng = random.Random(index)
        self.own: list[int] = []
        self.made = 0
        self.team_versions = dict.fromkeys(team, 1)  # what this person last saw
        self.document = document
        self.texts = [document, document.replace("ims:images:share", "ims:images:get", 1)]
        self.validate_body = {"document": document, "profile": "scp"}

    def act(self, op: str, session: Session, tally: Tally) -> None:
        getattr(self, "do_" + op.replace("-", "_"))(session, tally)

    def do_validate(self, session: Session, tally: Tally) -> None:
        self._send(tally, "validate", session, "POST", "/api/v1/validate", self.validate_body)

    def do_preview(self, session: Session, tally: Tally) -> None:
        self._send(tally, "preview", session, "POST", "/api/v1/preview", self.validate_body)

    def do_create(self, session: Session, tally: Tally) -> None:
        self.made += 1
        body = {"name": f"{self.prefix}-{self.made}", "document": self.document}
        answer = self._send(tally, "create", session, "POST", "/api/v1/policies/", body)
        if answer is not None and answer.status == 201:
            tally.created += 1
            self.own.append(json.loads(answer.body)["id"])

    def do_rename(self, session: Session, tally: Tally) -> None:
        if not self.own:
            return self.do_create(session, tally)
        self.made += 1
        pk = self.rng.choice(self.own)
        body = {"name": f"{self.prefix}-{self.made}-renamed"}
        self._send(tally, "rename", session, "PATCH", f"/api/v1/policies/{pk}/", body)
        return None

    def do_share(self, session: Session, tally: Tally) -> None:
        if not self.own:
            return self.do_create(session, tally)
        other = (self.index + 1 + self.rng.randrange(self.users - 1)) % self.users
        body = {"user": f"load{other}", "can_edit": self.rng.random() < 0.5}
        pk = self.rng.choice(self.own)
        self._send(tally, "share", session, "POST", f"/api/v1/policies/{pk}/shares/", body)
        return None

    def do_save(self, session: Session, tally: Tally) -> None:
        pk = self.rng.choice(sorted(self.team_versions))
        base = self.team_versions[pk]
        body = {"document": self.texts[base % 2], "base_version": base, "message": "load"}
        answer = self._send(tally, "save", session, "PUT", f"/api/v1/policies/{pk}/", body)
        if answer is None:
            return
        if answer.status == 200:
            tally.saved += 1
            self.team_versions[pk] = json.loads(answer.body)["version"]
        elif answer.status == 409:
            self.team_versions[pk] = json.loads(answer.body)["current_version"]

    def do_editor_save(self, session: Session, tally: Tally) -> None:
        pk = self.rng.choice(sorted(self.team_versions))
        base = self.team_versions[pk]
        form = {
            "op": "save",
            "json": self.texts[base % 2],
            "name": f"team-{sorted(self.team_versions).index(pk)}",
            "profile": "scp",
            "saved_policy": str(pk),
            "base_version": str(base),
            "csrfmiddlewaretoken": session.cookies.get("csrftoken", ""),
        }
        answer = self._send(tally, "editor-save", session, "POST", "/editor/save/", form=form)
        if answer is None:
            return
        if answer.status == 302:
            tally.saved += 1
            query = parse_qs(urlsplit(answer.getheader("Location", "")).query)
            self.team_versions[pk] = int(query.get("saved", [base + 1])[0])
        elif answer.status == 409:
            latest = session.request("GET", f"/api/v1/policies/{pk}/")
            if latest.status == 200:
                self.team_versions[pk] = json.loads(latest.body)["version"]

    def _send(
        self,
        tally: Tally,
        op: str,
        session: Session,
        method: str,
        path: str,
        body: Any = None,
        form: dict[str, str] | None = None,
    ) -> Any:
        t0 = time.perf_counter()
        try:
            answer = session.request(method, path, body, form)
        except (OSError, http.client.HTTPException) as exc:
            tally.failures.append(f"{op}: {type(exc).__name__}: {exc}")
            return None
        tally.latencies.append(time.perf_counter() - t0)
        tally.statuses[answer.status] += 1
        tally.by_op[(op, answer.status)] += 1
        tally.examples.setdefault(answer.status, f"{op}: {answer.body[:300]!r}")
        return answer


def client_loop(
    session: Session, person: Person, mix: dict[str, int], deadline: float, tally: Tally
) -> None:
    ops, weights = list(mix), list(mix.values())
    try:
        while time.monotonic() < deadline:
            person.act(person.rng.choices(ops, weights)[0], session, tally)
    except (OSError, http.client.HTTPException, KeyError, ValueError) as exc:
        tally.failures.append(f"{type(exc).__name__}: {exc}")
    finally:
        session.client.close()


def run_level(
    port: int, clients: int, setup: dict[str, Any], mix: dict[str, int], seconds: float
) -> dict[str, Any]:
    team, session_keys = setup["team"], setup["sessions"]
    users = len(session_keys)
    document = max_size_policy()
    people = [Person(i, users, team, document, clients) for i in range(clients)]
    tallies = [Tally() for _ in people]
    sessions = [Session(port, f"load{i}") for i in range(clients)]
    for session, key in zip(sessions, session_keys, strict=False):
        session.start(key)
    start = time.monotonic()
    deadline = start + seconds
    threads = [
        threading.Thread(target=client_loop, args=(s, p, mix, deadline, t), daemon=True)
        for s, p, t in zip(sessions, people, tallies, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + REQUEST_TIMEOUT + 60)
    elapsed = time.monotonic() - start
    latencies = sorted(x for t in tallies for x in t.latencies)
    statuses: Counter[int] = sum((t.statuses for t in tallies), Counter())
    by_op: Counter[tuple[str, int]] = sum((t.by_op for t in tallies), Counter())
    examples: dict[int, str] = {}
    for t in tallies:
        for status, text in t.examples.items():
            examples.setdefault(status, text)
    return {
        "clients": clients,
        "elapsed": elapsed,
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50": ms(latencies, 0.50),
        "p95": ms(latencies, 0.95),
        "statuses": statuses,
        "by_op": by_op,
        "created": sum(t.created for t in tallies),
        "saved": sum(t.saved for t in tallies),
        "examples": examples,
        "failures": [f for t in tallies for f in t.failures],
    }


# -- one database --------------------------------------------------------------------------


def bench_database(
    label: str, database_url: str, levels: tuple[int, ...], mix: dict[str, int], seconds: float
) -> bool:
    """Run every level against one database; False when a 5xx or a lost version was seen."""
    tmp = Path(tempfile.mkdtemp(prefix="scp-bench-load-"))
    env = server_env(database_url)
    port = free_port()
    server = None
    clean = True
    try:
        server = start_server(env, port, tmp / "gunicorn.log", tmp / "access.log")
        users = max(levels)
        setup = SETUP_SCRIPT.format(
            count=users, password=PASSWORD, document=minified(3), team=TEAM_POLICIES
        )
        made = json.loads(manage(env, "shell", "-c", setup).strip().splitlines()[-1])
        wait_ready(port, server)
        print(f"\n{label}: gunicorn -w {WORKERS} on 127.0.0.1:{port}; {seconds:g} s per level")
        print(
            f"{'clients':>7} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'requests':>8} "
            f"{'2xx/3xx':>7} {'409':>5} {'4xx':>5} {'5xx':>5}  versions before -> after "
            "(expected)"
        )
        for clients in levels:
            before = database_counts(env)
            r = run_level(port, clients, made, mix, seconds)
            after = database_counts(env)
            expected = before["versions"] + r["created"] + r["saved"]
            s = r["statuses"]
            ok = sum(n for code, n in s.items() if code < 400)
            other_4xx = sum(n for code, n in s.items() if 400 <= code < 500 and code != 409)
            server_errors = sum(n for code, n in s.items() if code >= 500)
            lost = after["versions"] != expected or after["gaps"]
            print(
                f"{clients:>7} {r['rps']:>7.1f} {r['p50']:>7.1f} {r['p95']:>7.1f} "
                f"{r['requests']:>8} {ok:>7} {s[409]:>5} {other_4xx:>5} {server_errors:>5}  "
                f"{before['versions']} -> {after['versions']} ({expected}: "
                f"{r['created']} creates + {r['saved']} saves answered 2xx)"
                + ("  VERSIONS DO NOT ADD UP" if lost else ""),
                flush=True,
            )
            ops = Counter()
            for (op, _status), n in sorted(r["by_op"].items()):
                ops[op] += n
            print(
                "        by operation: "
                + ", ".join(
                    f"{op} {n}"
                    + "".join(
                        f" [{status}: {k}]"
                        for (o, status), k in sorted(r["by_op"].items())
                        if o == op and status >= 400
                    )
                    for op, n in ops.items()
                )
            )
            for code, text in sorted(r["examples"].items()):
                if code >= 400 and code != 409:
                    print(f"        first {code}: {text}")
            for failure in r["failures"][:3]:
                print(f"        client failure: {failure}")
            if after["gaps"]:
                print(f"        policies whose versions have a gap: {after['gaps']}")
            clean = clean and not server_errors and not lost and not r["failures"]
        if not clean:
            print_server_errors(tmp / "gunicorn.log")
    finally:
        if server is not None:
            stop_server(server)
            if server.returncode not in (0, -signal.SIGTERM):
                print((tmp / "gunicorn.log").read_text()[-3000:], file=sys.stderr)
        shutil.rmtree(tmp, ignore_errors=True)
    return clean


def print_server_errors(log: Path) -> None:
    """The distinct exceptions the server logged (its traceback's last line)."""
    lines = log.read_text(errors="replace").splitlines()
    seen = Counter(line for line in lines if "Error:" in line and not line.startswith(" "))
    for line, n in seen.most_common(5):
        print(f"        server log, {n} x: {line[:200]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--mix", choices=sorted(MIX), default="all")
    parser.add_argument("--clients", default=",".join(map(str, CONCURRENCY)))
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("BENCH_SECONDS", 60)))
    args = parser.parse_args()
    levels = tuple(int(n) for n in args.clients.split(","))
    mix = MIX[args.mix]
    print(f"mix: {', '.join(f'{op} {w}' for op, w in mix.items())} (weights)")
    # The figures mean little without it on a shared machine.
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the start")
    clean = True
    if args.database in ("sqlite", "both"):
        tmp = Path(tempfile.mkdtemp(prefix="scp-bench-load-db-"))
        try:
            url = f"sqlite:///{tmp / 'load.sqlite3'}"
            clean &= bench_database("SQLite", url, levels, mix, args.seconds)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    if args.database in ("postgres", "both"):
        server_url = os.environ.get("DATABASE_URL", "")
        if not server_url.startswith(("postgres://", "postgresql://")):
            print(
                "\nPostgreSQL: skipped. Set DATABASE_URL=postgres://... or run through "
                "`.ci/postgres` (a throwaway local server), as `make bench` does."
            )
        else:
            with PostgresDatabase(server_url) as url:
                clean &= bench_database("PostgreSQL", url, levels, mix, args.seconds)
    if not clean:
        print("\nNOT CLEAN: a server error, a client failure or a lost version (see above).")
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
