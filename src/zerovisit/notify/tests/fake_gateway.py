"""A local SMS gateway for tests: records what it receives, checks signatures, drops duplicates by idempotency key
as real gateways do, and can be told to fail, to stall or to answer slowly."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from zerovisit.core.outbound import signature


class FakeGateway:
    def __init__(self, secret: str = "s3cret"):
        self.secret = secret
        self.received: list[dict] = []  # every request, duplicates included
        self.delivered: dict[str, dict] = {}  # idempotency key → message, each once
        self.fail_with: int | None = None  # answer this status instead of 200
        self.stall_seconds = 0.0  # accept, then wait this long before answering
        self.request_seen = threading.Event()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                gateway.received.append({"key": self.headers.get("Idempotency-Key"), "body": body})
                expected = signature(gateway.secret, self.headers.get("X-Timestamp", ""), body)
                if self.headers.get("X-Signature") != expected:
                    return self._answer(401)
                if gateway.fail_with:
                    return self._answer(gateway.fail_with)
                gateway.delivered.setdefault(self.headers["Idempotency-Key"], json.loads(body))
                gateway.request_seen.set()
                if gateway.stall_seconds:
                    time.sleep(gateway.stall_seconds)
                self._answer(200)

            def _answer(self, status):
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/sms"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
