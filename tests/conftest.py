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
