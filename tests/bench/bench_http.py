"""Benchmark: live validation over HTTP, against gunicorn as it is deployed.

Run with `python tests/bench/bench_http.py`. Prints figures; asserts nothing.

It migrates a throwaway SQLite database (which loads the shipped catalog), starts
`gunicorn scpstudio.wsgi -w 2` on a free loopback port, and for 1, 8 and 32 concurrent
clients (threads, each with its own keep-alive connection) sends a policy filled close to
the 5,120-character quota, for BENCH_SECONDS (default 20) per level, in these scenarios:

* rest: `POST /api/v1/validate` then `POST /api/v1/preview` (one keystroke = two requests);
* rest validate: `POST /api/v1/validate` alone, what the editor's keystroke is compared
  with at 8 clients (the last lines: its p95 over REST validation's);
* editor: `POST /editor/` with the form as editor.js sends it (a JSON object of fields,
  `HX-Request: true`, and what the page already shows, so that the answer can leave it
  out), for a keystroke in the form (`op=check`, with the JSON text the change is written
  into) and in the JSON view (`op=json`).

Every request is an edit never seen before (the first statement's Sid gets the next number,
`NewEdits`), on the REST side as on the editor's: a benchmark that sends the same text
again measures the memos, not the work.

Latencies are per request as the client sees them; `round p95` is the keystroke (for `rest`,
the pair); `server` is the time inside a worker, from gunicorn's access log, so the gap to the
client's figure is time spent queued (2 sync workers) or waiting for a CPU. Loopback only.
`gc ms/req` is the workers' garbage collector time per request, `full` its full passes and
`longest` the longest of them, in ms (`gc_probe.py`): a pass holds up the request it falls in.
"""

from __future__ import annotations

import http.client
import itertools
import json
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.serving import (  # noqa: E402
    COLLECTOR_COLUMNS,
    HOST,
    REQUEST_TIMEOUT,
    WORKERS,
    Client,
    Collector,
    free_port,
    ms,
    server_env,
    start_server,
    stop_server,
    wait_ready,
)

QUOTA = 5120
CONCURRENCY = (1, 8, 32)
KEYSTROKE_CLIENTS = 8  # the level the keystroke is compared with REST validation at

IMS_ACTION_GROUPS = (
    ("ims:images:share", "ims:images:addMember", "ims:images:updateMemberStatus"),
    ("ims:images:copyCrossRegion", "ims:images:copyInRegion", "ims:images:export"),
    ("ims:images:create", "ims:images:deleteImage", "ims:images:updateImage"),
    ("ims:serverImages:create", "ims:wholeImages:create", "ims:dataImages:create"),
    ("ims:images:import", "ims:images:upload", "ims:images:setTags"),
)


# -- the policy ------------------------------------------------------------------------------


def statement(i: int) -> dict[str, Any]:
    """A Deny on a few IMS actions, unless the caller is one of two accounts of its own."""
    accounts = [f"{(i * 7919 + k) % 10**12:012d}" for k in range(2)]
    condition: dict[str, Any] = {"StringNotEquals": {"g:PrincipalAccount": accounts}}
    if i % 5 == 1:
        condition["Bool"] = {"ims:Encrypted": ["false"]}
    return {
        "Sid": f"DenyIms{i}",
        "Effect": "Deny",
        "Action": list(IMS_ACTION_GROUPS[i % len(IMS_ACTION_GROUPS)]),
        "Resource": ["*"],
        "Condition": condition,
    }


def minified(statements: int) -> str:
    document = {"Version": "5.0", "Statement": [statement(i) for i in range(statements)]}
    return json.dumps(document, separators=(",", ":"))


def max_size_policy() -> str:
    """As many statements as fit the quota minified (bounded: the text only grows)."""
    count = 1
    while count < 1000 and len(minified(count + 1)) <= QUOTA:
        count += 1
    return minified(count)


# -- the clients ------------------------------------------------------------------------------


@dataclass
class Tally:
    requests: list[float] = field(default_factory=list)  # seconds per request
    rounds: list[float] = field(default_factory=list)  # seconds per keystroke round trip
    errors: int = 0
    first_error: str = ""

    def error(self, what: str) -> None:
        self.errors += 1
        self.first_error = self.first_error or what


_EDIT_NUMBERS = itertools.count(1)  # next() is atomic: the client threads share it
TEXT_SID = "TextSidMark"  # the first Sid in the text a request sends
FORM_SID = "FormSidMark"  # and in the form's Sid field


class NewEdits:
    """Request bodies each an edit never seen before, as typing is: the first statement's
    Sid gets the next number (marks in the body encoded once, replaced per request).
    `chained` (the editor's, one per client): the text mark gets the client's last form
    number, as editor.js posts what the last answer wrote or drew; the form the next."""

    def __init__(self, body: bytes, *, chained: bool = False) -> None:
        self.body = body
        self.chained = chained
        self.last: int | None = None

    def next(self) -> bytes:
        n = next(_EDIT_NUMBERS)  # shared by every client: no two send the same edit
        if not self.chained:
            return self.body.replace(TEXT_SID.encode(), f"Edit{n}".encode())
        last = self.last if self.last is not None else next(_EDIT_NUMBERS)
        self.last = n
        text_sid, form_sid = f"Edit{last}".encode(), f"Edit{n}".encode()
        return self.body.replace(TEXT_SID.encode(), text_sid).replace(FORM_SID.encode(), form_sid)


