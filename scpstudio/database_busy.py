"""When the database cannot answer, say so in a sentence: never a bare 500.

SQLite waits for its write lock (settings: `transaction_mode`, `timeout`) and PostgreSQL
for its row locks, so under ordinary load a write waits rather than fails. What is left
(a lock held past the wait, PostgreSQL's `lock_timeout` or `statement_timeout`, a
connection lost while a server restarts) reaches here from any view: the API answers 503
`{"error", "field"}` with Retry-After, a page answers 503 with the sentence. The editor's
Save catches these errors itself, to show the person's text again (editor/library_views.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import DatabaseError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.html import escape

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
BUSY = (
    "The database is busy or out of reach for a moment, so nothing was saved or changed. "
    f"Try again in {RETRY_AFTER_SECONDS} seconds."
)
REFUSED = (
    "The database refused this request, so nothing was saved or changed. Try again; if it "
    "happens again, tell the administrator (the server's log has the details)."
)
API_PREFIX = "/api/"


def database_problem(exc: DatabaseError) -> str:
    """The sentence for a database error: busy (worth retrying) or refused."""
    return BUSY if isinstance(exc, OperationalError) else REFUSED


def retry_later(response: HttpResponse, exc: DatabaseError) -> HttpResponse:
    """503, with Retry-After when waiting may help."""
    response.status_code = 503
    if isinstance(exc, OperationalError):
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseBusyMiddleware:
    """A database error from a view answers 503 with a sentence, in the view's language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not isinstance(exc, DatabaseError):
            return None
        logger.error("Database error on %s %s", request.method, request.path, exc_info=exc)
        sentence = database_problem(exc)
        if request.path_info.startswith(API_PREFIX):
            return retry_later(JsonResponse({"error": sentence, "field": None}), exc)
        if request.headers.get("HX-Request"):
            # editor.js shows a failed keystroke's status; the page keeps the person's text
            return retry_later(HttpResponse(sentence, content_type="text/plain"), exc)
        return retry_later(HttpResponse(_page(request, sentence)), exc)


def _page(request: HttpRequest, sentence: str) -> str:
    try:
        return render_to_string("database_busy.html", {"sentence": sentence}, request=request)
    except DatabaseError:
        # the page's header asks who is logged in, which may need the database too
        return (
            "<!doctype html><html lang='en'><title>Try again</title>"
            f"<h1>Try again in a moment</h1><p>{escape(sentence)}</p></html>"
        )
