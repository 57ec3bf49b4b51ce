"""Benchmark: the exact diff of two policies (issue 17), the work behind the compare page.

Run with `python tests/bench/bench_diff.py` (or `make bench`). Prints figures; asserts
nothing. Cases, all on the shipped IMS catalog and each policy filled to the 5,120-character
quota: the shipped guardrail templates merged and padded with more guardrails, against a
reviewed second version (an OU added to the share guard, a region dropped, a statement
removed, a resource narrowed); the same policy against itself and against a rewrite with
the same meaning; and pairs drawn at random from the policy grammar (seeded), of which the
slowest is measured again.
"""

from __future__ import annotations

import copy
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from scpstudio.engine.catalog import Catalog  # noqa: E402
from scpstudio.engine.diff import diff_policies  # noqa: E402
from tests.bench.bench_engine import measure, shipped_catalog  # noqa: E402

QUOTA = 5120
TARGET_MS = 200
DRAWN_PAIRS = 40
TEMPLATES = ROOT / "scpstudio" / "policies" / "data" / "templates.json"

ACTIONS = [
    "ims:images:share",
    "ims:images:get",
    "ims:images:list",
    "ims:images:copyInRegion",
    "ims:images:copyCrossRegion",
    "ims:images:create",
    "ims:images:export",
    "ims:images:setTags",
    "ims:images:*",
    "ims:*:create",
    "ims:images:delete*",
    "obs:object:GetObject",
]
RESOURCES = [
    "*",
    "ims:*:*:image:*",
    "ims:cn-north-4:*:image:*",
    "ims:cn-north-*:*:image:gold-*",
    "ims:*:0a1b2c3d:image:*",
    "ims:ap-southeast-?:*:image:img-*",
]
CONDITIONS: list[tuple[str, str, list[Any]]] = [
    ("ForAnyValue:StringNotMatch", "ims:TargetOrgPaths", ["o-abc/r-def/ou-1/*", "o-abc/r-def/*"]),
    ("StringNotMatch", "g:PrincipalOrgPath", ["o-abc/r-def/ou-2/*", "o-abc/r-def/ou-3/acc*"]),
    ("StringNotEqualsIgnoreCase", "g:RequestTag/owner", ["team-a", "Team-B"]),
    ("StringEquals", "g:RequestedRegion", ["cn-north-4", "cn-south-1", "ap-southeast-3"]),
    ("Bool", "ims:Encrypted", ["false"]),
    ("Bool", "g:MFAPresent", ["false"]),
    ("NumberGreaterThan", "g:MFAAge", [3600, "7200"]),
    ("DateGreaterThan", "g:CurrentTime", ["2026-06-01T00:00:00Z"]),
    ("NotIpAddress", "g:SourceIp", ["10.0.0.0/8", "2001:db8::/32", "192.168.0.0/16"]),
    ("ForAllValues:StringEquals", "g:TagKeys", ["owner", "cost-center", "env"]),
    ("Null", "g:RequestTag/owner", ["true"]),
    ("StringNotEqualsIfExists", "g:EnterpriseProjectId", ["0", "ep-prod"]),
]


def text_of(statements: list[dict[str, Any]]) -> str:
    return json.dumps({"Version": "5.0", "Statement": statements}, indent=2)


def fill(statements: list[dict[str, Any]], more: Any) -> list[dict[str, Any]]:
    """Statements from `more()` added while the policy stays within the quota as written."""
    out = list(statements)
    while True:
        extra = more(len(out))
        if len(text_of([*out, extra])) > QUOTA:
            return out
        out.append(extra)


def guardrail(i: int) -> dict[str, Any]:
    """A realistic guardrail, varied by its number."""
    op, key, values = CONDITIONS[i % len(CONDITIONS)]
    return {
        "Sid": f"Guard{i}",
        "Effect": "Deny",
        "Action": [ACTIONS[(i * 3 + k) % len(ACTIONS)] for k in range(2)],
        "Resource": RESOURCES[i % len(RESOURCES)],
        "Condition": {op: {key: values}},
    }


def reviewed_pair() -> tuple[str, str]:
    """The templates merged and filled with guardrails, and a second version with edits."""
    templates = json.loads(TEMPLATES.read_text())["templates"]
    merged = [s for t in templates for s in json.loads(t["document"])["Statement"]]
    v1 = fill(merged, guardrail)
    v2 = copy.deepcopy(v1)
    share = v2[0]["Condition"]["ForAnyValue:StringNotMatch"]["ims:TargetOrgPaths"]
    share.append("o-a1b2c3d4e5/r-f6g7h8i9/ou-dev/*")
    for s in v2:
        for keys in s.get("Condition", {}).values():
            if "g:RequestedRegion" in keys and isinstance(keys["g:RequestedRegion"], list):
                keys["g:RequestedRegion"] = keys["g:RequestedRegion"][:-1]
                break
    v2.pop(3)
    v2[-1]["Resource"] = "ims:cn-north-4:*:image:gold-*"
    return text_of(v1), text_of(v2)


