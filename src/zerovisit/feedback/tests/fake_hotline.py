"""A local 12345 hotline for tests: it takes pushed ratings (one ticket per reference) and work-order replies,
checks their signatures, can fail, and signs work orders as the real hotline would."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from zerovisit.core.outbound import signature


class FakeHotline:
    def __init__(self, secret: str = "hotline-secret-for-tests"):
        self.secret = secret
        self.tickets: dict[str, dict] = {}  # reference → the rating pushed
        self.replies: list[tuple[str, dict]] = []  # (work order, reply)
        self.refused = 0
        self.fail_with: int | None = None
        hotline = self

        class Handler(BaseHTTPRequestHandler):
            def _reply(self, status, payload=None):
                body = json.dumps(payload or {}).encode()
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.headers.get("X-Signature") != signature(hotline.secret, self.headers.get("X-Timestamp", ""),
                                                                body):  # fmt: skip
                    hotline.refused += 1
                    return self._reply(401)
                if hotline.fail_with:
                    return self._reply(hotline.fail_with)
                payload = json.loads(body)
                if self.path == "/ratings":
                    hotline.tickets.setdefault(payload["reference"], payload)
                    ticket = list(hotline.tickets).index(payload["reference"]) + 1
                    return self._reply(200, {"ticket": f"12345-PJ-{ticket:06d}"})
                parts = self.path.split("/")  # /work-orders/<number>/reply
                if len(parts) == 4 and parts[1] == "work-orders" and parts[3] == "reply":
                    hotline.replies.append((parts[2], payload))
                    return self._reply(200, {})
                return self._reply(404)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def work_order(self, order: dict, *, secret: str | None = None, timestamp: int | None = None):
        """(body, headers) of a work order as the hotline would sign it."""
        body = json.dumps(order, ensure_ascii=False).encode()
        stamp = str(timestamp if timestamp is not None else int(time.time()))
        return body, {"X-Timestamp": stamp, "X-Signature": signature(secret or self.secret, stamp, body),
                      "Content-Type": "application/json"}  # fmt: skip

    def close(self):
        self.server.shutdown()
        self.server.server_close()
