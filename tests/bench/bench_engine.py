"""Benchmark: validate + preview, the work the editor does on every keystroke.

Run with `python tests/bench/bench_engine.py` (or `make bench`). Prints figures;
asserts nothing. Cases: the shipped IMS catalog and a generated catalog of 10,000
actions over 100 services; policies of 1, 10 and 50 statements, and one filled to
the 5,120-character quota.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from scpstudio.engine.analysis import analyze_policy  # noqa: E402
from scpstudio.engine.catalog import Catalog  # noqa: E402
from scpstudio.engine.catalog_json import catalog_from_json  # noqa: E402
from scpstudio.engine.statement_memory import forget_statements  # noqa: E402

QUOTA = 5120
SIZES = (1, 10, 50)


def shipped_catalog() -> Catalog:
    data = ROOT / "catalog" / "data"
    docs = [json.loads((data / n).read_text()) for n in ("global-keys.json", "ims.json")]
    return catalog_from_json(docs)


def generated_catalog(services: int = 100, per_service: int = 100) -> Catalog:
    """A synthetic catalog shaped like Huawei's pages: resources, keys, APIs, dependencies."""
    global_keys = json.loads((ROOT / "catalog" / "data" / "global-keys.json").read_text())
    docs: list[dict[str, Any]] = [global_keys]
    for s in range(services):
        prefix = f"svc{s:03d}"
        actions = []
        apis = []
        for a in range(per_service):
            name = f"{prefix}:res{a % 5}:op{a:03d}"
            has_resource = a % 3 != 0
            dependencies = []
            if a % 10 == 1:
                dependencies.append(f"{prefix}:res0:op000")
            if a % 25 == 2:
                dependencies.append(f"svc{(s + 1) % services:03d}:res1:op001")
            actions.append(
                {
                    "name": name,
                    "description": "",
                    "access_level": ("list", "read", "write")[a % 3],
                    "resource_types": [{"name": f"thing{a % 2}", "required": True}]
                    if has_resource
                    else [],
                    "condition_keys": [f"{prefix}:Flag"]
                    if a % 4 == 0
                    else ["g:EnterpriseProjectId"],
                    "dependencies": dependencies,
                }
            )
            link = {"action": name, "note": "", "conditional": False}
            apis.append({"method": "POST", "path": f"/v1/{prefix}/{a}", "actions": [link]})
        docs.append(
            {
                "services": [
                    {
                        "prefix": prefix,
                        "name": prefix.upper(),
                        "resource_types": [
                            {
                                "name": "thing0",
                                "urn_pattern": f"{prefix}:<region>:<account-id>:thing0:<id>",
                            },
                            {
                                "name": "thing1",
                                "urn_pattern": f"{prefix}:<region>:<account-id>:thing1:<id>",
                            },
                        ],
                        "condition_keys": [
                            {"name": f"{prefix}:Flag", "type": "boolean", "multivalued": False},
                            {"name": f"{prefix}:Paths", "type": "string", "multivalued": True},
                        ],
                        "actions": actions,
                        "apis": apis,
                    }
                ]
            }
        )
    return catalog_from_json(docs)


def statement(i: int, names: list[str], resource: str, flag_key: str) -> dict[str, Any]:
    """A realistic guardrail: a few actions, a resource, a negated org condition."""
    return {
        "Sid": f"Guard{i}",
        "Effect": "Deny",
        "Action": [names[(i * 3 + k) % len(names)] for k in range(3)],
        "Resource": [resource] if i % 2 else "*",
        "Condition": {
            "StringNotMatch": {"g:PrincipalOrgPath": [f"o-abc/r-def/ou-{i}/*"]},
            "Bool": {flag_key: "false"} if i % 3 == 0 else {"g:MFAPresent": "false"},
        },
    }


def policy_text(count: int, names: list[str], resource: str, flag_key: str) -> str:
    statements = [statement(i, names, resource, flag_key) for i in range(count)]
    return json.dumps({"Version": "5.0", "Statement": statements}, indent=2)


def max_size_text(names: list[str], resource: str, flag_key: str) -> str:
    """As many statements as fit in the quota as written, padded to exactly the limit."""
    count = 1
    while len(policy_text(count + 1, names, resource, flag_key)) <= QUOTA:
        count += 1
    text = policy_text(count, names, resource, flag_key)
    return text + " " * (QUOTA - len(text))


