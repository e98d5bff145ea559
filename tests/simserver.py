"""A real HTTP server on 127.0.0.1 for the site simulators, in a background thread.

An app is a callable from `Request` to `Reply`. A reply can also misbehave on purpose (reset the
connection, never answer, drip bytes, lie about its length) for the reliability tests.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    """What the simulator saw."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    target: str  # path and query as sent

    def cookie(self, name: str) -> str | None:
        for part in self.headers.get("cookie", "").split(";"):
            key, _, value = part.strip().partition("=")
            if key == name:
                return value
        return None


@dataclass
class Reply:
    """What the simulator answers."""

    status: int = 200
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=dict)
    action: str = ""  # "" | "reset" | "reset_mid" | "hang" | "drip" | "truncate"
    close: bool = False

    def data(self) -> bytes:
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


App = Callable[[Request], Reply]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in separate writes: no 40 ms delayed-ACK stall
    server: _Server

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def do_GET(self) -> None:  # noqa: N802
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        request = Request("GET", parts.path, query, {k.lower(): v for k, v in self.headers.items()}, self.path)
        self.server.log.append(request)
        reply = self.server.app(request)
        self._send(reply)

    def _send(self, reply: Reply) -> None:
        if reply.action == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        if reply.action == "hang":
            time.sleep(self.server.hang_seconds)
            self.close_connection = True
            return
        data = reply.data()
        self.send_response(reply.status)
        headers = {"Content-Type": "text/html; charset=utf-8", **reply.headers}
        for key, value in headers.items():
            self.send_header(key, value)
        if "Content-Length" not in headers:
            length = len(data) + (1000 if reply.action == "truncate" else 0)
            self.send_header("Content-Length", str(length))
        if reply.close or reply.action == "truncate":
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if reply.action == "reset_mid":
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        if reply.action == "drip":
            for i in range(len(data)):
                self.wfile.write(data[i : i + 1])
                self.wfile.flush()
                time.sleep(self.server.drip_interval)
            return
        self.wfile.write(data)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that hung up on a misbehaving reply is part of the test, not an error

    def __init__(self, app: App) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.app = app
        self.log: list[Request] = []
        self.hang_seconds = 5.0
        self.drip_interval = 0.05


class SimServer:
    """Serve `app` on 127.0.0.1 until stopped; `base_url` says where."""

    def __init__(self, app: App) -> None:
        self.server = _Server(app)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def log(self) -> list[Request]:
        return self.server.log

    def __enter__(self) -> SimServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
