"""The hypothesis profile `make test` runs under: the same examples on every run (issue #15,
item 10); `make fuzz` selects the random one."""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.skipif(
    os.environ.get("HYPOTHESIS_PROFILE", "ci") != "ci", reason="make fuzz hunts at random"
)


def test_make_test_runs_derandomized_without_a_database_or_a_deadline():
    current = settings.default

    assert current.derandomize is True
    assert current.database is None
    assert current.deadline is None


def _examples_of_one_run() -> list[tuple[int, str]]:
    seen: list[tuple[int, str]] = []

    @settings(max_examples=25)
    @given(st.integers(), st.text(max_size=5))
    def record(number: int, text: str) -> None:
        seen.append((number, text))

    record()
    return seen


def test_a_property_test_tries_the_same_examples_on_every_run():
    first = _examples_of_one_run()
    second = _examples_of_one_run()

    assert len(first) > 1
    assert first == second


def test_the_fuzz_profile_is_random_and_keeps_no_deadline():
    fuzz = settings.get_profile("fuzz")

    assert fuzz.derandomize is False
    assert (fuzz.database, fuzz.deadline) == (None, None)