def rewrite(text: str) -> str:
    """The same meaning: statements reversed, each action list split, other layout."""
    statements = json.loads(text)["Statement"]
    out = []
    for s in reversed(statements):
        actions = s["Action"] if isinstance(s.get("Action"), list) else [s.get("Action")]
        out.extend({**s, "Action": [a]} for a in actions if a is not None)
    return json.dumps({"Statement": out, "Version": "5.0"}, indent=1)


def drawn_statement(rng: random.Random, allow: bool) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Effect": "Allow" if allow and rng.random() < 0.5 else "Deny",
        "Action": rng.sample(ACTIONS, rng.randint(1, 3)),
    }
    if rng.random() < 0.6:
        statement["Resource"] = rng.sample(RESOURCES, rng.randint(1, 2))
    condition: dict[str, dict[str, Any]] = {}
    for op, key, values in rng.sample(CONDITIONS, rng.randint(0, 3)):
        chosen = rng.sample(values, rng.randint(1, len(values)))
        condition.setdefault(op, {})[key] = chosen
    if condition:
        statement["Condition"] = condition
    return statement


def drawn_pair(seed: int) -> tuple[str, str, str]:
    """Two max-size policies: a drawn one and an edited copy (or another drawn one)."""
    rng = random.Random(seed)
    profile = "identity" if seed % 4 == 3 else "scp"
    allow = profile == "identity"
    v1 = fill([], lambda _: drawn_statement(rng, allow))
    if rng.random() < 0.25:
        return text_of(v1), text_of(fill([], lambda _: drawn_statement(rng, allow))), profile
    v2 = copy.deepcopy(v1)
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(v2))
        if rng.random() < 0.5:
            v2[i] = drawn_statement(rng, allow)
        else:
            v2.pop(i)
    return text_of(v1), text_of(fill(v2, lambda _: drawn_statement(rng, allow))), profile


def summary(catalog: Catalog, before: str, after: str, profile: str) -> str:
    diff = diff_policies(before, after, catalog, profile)
    apis = diff.of_kind("api")
    undecided = sum(1 for c in diff.changes if c.change == "undecided")
    return f"{len(apis)} APIs change, {undecided} entries undecided"


def main() -> None:
    ims = shipped_catalog()
    v1, v2 = reviewed_pair()
    cases = {
        "reviewed edit": (v1, v2, "scp"),
        "itself": (v1, v1, "scp"),
        "rewrite, same meaning": (v1, rewrite(v1), "scp"),
    }
    header = f"{'case':<40} {'chars':>11} {'median ms':>10} {'p95 ms':>8} {'cpu ms':>8} {'runs':>5}"
    print("exact diff, IMS catalog, policies at the 5,120-character quota")
    print(header)
    print("-" * len(header))
    for name, (a, b, profile) in cases.items():
        m = measure(lambda a=a, b=b, p=profile: diff_policies(a, b, ims, p))
        print(
            f"{name:<40} {len(a):>5}/{len(b):>5} {m['median']:>10.1f} {m['p95']:>8.1f} "
            f"{m['cpu']:>8.1f} {m['runs']:>5.0f}   {summary(ims, a, b, profile)}"
        )
    # the worst pair is chosen by CPU time, which other processes on the machine disturb less
    times = []
    for seed in range(DRAWN_PAIRS):
        a, b, profile = drawn_pair(seed)
        diff_policies(a, b, ims, profile)  # warm, as the measured cases are
        w0, c0 = time.perf_counter(), time.process_time()
        diff_policies(a, b, ims, profile)
        times.append(((time.process_time() - c0) * 1000, (time.perf_counter() - w0) * 1000, seed))
    times.sort()
    worst_cpu, _, worst = times[-1]
    a, b, profile = drawn_pair(worst)
    m = measure(lambda: diff_policies(a, b, ims, profile))
    name = f"worst of {DRAWN_PAIRS} drawn (seed {worst}, {profile})"
    print(
        f"{name:<40} {len(a):>5}/{len(b):>5} {m['median']:>10.1f} {m['p95']:>8.1f} "
        f"{m['cpu']:>8.1f} {m['runs']:>5.0f}   {summary(ims, a, b, profile)}"
    )
    cpu = [t[0] for t in times]
    wall = sorted(t[1] for t in times)
    print(
        f"drawn pairs, one run each: cpu median {cpu[len(cpu) // 2]:.1f} ms, p95 "
        f"{cpu[int(len(cpu) * 0.95) - 1]:.1f} ms, worst {worst_cpu:.1f} ms; wall median "
        f"{wall[len(wall) // 2]:.1f} ms, p95 {wall[int(len(wall) * 0.95) - 1]:.1f} ms, worst "
        f"{wall[-1]:.1f} ms"
    )
    print(f"target: under {TARGET_MS} ms for two maximum-size policies")


if __name__ == "__main__":
    main()
