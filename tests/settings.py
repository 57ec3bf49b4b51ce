"""Settings for the test suite: the real ones, with a throwaway secret key."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-not-secret")
# The suite sends far more API requests per test than a person would; the throttle's own
# tests (tests/accounts/test_throttles.py) set rates back on for themselves.
os.environ.setdefault("DJANGO_API_RATE_ANON", "off")
os.environ.setdefault("DJANGO_API_RATE_USER", "off")

from scpstudio.settings import *  # noqa: E402,F403
