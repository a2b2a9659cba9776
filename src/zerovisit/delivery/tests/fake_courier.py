"""A local courier API for tests: orders (one per reference), cancellations and tracking, with failures, stalls
and a way to send signed callbacks like the real carrier would."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from zerovisit.core.outbound import signature


class FakeCourier:
    def __init__(self, secret: str = "courier-secret"):
        self.secret = secret
        self.orders: dict[str, dict] = {}  # reference → order
        self.tracking: dict[str, list[dict]] = {}  # waybill → events
        self.requests: list[str] = []
        self.fail_with: int | None = None
        self.stall_seconds = 0.0
        courier = self

        class Handler(BaseHTTPRequestHandler):
            def _reply(self, status, payload=None):
                body = json.dumps(payload or {}).encode()
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _check(self, body: bytes) -> bool:
                if courier.stall_seconds:
                    time.sleep(courier.stall_seconds)
                if self.headers.get("X-Signature") != signature(
                    courier.secret, self.headers.get("X-Timestamp", ""), body
                ):
                    self._reply(401)
                    return False
                if courier.fail_with:
                    self._reply(courier.fail_with)
                    return False
                return True

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                courier.requests.append(f"POST {self.path}")
                if not self._check(body):
                    return
                if self.path == "/orders":
                    order = json.loads(body)
                    made = courier.orders.setdefault(order["reference"], {
                        **order, "waybill": f"SF{len(courier.orders) + 1:010d}", "cost": "15.00"})  # fmt: skip
                    return self._reply(200, {"waybill": made["waybill"], "cost": made["cost"]})
                return self._reply(200, {})

            def do_GET(self):
                courier.requests.append(f"GET {self.path}")
                if not self._check(b""):
                    return
                waybill = self.path.split("/")[2]
                return self._reply(200, {"events": courier.tracking.get(waybill, [])})

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def callback(self, events: list[dict], *, secret: str | None = None, timestamp: int | None = None):
        """(body, headers) of a callback as the carrier would sign it."""
        body = json.dumps({"events": events}).encode()
        stamp = str(timestamp if timestamp is not None else int(time.time()))
        return body, {"X-Timestamp": stamp, "X-Signature": signature(secret or self.secret, stamp, body)}

    def close(self):
        self.server.shutdown()
        self.server.server_close()
