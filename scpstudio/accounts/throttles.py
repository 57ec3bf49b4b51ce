"""API request rates: DRF's throttles, counted in the shared cache (a database table, so
every app server counts the same requests), keyed by the client address as the sign-in
lock reads it. Rates are REST_FRAMEWORK's DEFAULT_THROTTLE_RATES, read at each request.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.core.cache import caches
from django.db import DatabaseError
from django.utils import timezone
from rest_framework import exceptions, throttling
from rest_framework.settings import api_settings

from scpstudio.accounts.lockout import client_ip

log = logging.getLogger(__name__)


class TooManyRequests(exceptions.Throttled):
    """429 with a sentence saying how many requests are allowed and until when to wait."""

    def __init__(self, allowed: str, wait: float) -> None:
        super().__init__(wait=wait)
        until = timezone.localtime(timezone.now() + timedelta(seconds=self.wait or 1))
        self.detail = exceptions.ErrorDetail(
            f"Too many requests: {allowed} are allowed. Try again after "
            f"{until:%H:%M:%S} {until:%Z} (in {self.wait} seconds).",
            code="throttled",
        )


class _SharedCacheRate(throttling.SimpleRateThrottle):
    @property  # type: ignore[override]
    def cache(self) -> Any:
        return caches["shared"]

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request: Any) -> str:
        return client_ip(request) or "unknown"

    def allow_request(self, request: Any, view: Any) -> bool:
        try:
            allowed = super().allow_request(request, view)
        except DatabaseError:  # the count is a guard, not data: answer rather than fail
            log.warning("API rate not counted: the shared cache is unavailable", exc_info=True)
            return True
        if not allowed:
            count, period = self.rate.split("/")  # type: ignore[union-attr]
            raise TooManyRequests(f"{count} requests per {period}", self.wait() or 1)
        return True


class AnonRateThrottle(_SharedCacheRate):
    """Requests without a signed-in user, per client address."""

    scope = "anon"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        if request.user is not None and request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class UserRateThrottle(_SharedCacheRate):
    """Requests of a signed-in user, whichever way they signed in."""

    scope = "user"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        if request.user is None or not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
