"""Settings for the test suite: the real ones, with a throwaway secret key."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-not-secret")
# The suite sends far more API requests per test than a person would; the throttle's own
# tests (tests/accounts/test_throttles.py) set rates back on for themselves.
os.environ.setdefault("DJANGO_API_RATE_ANON", "off")
os.environ.setdefault("DJANGO_API_RATE_USER", "off")
# Nothing in the suite may reach Huawei: a sync that a test forgets to point at the stand-in
# server (tests/catalog/huawei_standin.py) meets a closed loopback port.
os.environ.setdefault("CATALOG_SYNC_ENDPOINT", "http://127.0.0.1:9")
os.environ.setdefault("CATALOG_SYNC_TIMEOUT", "2")

from scpstudio.settings import *  # noqa: E402,F403
