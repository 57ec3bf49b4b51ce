"""Benchmark: quota-aware packing (issue 19, item 5).

Run with `python tests/bench/bench_packing.py` (or `make bench`). Prints figures; asserts
nothing. Cases: five saved guardrail policies, each filled to the 5,120-character quota as
written (the templates, then guardrails like the diff benchmark's), packed for a node; one
policy of 50 statements far over the quota; the input limit (500 statements in 10
policies of drawn sizes, seeded); and a set where first-fit decreasing is one document
over the lower bound, so the bounded search runs. Each line gives the documents proposed,
the lower bound, whether the count is proved the fewest, characters in and out, and the
time (median and p95 of wall time, and the median of CPU time).
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from scpstudio.engine.packing import DOCUMENT_OVERHEAD, PackSource, pack  # noqa: E402
from scpstudio.engine.serialize import to_minified  # noqa: E402
from tests.bench.bench_diff import ACTIONS, fill, guardrail, text_of  # noqa: E402
from tests.bench.bench_engine import measure  # noqa: E402

TEMPLATES = ROOT / "scpstudio" / "policies" / "data" / "templates.json"


def saved_guardrails() -> list[PackSource]:
    """Five policies at the quota: the templates and numbered guardrails, so that many
    statements share their effect, resources and condition across policies."""
    templates = json.loads(TEMPLATES.read_text())["templates"]
    first = [s for t in templates for s in json.loads(t["document"])["Statement"]]
    out = []
    for p in range(5):
        start = first if p == 0 else []
        statements = fill(start, lambda i, p=p: guardrail(i + 7 * p))
        out.append(PackSource(f"Guardrails {p + 1}", text_of(statements)))
    return out


def one_too_big() -> list[PackSource]:
    statements = [
        {**guardrail(i), "Resource": [f"ims:*:*:image:img-{i:02d}-{'x' * 60}"]} for i in range(50)
    ]
    return [PackSource("Everything", text_of(statements))]


def at_the_limit() -> list[PackSource]:
    rng = random.Random(19)
    out = []
    for p in range(10):
        statements: list[dict[str, Any]] = []
        for i in range(50):
            pad = "x" * rng.randint(0, 900)
            statements.append(
                {
                    "Effect": "Deny",
                    "Action": rng.sample(ACTIONS, 2),
                    "Resource": [f"ims:*:*:image:p{p}-s{i}-{pad}"],
                }
            )
        out.append(PackSource(f"Drawn {p + 1}", text_of(statements)))
    return out


def _weighted(weight: int, tag: str) -> dict[str, Any]:
    """A statement weighing `weight` (its size and a comma), its padding spread over
    resources of at most 900 characters."""
    base: dict[str, Any] = {"Effect": "Deny", "Action": ["ims:images:get"], "Resource": []}
    pad = (
        weight
        - 1
        - (len(to_minified({"Version": "5.0", "Statement": [base]})) - DOCUMENT_OVERHEAD - 1)
    )
    n = 0
    while pad > 0:
        head = f"ims:*:*:image:{tag}{n}-"
        cost = len(head) + 2 + (1 if base["Resource"] else 0)
        body = min(900, pad - cost)
        if body < 1:
            break
        base["Resource"].append(head + "x" * body)
        pad -= cost + body
        n += 1
    return base


def search_needed() -> list[PackSource]:
    """Weights (quota 5,120: capacity 5,089) where first-fit decreasing needs a third
    document (2,024 + 1,883 + 1,070, then 1,706 + 1,358 + 1,338 leave 745 out) and two
    suffice (2,024 + 1,706 + 1,358 and 1,883 + 1,338 + 1,070 + 745)."""
    weights = [1883, 1706, 2024, 1070, 1358, 745, 1338]
    statements = [_weighted(w, f"w{i}-") for i, w in enumerate(weights)]
    return [
        PackSource("Tight", text_of(statements[:3])),
        PackSource("Tight 2", text_of(statements[3:])),
    ]


def main() -> None:
    cases = [
        ("5 guardrail policies at the quota", saved_guardrails(), 1),
        ("1 policy of 50 statements over the quota", one_too_big(), 4),
        ("limit: 500 statements in 10 policies", at_the_limit(), 4),
        ("first-fit decreasing one over the bound", search_needed(), 2),
    ]
    header = (
        f"{'case':44} {'stmts in/out':>12} {'docs':>4} {'bound':>5} {'fewest':>6} "
        f"{'chars in':>9} {'chars out':>9} {'median ms':>9} {'p95 ms':>7} {'cpu ms':>7}"
    )
    print("quota-aware packing, first-fit decreasing then a bounded search, quota 5,120")
    print(header)
    print("-" * len(header))
    for label, sources, slots in cases:
        result = pack(sources, free_slots=slots)
        figures = measure(lambda s=sources, n=slots: pack(s, free_slots=n))
        print(
            f"{label:44} {result.statements_in:>5}/{result.statements_out:<6} "
            f"{len(result.documents):>4} {result.lower_bound:>5} "
            f"{'yes' if result.proved_fewest else 'no':>6} {result.characters_in:>9,} "
            f"{result.characters_out:>9,} {figures['median']:>9.2f} {figures['p95']:>7.2f} "
            f"{figures['cpu']:>7.2f}"
        )
        print(f"  {result.verdict}")


if __name__ == "__main__":
    main()
