"""A local courier API for tests: orders (one per reference), cancellations and tracking, with failures, stalls
and a way to send signed callbacks like the real carrier would."""

import time

from zerovisit.core.tests.fake_system import FakeSystem


class FakeCourier(FakeSystem):
    def __init__(self, secret: str = "courier-secret"):
        self.orders: dict[str, dict] = {}  # reference → order
        self.tracking: dict[str, list[dict]] = {}  # waybill → events
        self.requests: list[str] = []
        self.stall_seconds = 0.0  # wait this long before answering anything
        super().__init__(secret)

    def on_request(self, method, path, body, headers):
        self.requests.append(f"{method} {path}")
        if self.stall_seconds:
            time.sleep(self.stall_seconds)

    def answer(self, method, path, payload, headers):
        if method == "GET":
            return 200, {"events": self.tracking.get(path.split("/")[2], [])}
        if path == "/orders":
            made = self.orders.setdefault(payload["reference"], {
                **payload, "waybill": f"SF{len(self.orders) + 1:010d}", "cost": "15.00"})  # fmt: skip
            return 200, {"waybill": made["waybill"], "cost": made["cost"]}
        return 200, {}

    def callback(self, events: list[dict], *, secret: str | None = None, timestamp: int | None = None):
        """(body, headers) of a callback as the carrier would sign it."""
        return self.signed({"events": events}, secret=secret, timestamp=timestamp)
