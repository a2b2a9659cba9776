"""The 12345 hotline (政务服务便民热线) at a configurable endpoint: bad ratings are pushed to it, and it sends us its
work orders (工单), to which we report what was done. JSON over HTTP, signed both ways with the shared secret
ZV_HOTLINE_SECRET (core.outbound); a work order older than 5 minutes is refused so a captured one cannot be
replayed later.

    push_rating(payload) -> ticket        POST {endpoint}/ratings (one ticket per `reference`)
    reply(work_order, payload)            POST {endpoint}/work-orders/{work_order}/reply
    work_order(body, headers) -> dict     what the hotline sent us (raises BadSignature)
"""

import json
import urllib.parse

from django.conf import settings

from zerovisit.core import outbound


class HotlineError(Exception):
    """The hotline could not be reached or refused the request; the next run of the job tries again."""


class BadSignature(Exception):
    """A work order not signed with our shared secret, too old to be trusted, or not JSON."""


class Hotline:
    MAX_AGE = 300

    def __init__(self, endpoint: str | None = None, secret: str | None = None, timeout: float | None = None):
        self.endpoint = (endpoint if endpoint is not None else settings.HOTLINE_ENDPOINT).rstrip("/")
        self.secret = secret if secret is not None else settings.HOTLINE_SECRET
        self.timeout = timeout or settings.HOTLINE_TIMEOUT

    def _post(self, path: str, payload: dict) -> dict:
        try:
            return outbound.call("POST", self.endpoint + path, secret=self.secret, timeout=self.timeout,
                                 payload=payload)  # fmt: skip
        except outbound.OutboundError as exc:
            raise HotlineError(f"12345 hotline {exc}") from exc

    def push_rating(self, payload: dict) -> str:
        answer = self._post("/ratings", payload)
        ticket = str(answer.get("ticket") or "")
        if not ticket:
            raise HotlineError(f"12345 hotline's answer names no ticket: {answer}")
        return ticket[:40]

    def reply(self, work_order: str, payload: dict) -> None:
        self._post(f"/work-orders/{urllib.parse.quote(work_order, safe='')}/reply", payload)

    def work_order(self, body: bytes, headers) -> dict:
        problem = outbound.untrusted(self.secret, body, headers, setting="ZV_HOTLINE_SECRET", max_age=self.MAX_AGE)
        if problem:
            raise BadSignature(problem)
        try:
            payload = json.loads(body)
        except ValueError as exc:
            raise BadSignature(f"the work order is not JSON: {exc}") from exc
        if not isinstance(payload, dict):
            raise BadSignature("the work order is not a JSON object")
        return payload


def hotline() -> Hotline | None:
    """The configured hotline, or None where there is none (ZV_HOTLINE_ENDPOINT empty): nothing is pushed then."""
    return Hotline() if settings.HOTLINE_ENDPOINT else None
