"""Benchmark: saving a version of a maximum-size policy, and comparing two such versions.

Run with `python tests/bench/bench_library.py` (or `make bench`). Prints figures; asserts
nothing.

It migrates a throwaway SQLite file (which loads the shipped catalog), as the server's
database would be, and for each profile's quota (5,120 characters for `scp`, 6,144 for
`identity`, the largest) fills two different policies to exactly the quota as written.
Then, for BENCH_SECONDS (default 5) each, it times:

* save: `services.save_version` of the other text on top of the latest version (the check
  of the document, the conditional update of the policy row, the new version row, commit);
* compare: `compare.compare` of the last two versions, the selector behind the library's
  Compare page (the text line by line, and the exact diff: every API some request treats
  differently, with a witness);
* api diff: `GET /api/v1/policies/{id}/diff?from=N-1&to=N` through Django's test client
  (routing, authentication, the same compare, the JSON answer), in this process;
* compare page: `GET /policies/{id}/compare/?from=N-1&to=N`, the HTML page with each API's
  witness in words;
* reviewed edit: issue 17's pair (`bench_diff.reviewed_pair`: the guardrail templates merged
  and filled to the quota, and a second version adding an OU to the share guard, dropping a
  region, removing a statement, narrowing a resource) saved as two versions, through the
  compare page, the compare page under a request context, and the API diff;
* export_data of everything saved above (`chars` is then the size of the backup file).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

SECONDS = float(os.environ.get("BENCH_SECONDS", "5"))
IMS_ACTION_GROUPS = (
    ("ims:images:share", "ims:images:addMember", "ims:images:updateMemberStatus"),
    ("ims:images:copyCrossRegion", "ims:images:copyInRegion", "ims:images:export"),
    ("ims:images:create", "ims:images:deleteImage", "ims:images:updateImage"),
    ("ims:serverImages:create", "ims:wholeImages:create", "ims:dataImages:create"),
    ("ims:images:import", "ims:images:upload", "ims:images:setTags", "ims:images:get"),
)


def statement(i: int, variant: int) -> dict[str, Any]:
    """A Deny of a few IMS actions unless the caller is one of two accounts (every fourth
    one unconditional). The second variant denies only the first two groups: the APIs of
    the other three change outcome."""
    groups = IMS_ACTION_GROUPS if variant == 0 else IMS_ACTION_GROUPS[:2]
    accounts = [f"{(i * 7919 + k + variant) % 10**12:012d}" for k in range(2)]
    condition: dict[str, Any] = {"StringNotEquals": {"g:PrincipalAccount": accounts}}
    if i % 3 == 1:
        condition["Bool"] = {"ims:Encrypted": ["false"]}
    out: dict[str, Any] = {
        "Sid": f"Guard{i}v{variant}",
        "Effect": "Deny",
        "Action": list(groups[i % len(groups)]),
        "Resource": ["*"],
    }
    if i % 4:
        out["Condition"] = condition
    return out


def text(count: int, variant: int) -> str:
    statements = [statement(i, variant) for i in range(count)]
    return json.dumps({"Version": "5.0", "Statement": statements}, indent=2)


def max_size_text(quota: int, variant: int) -> str:
    """As many statements as fit the quota as written, padded to exactly the quota."""
    count = 1
    while count < 1000 and len(text(count + 1, variant)) <= quota:
        count += 1
    body = text(count, variant)
    return body + " " * (quota - len(body))


def measure(fn: Callable[[], object]) -> dict[str, float]:
    fn()  # warm the catalog snapshot and the connection, as a running server would be
    wall: list[float] = []
    cpu: list[float] = []
    start = time.perf_counter()
    while time.perf_counter() - start < SECONDS or len(wall) < 20:
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
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)


def bench_profile(profile: str, quota: int, owner: Any) -> list[tuple[str, int, dict[str, float]]]:
    from django.test import Client

    from scpstudio.policies import services
    from scpstudio.policies.compare import compare
    from scpstudio.policies.models import Policy

    texts = (max_size_text(quota, 0), max_size_text(quota, 1))
    policy = services.create_policy(
        owner=owner, name=f"Max size {profile}", document=texts[0], profile=profile
    )
    turn = [0]

    def save() -> None:
        turn[0] += 1
        services.save_version(
            user=owner,
            policy=policy,
            document=texts[turn[0] % 2],
            base_version=policy.latest_version,
            message="bench",
        )

    def compared() -> object:
        n = policy.latest_version
        return compare(policy, n - 1, n)

    client = Client()
    client.force_login(owner)

    def api_diff() -> None:
        n = policy.latest_version
        answer = client.get(f"/api/v1/policies/{policy.pk}/diff?from={n - 1}&to={n}")
        if answer.status_code != 200:
            raise SystemExit(f"the diff endpoint answered {answer.status_code}: {answer.content!r}")

    def page() -> None:
        n = policy.latest_version
        _get(client, f"/policies/{policy.pk}/compare/?from={n - 1}&to={n}")

    results = [("save", quota, measure(save))]
    comparison = compared()
    apis = len(comparison.apis)  # type: ignore[attr-defined]
    results.append((f"compare ({apis} APIs change)", quota, measure(compared)))
    results.append((f"api diff ({apis} APIs change)", quota, measure(api_diff)))
    results.append((f"compare page ({apis} APIs change)", quota, measure(page)))
    versions = Policy.objects.get(pk=policy.pk).latest_version
    print(f"{profile}: {versions} versions saved; texts {len(texts[0])} and {len(texts[1])} chars")
    return results


def _get(client: Any, path: str) -> None:
    answer = client.get(path)
    if answer.status_code != 200:
        raise SystemExit(f"{path} answered {answer.status_code}: {answer.content[:300]!r}")


def bench_reviewed_edit(owner: Any) -> list[tuple[str, int, dict[str, float]]]:
    """Issue 17's reviewed pair through the pages and the API."""
    from django.test import Client

    from scpstudio.policies import services
    from scpstudio.policies.compare import compare
    from tests.bench.bench_diff import reviewed_pair

    v1, v2 = reviewed_pair()
    policy = services.create_policy(owner=owner, name="Reviewed", document=v1)
    services.save_version(user=owner, policy=policy, document=v2, base_version=1)
    client = Client()
    client.force_login(owner)
    base = f"/policies/{policy.pk}/compare/?from=1&to=2"
    narrowed = base + "&ctx_region=cn-north-4&ctx_keys=ims%3ATargetOrgPaths%3Do-x%2Fr-y%2Fou-z%2Fa"
    apis = len(compare(policy, 1, 2).apis)
    size = max(len(v1), len(v2))
    return [
        (f"reviewed: page ({apis} APIs change)", size, measure(lambda: _get(client, base))),
        ("reviewed: page under a context", size, measure(lambda: _get(client, narrowed))),
        (
            "reviewed: api diff",
            size,
            measure(lambda: _get(client, f"/api/v1/policies/{policy.pk}/diff?from=1&to=2")),
        ),
    ]


