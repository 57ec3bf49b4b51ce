"""Each test's transaction is rolled back, so catalog revision numbers repeat between tests:
a snapshot an earlier test left in this process could carry the same number as a different
catalog. A test that changes the catalog and reads the snapshot starts without one."""

from __future__ import annotations

import pytest

from catalog import snapshot


@pytest.fixture
def fresh_snapshot():
    snapshot._cached = None
