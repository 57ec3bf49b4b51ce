"""What every answer of the site must be: an answer (never a hang), never a server error,
and a sentence when the request is refused. How quick the answers are is measured, not
asserted: `make bench` runs this suite with FUZZ_TIMINGS=1 and prints the times."""

from __future__ import annotations

import html
import json
import re
from typing import Any

# What `make bench` holds each request (and engine call) to: the editor answers every
# keystroke. Reported there, never asserted: on a loaded machine any budget flakes.
TARGET_SECONDS = 2.0

_TAG = re.compile(r"<(script|style)\b.*?</\1>|<[^>]*>", re.DOTALL | re.IGNORECASE)
_WORDS = re.compile(r"[^\W\d_]{2,}")


def has_sentence(text: str) -> bool:
    """At least three words: a message, not a bare status or an empty page."""
    return len(_WORDS.findall(text)) >= 3


def json_messages(value: Any) -> list[str]:
    """The messages of a JSON error body: `error`/`detail`, or DRF's field -> [messages]."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [m for item in value for m in json_messages(item)]
    if isinstance(value, dict):
        named = [value[k] for k in ("error", "detail") if k in value]
        return [m for item in (named or value.values()) for m in json_messages(item)]
    return []


def refusal_sentence(response: Any) -> str:
    """The human-readable text of a 4xx answer ('' when there is none)."""
    content_type = response.get("Content-Type", "")
    body = response.content.decode("utf-8", "replace")
    if "json" in content_type:
        try:
            data = json.loads(body)
        except ValueError:
            return ""
        return " ".join(m for m in json_messages(data) if has_sentence(m))
    text = html.unescape(_TAG.sub(" ", body)) if "html" in content_type else body
    return text if has_sentence(text) else ""


def assert_answered(
    response: Any, elapsed: float, *, redirect_ok: bool = False, what: Any = None
) -> None:
    """2xx, or 4xx with a sentence; never 5xx. (`elapsed` is for `make bench`, which the
    `timed` fixture tells; it is not judged here.)"""
    status = response.status_code
    shown = repr(what)[:300] if what is not None else ""
    assert status < 500, f"status {status} {shown}"
    redirected = redirect_ok and status in (301, 302, 303)
    assert 200 <= status < 300 or 400 <= status < 500 or redirected, f"status {status} {shown}"
    if status >= 400:
        assert refusal_sentence(response), (
            f"status {status} without a sentence: {response.content[:200]!r} {shown}"
        )
