"""Settings for the test suite: the real ones, with a throwaway secret key."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-not-secret")

from scpstudio.settings import *  # noqa: E402,F403

import tempfile  # noqa: E402

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"scpstudio-test-{os.getpid()}.sqlite3")
    }
