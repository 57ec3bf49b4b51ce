"""Failed sign-ins, counted by django-axes in the database (so every app server sees the
same counts), and the sentence a locked person reads.

After `AXES_FAILURE_LIMIT` failures within `AXES_COOLOFF_TIME`, the account is locked
(from any address) and so is the address (for any account): the login page, HTTP Basic
and API tokens alike. A token names no account, so its failures count against the
address only. The lock ends `AXES_COOLOFF_TIME` after the failure that set it; tries
while locked are refused without being counted, so the time the sentence gives holds.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

LOCK_STATUS = 429


@dataclass(frozen=True, slots=True)
class SignInLock:
    """Sign-ins are refused until `until` for this account or from this address."""

    until: datetime

    @property
    def sentence(self) -> str:
        until = timezone.localtime(self.until)
        return (
            "Too many failed sign-ins for this account or from this address: signing in is "
            f"locked until {until:%H:%M} {until:%Z} ({until:%Y-%m-%d}). Try again then, or ask "
            "an administrator to unlock it."
        )

    def seconds_left(self) -> int:
        return max(1, int((self.until - timezone.now()).total_seconds()) + 1)


def client_ip(request: Any) -> str | None:
    """The address a request came from. Behind `TRUSTED_PROXIES` proxies that each append
    to X-Forwarded-For, the address the outermost one saw; otherwise the connection's own
    (a client can write any X-Forwarded-For, so it is read only when proxies are trusted)."""
    remote = request.META.get("REMOTE_ADDR") or None
    hops = settings.TRUSTED_PROXIES
    if hops > 0:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        parts = forwarded.rsplit(",", hops)
        if len(parts) > hops or (len(parts) == hops and parts[0].strip()):
            return _address(parts[-hops]) or remote
    return _address(remote) if remote else None


def _address(text: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((text or "").strip()))
    except ValueError:
        return None


def lockout_parameters(request: Any, credentials: dict[str, Any] | None) -> list[str]:
    """AXES_LOCKOUT_PARAMETERS: the account and the address each lock on their own; a
    failure that names no account (a wrong token) counts for the address only, and one
    from no known address (a Unix socket without DJANGO_TRUSTED_PROXIES) for the account
    only, rather than for one shared "no address"."""
    parameters = []
    if get_client_username(request, credentials):
        parameters.append("username")
    if getattr(request, "axes_ip_address", None):
        parameters.append("ip_address")
    return parameters or ["username"]  # nothing to count on: axes records nothing


def sign_in_lock(request: HttpRequest, username: str | None) -> SignInLock | None:
    """The lock that refuses this sign-in now, or None."""
    # Always a username key, even None: without one, axes would read a `username` field
    # from the request's form body.
    credentials = {"username": username or None}
    AxesProxyHandler.update_request(request)
    if not username and not request.axes_ip_address:
        return None  # nothing names who is signing in: no count to check
    if AxesProxyHandler.is_allowed(request, credentials):
        return None
    return SignInLock(_locked_until(request, username, credentials))


def record_failure(request: HttpRequest, username: str | None) -> None:
    """Count a failed sign-in that did not go through `django.contrib.auth.authenticate`
    (which sends the signal itself), such as a wrong API token."""
    user_login_failed.send(
        sender=__name__, credentials={"username": username or None}, request=request
    )


def _locked_until(request: Any, username: str | None, credentials: dict[str, Any]) -> datetime:
    """When the lock ends: the failures are counted over the last cool-off period, so the
    lock lifts when the failure that reached the limit is that old."""
    cool_off = get_cool_off(request)
    now = timezone.now()
    if cool_off is None:  # a lock without end, until an administrator lifts it
        return now.replace(year=now.year + 100)
    limit = get_failure_limit(request, credentials)
    recent = AccessAttempt.objects.filter(attempt_time__gte=now - cool_off)
    filters = [{"ip_address": request.axes_ip_address}] if request.axes_ip_address else []
    if username:
        filters.append({"username": username})
    ends = []
    for where in filters:
        counted = 0
        rows = recent.filter(**where).order_by("-attempt_time")[:limit]  # each counts >= 1
        for attempt_time, failures in rows.values_list("attempt_time", "failures_since_start"):
            counted += failures
            if counted >= limit:
                ends.append(attempt_time + cool_off)
                break
    # Both locks must have ended before a sign-in is allowed again.
    return max(ends, default=now + cool_off)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any = None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: what a locked sign-in answers. The API has answered with its
    own 429 already; the login page shows itself again with the sentence."""
    if original_response is not None and original_response.status_code == LOCK_STATUS:
        return original_response
    username = get_client_username(request, credentials) or None
    lock = sign_in_lock(request, username) or SignInLock(
        timezone.now() + (get_cool_off(request) or timedelta(minutes=15))
    )
    if request.path.startswith("/api/"):
        return JsonResponse({"error": lock.sentence, "field": None}, status=LOCK_STATUS)
    form = AuthenticationForm(request, initial={"username": username or ""})
    context = {"form": form, "lock_message": lock.sentence, "next": request.POST.get("next", "")}
    return render(request, "registration/login.html", context, status=LOCK_STATUS)
