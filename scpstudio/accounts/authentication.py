"""How scripts sign in to the REST API: `Authorization: Token <key>` or HTTP Basic, both
counted by the sign-in lock (lockout.py); browsers use their session.

DRF answers a missing or wrong sign-in with 401 and the challenge of the first class in
DEFAULT_AUTHENTICATION_CLASSES; both classes here give the challenge of the scheme the
client tried, and `Token` when it sent none (a browser opens no password dialog for it).
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.contrib.auth import authenticate
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from scpstudio.accounts import selectors, services
from scpstudio.accounts.lockout import SignInLock, record_failure, sign_in_lock

TOKEN_KEYWORD = "Token"
BASIC_CHALLENGE = 'Basic realm="api"'
WRONG_TOKEN = "The token is not valid: it is mistyped, or it was revoked."
WRONG_PASSWORD = "Wrong username or password."
DISABLED = "This account is disabled."
USERNAME_MAX = 150  # Django's username field


class SignInLocked(exceptions.Throttled):
    """429: the account or the address is locked, with the sentence saying until when."""

    def __init__(self, lock: SignInLock) -> None:
        super().__init__(wait=lock.seconds_left())
        self.detail = exceptions.ErrorDetail(lock.sentence, code="locked")


def challenge(request: Request) -> str:
    scheme = authentication.get_authorization_header(request).split(b" ", 1)[0].lower()
    return BASIC_CHALLENGE if scheme == b"basic" else TOKEN_KEYWORD


class TokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Token <key>`, a key made on the account page, in the admin, or by
    `manage.py create_token`."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != TOKEN_KEYWORD.lower().encode():
            return None
        http_request = request._request
        lock = sign_in_lock(http_request, None)
        if lock is not None:
            raise SignInLocked(lock)
        key = header[1].decode("ascii", "replace") if len(header) == 2 else ""
        token = selectors.token_for_key(key)
        if token is None:
            self._failed(http_request, WRONG_TOKEN)
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(DISABLED)
        services.token_mark_used(token=token)
        return (token.user, token)

    def authenticate_header(self, request: Request) -> str:
        return challenge(request)

    @staticmethod
    def _failed(http_request: Any, sentence: str) -> NoReturn:
        record_failure(http_request, None)
        lock = sign_in_lock(http_request, None)
        if lock is not None:
            raise SignInLocked(lock)
        raise exceptions.AuthenticationFailed(sentence)


class BasicAuthentication(authentication.BasicAuthentication):
    """HTTP Basic with the account's password; refused while the account or the address is
    locked, and every wrong password counted."""

    def authenticate_credentials(
        self, userid: str, password: str, request: Request | None = None
    ) -> tuple[Any, Any]:
        assert request is not None  # DRF always passes it
        http_request = request._request  # axes marks the Django request, not DRF's
        usable = 0 < len(userid) <= USERNAME_MAX and "\x00" not in userid + password
        username = userid if usable else None
        lock = sign_in_lock(http_request, username)
        if lock is not None:
            raise SignInLocked(lock)
        if not usable:  # no database stores NUL; no such account
            record_failure(http_request, None)
            user = None
        else:  # a failure is counted by authenticate's signal
            user = authenticate(request=http_request, username=userid, password=password)
        if user is None:
            lock = sign_in_lock(http_request, username)
            if lock is not None:
                raise SignInLocked(lock)
            raise exceptions.AuthenticationFailed(WRONG_PASSWORD)
        if not user.is_active:
            raise exceptions.AuthenticationFailed(DISABLED)
        return (user, None)

    def authenticate_header(self, request: Request) -> str:
        return challenge(request)
