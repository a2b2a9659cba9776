"""A local 12345 hotline for tests: it takes pushed ratings (one ticket per reference) and work-order replies,
checks their signatures, can fail, and signs work orders as the real hotline would."""

from zerovisit.core.tests.fake_system import FakeSystem


class FakeHotline(FakeSystem):
    def __init__(self, secret: str = "hotline-secret-for-tests"):
        self.tickets: dict[str, dict] = {}  # reference → the rating pushed
        self.replies: list[tuple[str, dict]] = []  # (work order, reply)
        super().__init__(secret)

    def answer(self, method, path, payload, headers):
        if path == "/ratings":
            self.tickets.setdefault(payload["reference"], payload)
            return 200, {"ticket": f"12345-PJ-{list(self.tickets).index(payload['reference']) + 1:06d}"}
        parts = path.split("/")  # /work-orders/<number>/reply
        if len(parts) == 4 and parts[1] == "work-orders" and parts[3] == "reply":
            self.replies.append((parts[2], payload))
            return 200, {}
        return 404, {}

    def work_order(self, order: dict, *, secret: str | None = None, timestamp: int | None = None):
        """(body, headers) of a work order as the hotline would sign it."""
        return self.signed(order, secret=secret, timestamp=timestamp)
