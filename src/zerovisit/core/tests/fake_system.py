"""What the tests' outside systems (SMS gateway, courier, 12345 hotline, population register) share: JSON over HTTP
on a free local port, every request's signature checked as core.outbound signs it, and the system's own signed
requests to us.

A subclass answers in `answer(method, path, payload, headers) -> (status, payload)`, and may see every request
first, signed or not, in `on_request(method, path, body, headers)`. `fail_with` answers that status instead of the
answer; a request whose signature does not match gets 401 and is counted in `refused`.
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from zerovisit.core.outbound import signature


class FakeSystem:
    def __init__(self, secret: str, path: str = ""):
        self.secret = secret
        self.fail_with: int | None = None
        self.refused = 0
        system = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self, method: str):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                system.on_request(method, self.path, body, self.headers)
                if self.headers.get("X-Signature") != signature(system.secret, self.headers.get("X-Timestamp", ""),
                                                                body):  # fmt: skip
                    system.refused += 1
                    return self._reply(401, {})
                if system.fail_with:
                    return self._reply(system.fail_with, {})
                self._reply(*system.answer(method, self.path, json.loads(body) if body else {}, self.headers))

            def do_GET(self):
                self._handle("GET")

            def do_POST(self):
                self._handle("POST")

            def _reply(self, status: int, payload: dict):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}{path}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def on_request(self, method: str, path: str, body: bytes, headers) -> None:
        """Every request, before its signature is checked."""

    def answer(self, method: str, path: str, payload: dict, headers) -> tuple[int, dict]:
        raise NotImplementedError

    def signed(self, payload: dict, *, secret: str | None = None, timestamp: int | None = None):
        """(body, headers) of a request this system sends us, signed as it would (with another `secret`, or at an old
        `timestamp`, for the tests of what we refuse)."""
        body = json.dumps(payload, ensure_ascii=False).encode()
        stamp = str(timestamp if timestamp is not None else int(time.time()))
        return body, {"X-Timestamp": stamp, "X-Signature": signature(secret or self.secret, stamp, body),
                      "Content-Type": "application/json"}  # fmt: skip

    def close(self):
        self.server.shutdown()
        self.server.server_close()
