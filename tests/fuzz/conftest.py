"""Fixtures of the fuzz suite: every request or engine call is timed and guarded."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from tests.fuzz.answers import HANG_SECONDS


@pytest.fixture
def timed(deadline) -> Callable[..., tuple[Any, float]]:
    """`result, seconds = timed(fn, *args)`: the call's wall time, and OutOfTime if it hangs."""

    def call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, float]:
        with deadline(HANG_SECONDS):
            start = time.perf_counter()
            result = fn(*args, **kwargs)
            return result, time.perf_counter() - start

    return call
