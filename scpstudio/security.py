"""The Content-Security-Policy of SCP Studio's pages.

Scripts come only from this site (htmx is vendored) and nothing is evaluated: htmx runs
with `allowEval` off (templates/base.html), so no 'unsafe-eval'. htmx adds its indicator
styles inline, hence 'unsafe-inline' for styles only. The API docs (Swagger UI) get a
policy of their own (`api_docs_policy`); the admin is Django's and keeps its defaults.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

_COMMON = [
    "default-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
]
POLICY = "; ".join(["script-src 'self'", "style-src 'self' 'unsafe-inline'", *_COMMON])
EXEMPT_PREFIXES = ("/admin/",)
_INLINE_STYLE = re.compile(r"<style>(.*?)</style>", re.DOTALL)


def api_docs_policy(page: str) -> str:
    """The policy of the Swagger UI page `page`: scripts from this site only (its start-up
    script is a file too), and its inline style blocks by their hash, not 'unsafe-inline'.
    Its icons are data: images; the schema and "Try it out" fetch from this site."""
    hashes = [_sha256_source(block) for block in _INLINE_STYLE.findall(page)]
    return "; ".join(["script-src 'self'", " ".join(["style-src 'self'", *hashes]), *_COMMON])


def _sha256_source(text: str) -> str:
    digest = hashlib.sha256(text.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


class ContentSecurityPolicyMiddleware:
    """Gives every HTML page the site's policy, unless its view set one of its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path_info.startswith(EXEMPT_PREFIXES):
            return response
        if response.get("Content-Type", "").startswith("text/html"):
            response.setdefault("Content-Security-Policy", POLICY)
        return response
