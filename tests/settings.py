"""Settings for the test suite: the real ones, with a throwaway secret key."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-not-secret")

from scpstudio.settings import *  # noqa: E402,F403
