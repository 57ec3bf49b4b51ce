"""A loopback stand-in for a Huawei API, for tests and benchmarks: the real SDK talks to it
over HTTP, and it answers in the documented shapes. A subclass says what the API holds
(`route`); this base serves it on a thread, refuses any Authorization header without the
subclass's access key (401 with Huawei's error body), pages listings (`page_of`), records
every path asked, and injects faults.

A fault is set per key (the key `route` gives a request): an HTTP status with Huawei's
error body (a 429 with `Retry-After: 0`), for a number of answers or every one, a slow
answer, or another body answered 200 (a malformed one, say).
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar, Self
from urllib.parse import parse_qs, urlparse


@dataclass
class Fault:
    status: int = 0  # answer this status with an error body
    times: int = -1  # how many answers the fault lasts (-1: every one)
    delay: float = 0.0  # seconds to wait before answering
    body: str | None = None  # answer 200 with this text instead


class NotFound(Exception):
    """What `route` raises for a path or an item the API does not have: a 404."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class HuaweiStandIn:
    good_ak: ClassVar[str]  # the access key the SDK must sign with
    marker_prefix: ClassVar[str] = ""  # a page's marker is this, then the first item's index
    default_limit: ClassVar[int] = 100  # the page size Huawei takes when none is asked

    faults: dict[str, Fault] = field(default_factory=dict)
    page_size: int = 2  # small, so that a few items take several pages
    requests: list[str] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None

    def route(self, path: str, query: dict[str, str]) -> tuple[str, str]:
        """(fault key, JSON body) for a request, or NotFound."""
        raise NotImplementedError

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> Self:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
                standin.answer(self)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def page_of(self, name: str, items: list[Any], query: dict[str, str]) -> str:
        """One page of a listing: `{name: [...], "page_info": {current_count, next_marker}}`."""
        marker = query.get("marker") or f"{self.marker_prefix}0"
        start = int(marker.removeprefix(self.marker_prefix))
        limit = min(int(query.get("limit") or self.default_limit), self.page_size)
        chunk = items[start : start + limit]
        more = start + limit < len(items)
        next_marker = f"{self.marker_prefix}{start + limit}" if more else None
        return json.dumps(
            {name: chunk, "page_info": {"current_count": len(chunk), "next_marker": next_marker}}
        )

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        url = urlparse(handler.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        self.requests.append(url.path)
        if self.good_ak not in handler.headers.get("Authorization", ""):
            return self.send(handler, 401, _error("APIGW.0301", "Incorrect IAM authentication."))
        try:
            key, body = self.route(url.path, query)
        except NotFound as missing:
            return self.send(handler, 404, _error(missing.code, missing.message))
        fault = self.faults.get(key)
        if fault is not None and fault.times != 0:
            fault.times -= 1 if fault.times > 0 else 0
            if fault.delay:
                time.sleep(fault.delay)
            if fault.status:
                extra = {"Retry-After": "0"} if fault.status == 429 else {}
                return self.send(handler, fault.status, _error(str(fault.status), "fault"), extra)
            if fault.body is not None:
                body = fault.body
        self.send(handler, 200, body)

    @staticmethod
    def send(
        handler: BaseHTTPRequestHandler,
        status: int,
        body: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        data = body.encode("utf-8")
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.end_headers()
        # the client may have given up waiting (the slow fault): then nothing is answered
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            handler.wfile.write(data)


def _error(code: str, message: str) -> str:
    return json.dumps({"error_code": code, "error_msg": message})
