"""The accounts settings read from the environment: rates, the lock, trusted proxies."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.test_deploy_settings import settings_under

BASE = {"DJANGO_SECRET_KEY": "x" * 50}


def test_defaults(monkeypatch):
    settings = settings_under(monkeypatch, BASE)

    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] == {
        "anon": "300/minute",
        "user": "1200/minute",
    }
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    assert settings.TRUSTED_PROXIES == 0


def test_each_can_be_set(monkeypatch):
    settings = settings_under(
        monkeypatch,
        {
            **BASE,
            "DJANGO_API_RATE_ANON": "off",
            "DJANGO_API_RATE_USER": "50/second",
            "DJANGO_LOGIN_FAILURE_LIMIT": "8",
            "DJANGO_LOGIN_LOCK_MINUTES": "60",
            "DJANGO_TRUSTED_PROXIES": "2",
        },
    )

    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] == {"anon": None, "user": "50/second"}
    assert settings.AXES_FAILURE_LIMIT == 8
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 60 * 60
    assert settings.TRUSTED_PROXIES == 2


@pytest.mark.parametrize("rate", ["300", "300/fortnight", "0/minute", "-1/minute", "lots"])
def test_a_rate_that_is_not_one_is_refused_with_a_sentence(monkeypatch, rate):
    with pytest.raises(ImproperlyConfigured, match="DJANGO_API_RATE_ANON is a number of requests"):
        settings_under(monkeypatch, {**BASE, "DJANGO_API_RATE_ANON": rate})