def first_sid(policy: str, sid: str) -> str:
    """The policy with its first statement's Sid replaced by `sid`."""
    return policy.replace('"DenyIms0"', f'"{sid}"', 1)


class RestScenario:
    name = "rest (validate + preview)"
    requests_per_round = 2
    paths = ("/api/v1/validate", "/api/v1/preview")

    def __init__(self, policy: str) -> None:
        self.body = json.dumps({"document": first_sid(policy, TEXT_SID), "profile": "scp"})
        self.headers = {"Content-Type": "application/json"}

    def prepare(self, client: Client) -> Any:
        return NewEdits(self.body.encode())

    def round(self, client: Client, state: Any, tally: Tally) -> None:
        body = state.next()  # one keystroke: the same new text validated and previewed
        for path in self.paths:
            t0 = time.perf_counter()
            response = client.send("POST", path, body, self.headers)
            tally.requests.append(time.perf_counter() - t0)
            if response.status != 200:
                tally.error(f"{path}: HTTP {response.status}")


class RestValidateScenario(RestScenario):
    """The REST validation alone: what a keystroke of the editor is compared with."""

    name = "rest validate (POST /api/v1/validate)"
    requests_per_round = 1
    paths = ("/api/v1/validate",)


class EditorScenario:
    """The editor's keystroke: the form posted back, as the browser does.

    `op=check` is a keystroke in the form: the first Sid field holds the next number,
    and the JSON text (the document its change is written into) the client's number
    before, as the last answer wrote it; `op=json` a keystroke in the JSON view: the text
    holds the next number and the form the client's number before, as the last answer
    drew it. Every request is a new edit (`NewEdits`, chained), as on the REST side.
    """

    requests_per_round = 1

    def __init__(self, policy: str, op: str) -> None:
        self.op = op
        self.name = f"editor {op} (POST /editor/, HX-Request, the form as editor.js sends it)"
        self.policy = policy

    def prepare(self, client: Client) -> Any:
        """GET the editor for the CSRF cookie, then open the policy to read the form."""
        response = client.send("GET", "/editor/", None, {})
        cookie = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie.load(header)
        token = cookie["csrftoken"].value
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-CSRFToken": token,
            "Cookie": f"csrftoken={token}",
        }
        opened = {"source": "json", "op": "json", "json": self.policy, "profile": "scp"}
        page = client.send("POST", "/editor/", urlencode(opened).encode(), headers)
        fields = form_fields_of(page.body.decode())
        fields["op"] = [self.op]
        if self.op == "check":
            # As editor.js does: a form keystroke carries the JSON text its change is
            # written into (the text is the document).
            assert fields.get("source") == ["form"], fields.get("source")
        # the marks NewEdits numbers: TEXT_SID the client's last number, FORM_SID the next
        if self.op == "json":  # the text one ahead of the form
            fields["json"] = [first_sid(self.policy, FORM_SID)]
            fields["s0-sid"] = [TEXT_SID]
        else:  # the form one ahead of the text
            fields["json"] = [first_sid(self.policy, TEXT_SID)]
            fields["s0-sid"] = [FORM_SID]
        headers = {**headers, "Content-Type": "application/json", "HX-Request": "true"}
        return {"headers": headers, "bodies": NewEdits(json.dumps(fields).encode(), chained=True)}

    def round(self, client: Client, state: Any, tally: Tally) -> None:
        body = state["bodies"].next()
        t0 = time.perf_counter()
        response = client.send("POST", "/editor/", body, state["headers"])
        tally.requests.append(time.perf_counter() - t0)
        if response.status != 200:
            tally.error(f"/editor/ {self.op}: HTTP {response.status}")


def form_fields_of(html: str) -> dict[str, list[str]]:
    """The editor form's fields as a browser would post them."""
    from tests.editor.helpers import _FormReader

    reader = _FormReader("editor")
    reader.feed(html)
    reader.close()
    out: dict[str, list[str]] = {}
    for name, value in reader.fields:
        out.setdefault(name, []).append(value)
    return out


def client_loop(port: int, scenario: Any, deadline: float, tally: Tally) -> None:
    client = Client(port)
    try:
        state = scenario.prepare(client)
        while time.monotonic() < deadline:
            t0 = time.perf_counter()
            try:
                scenario.round(client, state, tally)
            except (OSError, http.client.HTTPException) as exc:
                tally.error(f"{type(exc).__name__}: {exc}")
                continue
            tally.rounds.append(time.perf_counter() - t0)
    except (OSError, http.client.HTTPException, KeyError) as exc:
        tally.error(f"setup: {type(exc).__name__}: {exc}")
    finally:
        client.close()


