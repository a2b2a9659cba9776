"""A local SMS gateway for tests: records what it receives, checks signatures, drops duplicates by idempotency key
as real gateways do, and can be told to fail, to stall or to answer slowly."""

import threading
import time

from zerovisit.core.tests.fake_system import FakeSystem


class FakeGateway(FakeSystem):
    def __init__(self, secret: str = "s3cret"):
        self.received: list[dict] = []  # every request, duplicates and unsigned ones included
        self.delivered: dict[str, dict] = {}  # idempotency key → message, each once
        self.stall_seconds = 0.0  # accept, then wait this long before answering
        self.request_seen = threading.Event()
        super().__init__(secret, path="/sms")

    def on_request(self, method, path, body, headers):
        self.received.append({"key": headers.get("Idempotency-Key"), "body": body})

    def answer(self, method, path, payload, headers):
        self.delivered.setdefault(headers["Idempotency-Key"], payload)
        self.request_seen.set()
        if self.stall_seconds:
            time.sleep(self.stall_seconds)
        return 200, {}