def measure(fn: Callable[[], object], budget: float = 1.5) -> dict[str, float]:
    """Median and p95 in milliseconds of wall time, and the median of CPU time, which
    other processes on a busy machine disturb less; repeats until the budget is spent.
    Each run is of a policy never seen: the statement memory (what an editor's next
    keystroke reuses, bench_anchors.py times that) is emptied before it, untimed."""
    fn()  # warm the catalog's memos, as a running server would be
    wall: list[float] = []
    cpu: list[float] = []
    start = time.perf_counter()
    while time.perf_counter() - start < budget or len(wall) < 20:
        forget_statements()
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - w0) * 1000)
    wall.sort()
    cpu.sort()
    return {
        "median": statistics.median(wall),
        "p95": wall[int(len(wall) * 0.95) - 1],
        "cpu": statistics.median(cpu),
        "cpu_p95": cpu[int(len(cpu) * 0.95) - 1],
        "runs": len(wall),
    }


def cases(catalog: Catalog, names: list[str], resource: str, flag: str) -> dict[str, str]:
    out = {f"{n} statement(s)": policy_text(n, names, resource, flag) for n in SIZES}
    out["max size (5,120 chars)"] = max_size_text(names, resource, flag)
    return out


def main() -> None:
    ims = shipped_catalog()
    big_start = time.perf_counter()
    big = generated_catalog()
    built = (time.perf_counter() - big_start) * 1000
    print(f"generated catalog: {len(big.actions)} actions, {len(big.apis)} APIs ({built:.0f} ms)")
    ims_names = sorted(a.name for a in ims.actions.values())
    big_names = sorted(a.name for a in big.actions.values() if a.service in ("svc000", "svc001"))
    suites = {
        "IMS": (ims, cases(ims, ims_names, "ims:*:*:image:*", "ims:Encrypted")),
        "10k actions": (big, cases(big, big_names, "svc000:*:*:thing0:*", "svc000:Flag")),
    }
    results: dict[tuple[str, str], float] = {}
    cpu: dict[tuple[str, str], float] = {}
    header = (
        f"{'catalog':<12} {'policy':<24} {'chars':>6} {'APIs':>5} {'median ms':>10} "
        f"{'p95 ms':>8} {'cpu ms':>8} {'runs':>6}"
    )
    print(header)
    print("-" * len(header))
    for label, (catalog, texts) in suites.items():
        for case, text in texts.items():
            analysis = analyze_policy(text, catalog)
            m = measure(lambda c=catalog, t=text: analyze_policy(t, c))
            results[(label, case)] = m["median"]
            cpu[(label, case)] = m["cpu"]
            apis = len(analysis.preview.apis)
            print(
                f"{label:<12} {case:<24} {len(text):>6} {apis:>5} {m['median']:>10.3f} "
                f"{m['p95']:>8.3f} {m['cpu']:>8.3f} {m['runs']:>6.0f}"
            )
    print()
    print("growth with policy size (median / median of 1 statement):")
    for label in suites:
        base = results[(label, "1 statement(s)")]
        ratios = ", ".join(
            f"{case}: x{results[(label, case)] / base:.1f}"
            for case in suites[label][1]
            if case != "1 statement(s)"
        )
        print(f"  {label}: {ratios}")
    print("growth with catalog size (10k actions / IMS, same policy shape):")
    for case in suites["IMS"][1]:
        print(f"  {case}: x{results[('10k actions', case)] / results[('IMS', case)]:.2f}")
    target = results[("IMS", "max size (5,120 chars)")]
    big_max = results[("10k actions", "max size (5,120 chars)")]
    print()
    case = "max size (5,120 chars)"
    print(
        f"target 1: max-size policy on IMS, median {target:.3f} ms "
        f"(cpu {cpu[('IMS', case)]:.3f} ms); target < 2 ms"
    )
    print(
        f"target 2: max-size policy on 10k catalog, median {big_max:.3f} ms "
        f"(cpu {cpu[('10k actions', case)]:.3f} ms); target < 3 x IMS = {3 * target:.3f} ms"
    )


if __name__ == "__main__":
    main()
