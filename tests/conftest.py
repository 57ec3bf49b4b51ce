"""Fixtures shared by the Django tests, and the hypothesis profiles every test runs under."""

from __future__ import annotations

import os

import pytest
from django.contrib.auth import get_user_model
from hypothesis import HealthCheck, settings

# -- hypothesis: the same examples on every run of `make test`; the random hunt in `make fuzz`
#
# "ci" (the default): each property and fuzz test tries the examples derived from its own
# name and code, and its pinned @examples, and nothing else, so a run fails only when the
# code changed; no example database (a failure is pinned as an @example, not replayed from a
# directory one machine has) and no deadline (a slow example on a busy machine is no error:
# timings are `make bench`'s). "fuzz" (`make fuzz`): new random examples on every run, more
# of them (FUZZ_SCALE), the failing example printed to be pinned.
# too_slow is a timing too: a loaded machine generating data slowly is not a failure.
settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "fuzz",
    derandomize=False,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# A block still running after this long is stuck (a loop that never ends), not slow: long
# enough that no busy machine reaches it, short enough that the suite does not hang.
HANG_GUARD_SECONDS = 30.0


@pytest.fixture
def staff_client(client, db):
    """A client signed in as a staff superuser (a catalog maintainer)."""
    user = get_user_model().objects.create_superuser("maint", "m@example.com", "pw-maint-123")
    client.force_login(user)
    return client


class OutOfTime(Exception):
    """Raised in the test thread when a `deadline` runs out."""


@pytest.fixture
def deadline():
    """`with deadline(): ...` raises OutOfTime when the block is still running after
    HANG_GUARD_SECONDS.

    A guard against a loop that never ends, which must fail its test, not hang the suite or
    eat the machine's memory; never a timing assertion (how long things take is measured by
    `make bench`, on a machine whose load the benchmark can report).
    """
    import contextlib
    import signal

    @contextlib.contextmanager
    def within(seconds: float = HANG_GUARD_SECONDS):
        def expire(signum, frame):
            raise OutOfTime(f"still running after {seconds} s")

        previous = signal.signal(signal.SIGALRM, expire)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)

    return within
