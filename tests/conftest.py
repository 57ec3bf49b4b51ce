"""Fixtures shared by the Django tests."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model


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
    """`with deadline(2): ...` raises OutOfTime when the block runs longer than that.

    A loop that never ends must fail its test, not hang the suite or eat the machine's memory.
    """
    import contextlib
    import signal

    @contextlib.contextmanager
    def within(seconds: float):
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