def server_times(access_log: Path, offset: int) -> tuple[list[float], int]:
    """Seconds the workers spent on each POST logged since `offset`, and the new offset."""
    with access_log.open("rb") as log:
        log.seek(offset)
        lines = log.read().decode(errors="replace").splitlines()
        end = log.tell()
    times = []
    for line in lines:
        parts = line.split()
        if len(parts) == 4 and parts[0] == "POST" and parts[3].isdigit():
            times.append(int(parts[3]) / 1e6)
    return sorted(times), end


def run_level(port: int, scenario: Any, clients: int, seconds: float) -> dict[str, Any]:
    tallies = [Tally() for _ in range(clients)]
    start = time.monotonic()
    deadline = start + seconds
    threads = [
        threading.Thread(target=client_loop, args=(port, scenario, deadline, t), daemon=True)
        for t in tallies
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + REQUEST_TIMEOUT + 10)
    elapsed = time.monotonic() - start
    requests = sorted(x for t in tallies for x in t.requests)
    rounds = sorted(x for t in tallies for x in t.rounds)
    return {
        "clients": clients,
        "rps": len(requests) / elapsed,
        "p50": ms(requests, 0.50),
        "p95": ms(requests, 0.95),
        "round_p95": ms(rounds, 0.95),
        "requests": len(requests),
        "errors": sum(t.errors for t in tallies),
        "first_error": next((t.first_error for t in tallies if t.first_error), ""),
    }


# -- the report ----------------------------------------------------------------------------


def check_policy(port: int, policy: str) -> str:
    """The policy must be valid and the catalog loaded, or the figures mean nothing."""
    client = Client(port)
    try:
        body = json.dumps({"document": policy}).encode()
        answers = [client.post_json(p, body) for p in ("/api/v1/validate", "/api/v1/preview")]
    finally:
        client.close()
    for answer in answers:
        if answer.status != 200:
            raise RuntimeError(f"HTTP {answer.status}: {answer.body[:300]!r}")
    validation, preview = (json.loads(a.body) for a in answers)
    errors = [f["code"] for f in validation["findings"] if f["severity"] == "error"]
    if errors:
        raise RuntimeError(f"the benchmark policy has errors: {errors}")
    return (
        f"{len(validation['findings'])} finding(s), no error; "
        f"preview of {preview['summary']['apis']} APIs: {preview['summary']}"
    )


def main() -> None:
    seconds = float(os.environ.get("BENCH_SECONDS", "20"))
    policy = max_size_policy()
    tmp = Path(tempfile.mkdtemp(prefix="scp-bench-"))
    port = free_port()
    server = None
    try:
        access_log = tmp / "access.log"
        server = start_server(
            server_env(f"sqlite:///{tmp / 'bench.sqlite3'}"), port, tmp / "gunicorn.log", access_log
        )
        wait_ready(port, server)
        collector = Collector(tmp)
        print(f"gunicorn -w {WORKERS} on {HOST}:{port}; {seconds:g} s per level")
        print(f"policy: {len(policy)} characters minified (quota {QUOTA})")
        print(f"check: {check_policy(port, policy)}")
        scenarios = (
            RestScenario(policy),
            RestValidateScenario(policy),
            EditorScenario(policy, "check"),
            EditorScenario(policy, "json"),
        )
        p95: dict[tuple[str, int], float] = {}
        for scenario in scenarios:
            print(f"\n{scenario.name}")
            print(
                f"{'clients':>7} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
                f"{'round p95':>10} {'server p50':>11} {'server p95':>11} "
                f"{'requests':>9} {'errors':>7} {COLLECTOR_COLUMNS}"
            )
            for clients in CONCURRENCY:
                _, offset = server_times(access_log, 0)
                collector.passes()  # those of the levels before
                r = run_level(port, scenario, clients, seconds)
                p95[(scenario.name, clients)] = r["p95"]
                worker, _ = server_times(access_log, offset)
                print(
                    f"{r['clients']:>7} {r['rps']:>8.1f} {r['p50']:>8.1f} {r['p95']:>8.1f} "
                    f"{r['round_p95']:>10.1f} {ms(worker, 0.50):>11.1f} "
                    f"{ms(worker, 0.95):>11.1f} {r['requests']:>9} {r['errors']:>7} "
                    f"{collector.summary(len(worker))}"
                    + (f"  first error: {r['first_error']}" if r["errors"] else ""),
                    flush=True,
                )
        rest = p95[(scenarios[1].name, KEYSTROKE_CLIENTS)]
        print(
            f"\nkeystroke p95 at {KEYSTROKE_CLIENTS} clients against REST validate p95 "
            f"({rest:.1f} ms):"
        )
        for scenario, view in ((scenarios[2], "form"), (scenarios[3], "JSON view")):
            mine = p95[(scenario.name, KEYSTROKE_CLIENTS)]
            print(f"  {view:<9} {mine:7.1f} ms: x{mine / rest:.2f} (target <= x1.3)")
        load = os.getloadavg()
        print(f"load average: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} ({os.cpu_count()} cores)")
    finally:
        if server is not None:
            stop_server(server)
            if server.returncode not in (0, -signal.SIGTERM):
                print((tmp / "gunicorn.log").read_text()[-3000:], file=sys.stderr)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
