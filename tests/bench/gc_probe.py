"""gunicorn settings for the HTTP benchmarks (`serving.start_server` passes this file with
`-c`): each worker writes a line per pass of Python's garbage collector, "generation
milliseconds", to a file of its own in the folder SCP_BENCH_GC_DIR names, which the
benchmark reads level by level (`serving.Collector`). A pass stops the worker's request in
its tracks, so its length is part of the latency the benchmark measures."""

from __future__ import annotations

import gc
import os
import time
from typing import Any


def post_fork(server: Any, worker: Any) -> None:
    folder = os.environ.get("SCP_BENCH_GC_DIR")
    if not folder:
        return
    path = os.path.join(folder, f"gc-{os.getpid()}.log")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    started = [0.0]

    def probe(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
            return
        took = (time.perf_counter() - started[0]) * 1000
        os.write(fd, f"{info['generation']} {took:.3f}\n".encode())  # one write: one line

    gc.callbacks.append(probe)