def main() -> None:
    warnings.filterwarnings("ignore", message="No directory at")  # static files: not served
    with tempfile.TemporaryDirectory(prefix="scp-bench-library-") as folder:
        setup_django(Path(folder) / "bench.sqlite3")
        from django.contrib.auth import get_user_model

        owner = get_user_model().objects.create_user("bench", "", "bench-password-1")
        rows = []
        for profile, quota in (("scp", 5120), ("identity", 6144)):
            rows += [(profile, *row) for row in bench_profile(profile, quota, owner)]
        rows += [("scp", *row) for row in bench_reviewed_edit(owner)]
        from scpstudio.policies.backup import backup_export

        sink: list[int] = []
        counts = backup_export(write=lambda piece: sink.append(len(piece)))
        rows.append(
            (
                "all",
                f"export_data ({counts['versions']} versions)",
                sum(sink),
                measure(lambda: backup_export(write=lambda piece: None)),
            )
        )
    print(
        f"{'profile':<9} {'case':<36} {'chars':>9} {'median ms':>10} {'p95 ms':>8} "
        f"{'cpu ms':>7} {'runs':>6}"
    )
    for profile, case, chars, m in rows:
        print(
            f"{profile:<9} {case:<36} {chars:>9} {m['median']:>10.2f} {m['p95']:>8.2f} "
            f"{m['cpu']:>7.2f} {m['runs']:>6.0f}"
        )
    print("median and p95: wall time; cpu: median CPU time of this process (less disturbed")
    print("by other work on the machine; the gap to wall time is SQLite's commit and waiting).")


if __name__ == "__main__":
    main()
