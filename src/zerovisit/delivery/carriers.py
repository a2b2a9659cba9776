"""Carrier adapters behind one interface: order a pickup or delivery, cancel it, ask for its tracking, and read a
signed status callback. `SimulatorCarrier` moves shipments along by itself for the demo; `HttpCarrier` talks to
a real courier's API at a configurable endpoint.

    order(shipment) -> Order            cancel(shipment) -> None
    track(shipment) -> list[Report]     callback(body, headers) -> list[Report]   (raises BadSignature)
"""

import datetime
import json
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from zerovisit.core import outbound


@dataclass(frozen=True)
class Order:
    waybill: str
    cost: Decimal


@dataclass(frozen=True)
class Report:
    """One status report: the carrier's own id for it (to drop repeats), the waybill, the status, when and where."""

    event_id: str
    waybill: str
    status: str
    at: datetime.datetime
    location: str = ""
    note: str = ""


class CarrierError(Exception):
    """The carrier could not be reached or refused the request; the caller's task retries."""


class BadSignature(Exception):
    """A callback that is not signed with our shared secret (or too old to be trusted)."""


def postage(weight_grams: int) -> Decimal:
    """The government's contract rate (政务专递): 12 yuan up to 1 kg, 2 yuan per further kg."""
    extra_kg = max(0, (weight_grams - 1) // 1000)
    return Decimal(12 + 2 * extra_kg).quantize(Decimal("0.01"))


class SimulatorCarrier:
    """A pretend courier for the demo and tests: a shipment is picked up, in transit and delivered as time passes
    (ZV_SIMULATOR_STEP_SECONDS apart); `fail` in the recipient's address makes the delivery fail."""

    code = "simulator"
    STEPS = ["picked_up", "in_transit", "delivered"]

    def order(self, shipment) -> Order:
        return Order(waybill="SIM" + secrets.token_hex(5).upper(), cost=postage(shipment.weight_grams))

    def cancel(self, shipment) -> None:
        return None

    def track(self, shipment) -> list[Report]:
        step = datetime.timedelta(seconds=settings.SIMULATOR_STEP_SECONDS)
        elapsed = timezone.now() - shipment.created_at
        reports = []
        for i, status in enumerate(self.STEPS, start=1):
            if elapsed < step * i:
                break
            if status == "delivered" and "fail" in shipment.recipient_address:
                status = "failed"
            reports.append(Report(event_id=f"{shipment.waybill}-{i}", waybill=shipment.waybill, status=status,
                                  at=shipment.created_at + step * i, location="徐州"))  # fmt: skip
        return reports

    def callback(self, body: bytes, headers) -> list[Report]:
        raise BadSignature("the simulator sends no callbacks")


def _report(item: dict) -> Report:
    return Report(event_id=str(item["event_id"]), waybill=str(item["waybill"]), status=str(item["status"]),
                  at=datetime.datetime.fromisoformat(item["at"]), location=str(item.get("location", "")),
                  note=str(item.get("note", "")))  # fmt: skip


class HttpCarrier:
    """A courier's HTTP API. Requests and callbacks are JSON signed with HMAC-SHA256 over `timestamp.body`
    (headers X-Timestamp, X-Signature) with the shared secret ZV_CARRIER_SECRET; callbacks older than 5 minutes are
    refused so a captured one cannot be replayed later."""

    code = "http"
    MAX_AGE = 300

    def __init__(self, endpoint: str | None = None, secret: str | None = None, timeout: float | None = None):
        self.endpoint = (endpoint or settings.CARRIER_ENDPOINT).rstrip("/")
        self.secret = secret if secret is not None else settings.CARRIER_SECRET
        self.timeout = timeout or settings.CARRIER_TIMEOUT

    def _call(self, method: str, path: str, payload: dict | None = None) -> dict:
        try:
            return outbound.call(method, self.endpoint + path, secret=self.secret, timeout=self.timeout,
                                 payload=payload or {})  # fmt: skip
        except outbound.OutboundError as exc:
            raise CarrierError(f"carrier {exc}") from exc

    def order(self, shipment) -> Order:
        answer = self._call("POST", "/orders", {
            "reference": f"zv-shipment-{shipment.pk}",  # the carrier makes one order per reference
            "sender": {"name": shipment.sender_name, "region": shipment.sender_region,
                       "address": shipment.sender_address},
            "recipient": {"name": shipment.recipient_name, "region": shipment.recipient_region,
                          "address": shipment.recipient_address},
            "contents": shipment.contents, "weight_grams": shipment.weight_grams,
        })  # fmt: skip
        try:
            return Order(waybill=str(answer["waybill"]), cost=Decimal(str(answer["cost"])))
        except (KeyError, ArithmeticError) as exc:
            raise CarrierError(f"carrier's order answer is incomplete: {answer}") from exc

    def cancel(self, shipment) -> None:
        self._call("POST", f"/orders/{shipment.waybill}/cancel")

    def track(self, shipment) -> list[Report]:
        answer = self._call("GET", f"/orders/{shipment.waybill}/tracking")
        try:
            return [_report(item) for item in answer.get("events", [])]
        except (KeyError, TypeError, ValueError) as exc:
            raise CarrierError(f"carrier's tracking answer is unreadable: {exc}") from exc

    def callback(self, body: bytes, headers) -> list[Report]:
        problem = outbound.untrusted(self.secret, body, headers, setting="ZV_CARRIER_SECRET", max_age=self.MAX_AGE)
        if problem:
            raise BadSignature(problem)
        try:
            payload = json.loads(body)
            return [_report(item) for item in payload["events"]]
        except (KeyError, TypeError, ValueError) as exc:
            raise BadSignature(f"the callback is unreadable: {exc}") from exc


def carrier(code: str | None = None):
    """The adapter for a carrier code (as stored on shipments), or the configured one for new shipments."""
    adapters = {"simulator": SimulatorCarrier, "http": HttpCarrier}
    if code is None:
        return import_string(settings.CARRIER_BACKEND)()
    return adapters[code]()
