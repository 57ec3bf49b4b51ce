"""Fixtures of the fuzz suite: every request or engine call is guarded against hanging, and
timed for `make bench` (FUZZ_TIMINGS=1), which prints the times instead of judging them."""

from __future__ import annotations

import os
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import pytest

from tests.fuzz.answers import TARGET_SECONDS

RECORDING = bool(os.environ.get("FUZZ_TIMINGS"))
# test name (without its parameters) -> the seconds of each call it made
_TIMES: dict[str, list[float]] = defaultdict(list)


@pytest.fixture
def timed(deadline, request) -> Callable[..., tuple[Any, float]]:
    """`result, seconds = timed(fn, *args)`: the call's wall time, and OutOfTime if it is
    still running after the hang guard (tests/conftest.py)."""
    name = request.node.originalname or request.node.name

    def call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, float]:
        with deadline():
            start = time.perf_counter()
            result = fn(*args, **kwargs)
            seconds = time.perf_counter() - start
        if RECORDING:
            _TIMES[name].append(seconds)
        return result, seconds

    return call


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The times `make bench` prints: per test, its calls' median, p95 and slowest."""
    if not RECORDING or not _TIMES:
        return
    write = terminalreporter.write_line
    write("")
    write(f"fuzz suite request times (wall clock; target < {TARGET_SECONDS:.0f} s each)")
    write(f"{'test':<62} {'calls':>6} {'median ms':>10} {'p95 ms':>8} {'max ms':>8}")
    over = 0
    for name, times in sorted(_TIMES.items()):
        ordered = sorted(times)
        p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
        over += sum(1 for t in ordered if t >= TARGET_SECONDS)
        write(
            f"{name[:62]:<62} {len(ordered):>6} {statistics.median(ordered) * 1000:>10.1f} "
            f"{p95 * 1000:>8.1f} {ordered[-1] * 1000:>8.1f}"
        )
    write(f"calls at or over {TARGET_SECONDS:.0f} s: {over}")
