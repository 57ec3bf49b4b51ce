"""Settings for the test suite: the real ones, with a throwaway secret key.

On SQLite the test database is a file, as deployed (WAL, the write lock taken at the start
of a transaction), rather than Django's in-memory default: a test can then hold a real lock
from another connection (tests/locks.py). It lives in a folder of its own, removed when the
run ends together with the WAL's side files, which outlive the database file when a thread
still held a connection as Django deleted it.
"""

import atexit
import os
import shutil
import tempfile

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

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    _TEST_DATABASE_DIR = tempfile.mkdtemp(prefix="scpstudio-test-")
    atexit.register(shutil.rmtree, _TEST_DATABASE_DIR, ignore_errors=True)
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(_TEST_DATABASE_DIR, "test.sqlite3")
    }
