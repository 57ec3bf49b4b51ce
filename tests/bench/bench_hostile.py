"""Benchmark: hostile input at the engine's limits, and past them.

Run with `python tests/bench/bench_hostile.py` (or `make bench`). Prints figures; asserts
nothing. Each case is validate + preview (what one request runs) on the shipped IMS
catalog: first the input as an attacker sent it (refused before any work, so only the
refusal is timed), then the worst input of the same shape that the limits still admit.
The aim is every case under 50 ms.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from scpstudio.engine import limits  # noqa: E402
from scpstudio.engine.analysis import analyze_policy  # noqa: E402
from scpstudio.engine.catalog import Catalog  # noqa: E402
from scpstudio.engine.errors import EngineInputError  # noqa: E402
from tests.bench.bench_engine import measure, shipped_catalog  # noqa: E402

TARGET_MS = 50.0


def deny(condition: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": "Deny", "Action": ["ims:images:*"], **extra}
    if condition:
        statement["Condition"] = condition
    return statement


def text(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "5.0", "Statement": list(statements)})


def fill(make: Any, budget: int = limits.MAX_POLICY_CHARS) -> list[Any]:
    """As many `make(i)` items as the policy's character limit admits in one list."""
    items: list[Any] = []
    size = 120  # the rest of the document
    i = 0
    while len(items) < limits.MAX_ITEMS:
        item = make(i)
        size += len(json.dumps(item)) + 2
        if size > budget:
            break
        items.append(item)
        i += 1
    return items


def ips(count: int, start: int = 0) -> list[str]:
    return [f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}" for i in range(start, start + count)]


def cidrs(count: int) -> list[str]:
    return [f"172.{16 + (i >> 8) % 16}.{i & 255}.0/24" for i in range(count)]


def pattern(i: int, size: int) -> str:
    """A pattern that fails only at its end: every piece is found, then the tail misses."""
    return "*" + ("a?" * (size // 2))[: size - 3] + f"{i % 10}b"


def cases() -> dict[str, tuple[str, dict[str, Any]]]:
    long_value = "a" * limits.MAX_CONTEXT_CHARS
    ua = "*" + "a" * 400 + "b"
    n_values = limits.MAX_CONTEXT_VALUES
    return {
        # as reported: refused at once
        "StringMatch *a{400}b vs a 40,000-char g:UserAgent (refused)": (
            text(deny({"StringMatch": {"g:UserAgent": ua}})),
            {"keys": {"g:UserAgent": ["a" * 40_000]}},
        ),
        "1,000 CIDRs vs 1,000 IPs (refused)": (
            text(deny({"IpAddress": {"g:SourceIp": cidrs(1_000)}})),
            {"keys": {"g:SourceIp": ips(1_000)}},
        ),
        "8,000 x 8,000 StringEquals values (refused)": (
            text(deny({"StringEquals": {"g:CalledVia": [f"v{i}" for i in range(8_000)]}})),
            {"keys": {"g:CalledVia": [f"w{i}" for i in range(8_000)]}},
        ),
        "resource pattern vs a 40,000-char image id (refused)": (
            text(deny(Resource=["ims:*:*:image:*" + "a" * 400 + "b"])),
            {"resource_ids": {"image": "a" * 40_000}},
        ),
        # the worst the limits admit
        "StringMatch *a{400}b vs a 1,024-char g:UserAgent": (
            text(deny({"StringMatch": {"g:UserAgent": ua}})),
            {"keys": {"g:UserAgent": [long_value]}},
        ),
        "StringMatch: patterns x values, each long, `?` in every piece": (
            text(
                deny(
                    {"ForAnyValue:StringMatch": {"g:CalledVia": fill(lambda i: pattern(i, 1_000))}}
                )
            ),
            {"keys": {"g:CalledVia": [long_value[:-1] + str(i % 10) for i in range(n_values)]}},
        ),
        "IpAddress: 200 CIDRs x 1 IP": (
            text(deny({"IpAddress": {"g:SourceIp": cidrs(limits.MAX_ITEMS)}})),
            {"keys": {"g:SourceIp": ips(1)}},
        ),
        "ForAnyValue IpAddress: 200 CIDRs x 100 IPs": (
            text(deny({"ForAnyValue:IpAddress": {"g:CalledVia": cidrs(limits.MAX_ITEMS)}})),
            {"keys": {"g:CalledVia": ips(n_values)}},
        ),
        "ForAllValues StringEquals: 200 x 100 values": (
            text(
                deny({"ForAllValues:StringEquals": {"g:CalledVia": [f"v{i}" for i in range(200)]}})
            ),
            {"keys": {"g:CalledVia": [f"v{i}" for i in range(n_values)]}},
        ),
        "resource pattern vs a 1,024-char image id": (
            text(deny(Resource=["ims:*:*:image:*" + "a?" * 200 + "b"])),
            {"resource_ids": {"image": long_value}},
        ),
        "every statement the limits admit, each with long patterns": (
            text(
                *[
                    deny(
                        {"StringMatch": {"g:UserAgent": ["*" + "a" * 100 + f"{i}b"]}},
                        Sid=f"S{i}",
                        Resource=["ims:*:*:image:*" + "a" * 50 + "b"],
                    )
                    for i in range(limits.MAX_STATEMENTS)
                ]
            ),
            {"keys": {"g:UserAgent": [long_value]}, "resource_ids": {"image": long_value}},
        ),
        "action patterns with a wildcard service, as many as admitted": (
            text(
                *[
                    {
                        "Effect": "Deny",
                        "Action": [f"*:*:a{i}{j}*" for j in range(2)],
                    }
                    for i in range(limits.MAX_WILDCARD_ACTIONS // 2)
                ]
            ),
            {},
        ),
        "context at its limits: 50 keys x 100 values x 1,024 chars": (
            text(deny({"StringNotMatch": {"g:CalledVia": ["*x*y*z*"]}})),
            {
                "keys": {
                    f"g:PrincipalTag/k{k}": [long_value] * n_values
                    for k in range(limits.MAX_CONTEXT_KEYS - 1)
                }
                | {"g:CalledVia": [long_value] * n_values}
            },
        ),
    }


def run(catalog: Catalog, policy: str, context: dict[str, Any]) -> str:
    try:
        analysis = analyze_policy(policy, catalog, "identity", context)
    except EngineInputError as exc:
        return f"refused: {exc}"
    codes = {f.code.value for f in analysis.findings if f.code.value.endswith("EXCEEDED")}
    if codes:
        return f"refused: {sorted(codes)[0]}"
    return f"{len(analysis.preview.apis)} APIs"


def main() -> None:
    catalog = shipped_catalog()
    print(f"{'case':<66} {'chars':>7} {'median ms':>10} {'p95 ms':>8}  result")
    worst = 0.0
    for label, (policy, context) in cases().items():
        result = run(catalog, policy, context)
        m = measure(lambda p=policy, c=context: run(catalog, p, c), budget=0.5)
        worst = max(worst, m["p95"])
        print(f"{label:<66} {len(policy):>7} {m['median']:>10.2f} {m['p95']:>8.2f}  {result}")
    verdict = "met" if worst < TARGET_MS else "MISSED"
    print(f"\nworst p95 {worst:.2f} ms; target every case < {TARGET_MS:.0f} ms: {verdict}")


if __name__ == "__main__":
    main()
