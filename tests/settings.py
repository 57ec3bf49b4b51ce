"""Settings for the test suite: the real ones, with a throwaway secret key.

On SQLite the test database is a file, as deployed (WAL, the write lock taken at the start
of a transaction), rather than Django's in-memory default: a test can then hold a real lock
from another connection (tests/locks.py). Django deletes the file at the end of the run.
"""

import os
import tempfile

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-not-secret")

from scpstudio.settings import *  # noqa: E402,F403

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"scpstudio-test-{os.getpid()}.sqlite3")
    }
