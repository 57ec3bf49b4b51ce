"""A stand-in for Huawei IAM's authorization-schema API, served on loopback for tests and
benchmarks: the real SDK talks to it over HTTP, in the documented shapes.

`GET /v5/authorization-schemas/registered-services?limit=&marker=` pages through the codes;
`GET /v5/authorization-schemas/services/{code}` answers that service's schema. A fault can be
set per service code (or for the list): an HTTP status with Huawei's error body, a number of
429s before the real answer, a slow answer, a malformed body.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

LIST_PATH = "/v5/authorization-schemas/registered-services"
SERVICE_PATH = "/v5/authorization-schemas/services/"
LIST = "(list)"  # the key of a fault on the list of services
GOOD_AK = "AKSTANDIN0000000000"


@dataclass
class Fault:
    status: int = 0  # answer this status with an error body
    times: int = -1  # how many answers the fault lasts (-1: every one)
    delay: float = 0.0  # seconds to wait before answering
    body: str | None = None  # answer 200 with this text instead of the schema


@dataclass
class StandIn:
    services: dict[str, dict[str, Any]] = field(default_factory=dict)
    faults: dict[str, Fault] = field(default_factory=dict)
    page_size: int = 2  # small, so that a few services take several pages
    requests: list[str] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> StandIn:
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

    # -- answers ------------------------------------------------------------------------------

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        url = urlparse(handler.path)
        self.requests.append(url.path)
        if GOOD_AK not in handler.headers.get("Authorization", ""):
            return self.send(handler, 401, _error("APIGW.0301", "Incorrect IAM authentication."))
        if url.path == LIST_PATH:
            key, body = LIST, self.page(parse_qs(url.query))
        elif url.path.startswith(SERVICE_PATH):
            key = url.path.removeprefix(SERVICE_PATH)
            if key not in self.services:
                return self.send(handler, 404, _error("IAM.0004", f"service {key} not found"))
            body = json.dumps(self.services[key])
        else:
            return self.send(handler, 404, _error("APIGW.0101", "API not found"))
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

    def page(self, query: dict[str, list[str]]) -> str:
        codes = sorted(self.services)
        start = int(query.get("marker", ["0"])[0] or 0)
        limit = min(int(query.get("limit", ["100"])[0]), self.page_size)
        chunk = codes[start : start + limit]
        more = start + limit < len(codes)
        info = {"current_count": len(chunk), "next_marker": str(start + limit) if more else None}
        return json.dumps({"service_codes": chunk, "page_info": info})

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
