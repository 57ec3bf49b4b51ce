"""Benchmark: the engine against its anchors, and incremental analysis, side by side.

Run with `python tests/bench/bench_anchors.py` (or `make bench`, which first installs the
anchors with `make bench-anchors`). Prints figures; asserts nothing.

One full analysis is `analyze_policy` (validate + preview) of the largest IMS policy
(bench_engine's, filled to the 5,120-character quota) as for a policy never seen: every
memo keyed by what a policy says is emptied before each run, untimed (the statement
memory, the parsed operators, wildcards and addresses, the catalog's pattern and key
lookups); what is kept per catalog stays, as in a running server. Its anchors, run by
`tests/bench/anchors_worker.py` in a virtualenv of their own (`.venv-anchors`; they are
no dependency of the project), are:

* parliament linting an AWS policy of the same size and shape (`analyze_policy_string`),
  as a policy never seen too: its memo of each action pattern's expansion (an lru_cache
  keyed by the policy's text) emptied before each run; `parliament-warm` keeps it, for
  reference;
* Cedar (cedarpy) deciding one request per IMS API against 26 policies, in one batch,
  reading the policies' text on each call as we read ours (and, for reference, with the
  policies parsed once).

An edit is the analysis after one character of one statement changed (a new character each
time, so that statement is never one the memory has seen): the other statements come
from the statement memory (engine.statement_memory).

The six are timed in turns, ROUNDS rounds of RUNS runs each, taken in slices of SLICE runs
of each in turn, so that load from other processes falls on all of them alike; each figure
is the median of a round, and a ratio is taken per round and its median over the rounds
printed with its range. CPU time
(time.process_time, of each process) is the steadier figure on a shared machine.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from scpstudio.engine.analysis import analyze_policy  # noqa: E402
from scpstudio.engine.catalog import Catalog  # noqa: E402
from scpstudio.engine.statement_memory import forget_statements  # noqa: E402
from tests.bench.bench_engine import max_size_text, shipped_catalog  # noqa: E402

ANCHORS_PYTHON = Path(os.environ.get("ANCHORS_PYTHON", ROOT / ".venv-anchors" / "bin" / "python"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "7"))
RUNS = int(os.environ.get("BENCH_RUNS", "60"))
SLICE = 10


def timed(fn: Callable[[], object], count: int, before: Callable[[], object] | None = None):
    cpu: list[float] = []
    wall: list[float] = []
    for _ in range(count):
        if before is not None:
            before()
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - w0) * 1000)
    return {"cpu": cpu, "wall": wall}


def one_character_edits(text: str) -> Iterator[str]:
    """The policy with one character of its middle statement's org path changed, a
    different character each time."""
    statements = text.count('"Sid"')
    at = text.index(f"ou-{statements // 2}/") + 3
    code = 0x4E00
    while True:
        code += 1
        yield text[:at] + chr(code) + text[at + 1 :]


class Anchors:
    """The anchors' worker process: one command, one answer."""

    def __init__(self, setup: dict[str, object]) -> None:
        self.process = subprocess.Popen(
            [str(ANCHORS_PYTHON), str(ROOT / "tests" / "bench" / "anchors_worker.py")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.info = self.ask(json.dumps(setup))

    def ask(self, line: str) -> dict[str, object]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline()
        if not answer:
            raise SystemExit("the anchors' worker stopped; see its error above")
        return json.loads(answer)

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)


def never_seen(catalog: Catalog) -> Callable[[], None]:
    """Empty every memo keyed by what a policy says, so the next analysis is of a policy
    never seen."""

    def forget() -> None:
        forget_statements()
        catalog.forget_lookups()

    return forget


def median(values: list[float]) -> float:
    return statistics.median(values)


def main() -> int:
    if not ANCHORS_PYTHON.exists():
        print(f"{ANCHORS_PYTHON} is missing: run `make bench-anchors` first.")
        return 1
    ims = shipped_catalog()
    names = sorted(a.name for a in ims.actions.values())
    text = max_size_text(names, "ims:*:*:image:*", "ims:Encrypted")
    api_actions = [api.links[0].action for api in ims.apis if api.links]
    anchors = Anchors({"actions": names, "api_actions": api_actions})
    edits = one_character_edits(text)
    analyze_policy(text, ims)  # the catalog's memos, as a running server has them

    def edit() -> None:
        analyze_policy(next(edits), ims)

    print(
        f"largest IMS policy: {len(text)} chars, {text.count(chr(34) + 'Sid' + chr(34))} "
        f"statements, {len(analyze_policy(text, ims).preview.apis)} APIs previewed; "
        f"parliament: AWS policy of {anchors.info['policy_chars']} chars "
        f"({anchors.info['parliament_findings']} findings); Cedar: "
        f"{anchors.info['cedar_requests']} requests, {anchors.info['cedar_policies']} policies"
    )
    columns = ("full", "edit", "parliament", "cedar", "cedar-parsed-once", "parliament-warm")
    rounds: list[dict[str, dict[str, float]]] = []
    header = f"{'round':>5} " + " ".join(f"{c + ' ms':>21}" for c in columns)
    print(f"cpu ms (wall ms), median of {RUNS} runs per round")
    print(header)
    for r in range(ROUNDS):
        figures: dict[str, dict[str, list[float]]] = {c: {"cpu": [], "wall": []} for c in columns}
        # In slices of SLICE runs, each of the six in turn: a burst of load from another
        # process falls on all of them, not on one.
        for _ in range(max(1, RUNS // SLICE)):
            for name, part in (
                ("full", timed(lambda: analyze_policy(text, ims), SLICE, never_seen(ims))),
                ("edit", timed(edit, SLICE)),
                ("parliament", anchors.ask(f"parliament {SLICE}")),
                ("cedar", anchors.ask(f"cedar {SLICE}")),
                ("cedar-parsed-once", anchors.ask(f"cedar-parsed-once {SLICE}")),
                ("parliament-warm", anchors.ask(f"parliament-warm {SLICE}")),
            ):
                for clock in ("cpu", "wall"):
                    figures[name][clock] += part[clock]  # type: ignore[operator]
        row = {
            name: {"cpu": median(f["cpu"]), "wall": median(f["wall"])}  # type: ignore[arg-type]
            for name, f in figures.items()
        }
        rounds.append(row)
        cells = " ".join(f"{row[c]['cpu']:>10.3f} ({row[c]['wall']:>8.3f})" for c in columns)
        print(f"{r + 1:>5} {cells}")
    anchors.close()
    print()

    def ratio(top: str, bottom: str, clock: str) -> str:
        values = sorted(row[top][clock] / row[bottom][clock] for row in rounds)
        return f"{median(values):.3f} (rounds {values[0]:.3f} to {values[-1]:.3f})"

    for clock in ("cpu", "wall"):
        print(f"{clock} time, median of the per-round ratios:")
        print(
            f"  full analysis / parliament:          {ratio('full', 'parliament', clock)}"
            "; target <= 0.2"
        )
        print(
            f"  full analysis / Cedar:               {ratio('full', 'cedar', clock)}; target <= 1"
        )
        print(f"  full analysis / Cedar (parsed once): {ratio('full', 'cedar-parsed-once', clock)}")
        print(f"  full analysis / parliament (warm):   {ratio('full', 'parliament-warm', clock)}")
        print(
            f"  one-character edit / full analysis:  {ratio('edit', 'full', clock)}; target <= 0.25"
        )
    load = os.getloadavg()
    print(
        f"load average during the run: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
        f"({os.cpu_count()} cores)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
