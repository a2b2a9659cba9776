"""Shipments: ordering the courier for approved results, applying the carrier's status reports (from tracking or
signed callbacks) exactly once and only forward, and telling the case when its result arrived or did not.

The carrier is called outside any database transaction (it may be slow or down); the shipment row is written
first, so a failed call is retried by the next run of the job and never orders twice (the carrier makes one order
per reference, `zv-shipment-<id>`).
"""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from zerovisit.cases import services as cases
from zerovisit.cases.events import HistoryBroken
from zerovisit.cases.models import BundleCase, BundleStatus, Case, CaseStatus, DeliveryMethod
from zerovisit.core import crypto, identity

from . import carriers
from .models import FINAL, PROGRESS, Direction, Purpose, Shipment, ShipmentEvent, ShipmentStatus

log = logging.getLogger(__name__)


def _outbound_for(case: Case) -> Shipment:
    hall = case.agency
    address = case.delivery_address
    return Shipment(
        case=case, agency=hall, direction=Direction.OUTBOUND, purpose=Purpose.RESULT, carrier=carriers.carrier().code,
        sender_name=hall.name, sender_phone_encrypted=crypto.encrypt(hall.phone or "12345"),
        sender_phone_masked=identity.mask_phone(hall.phone or "12345"), sender_region=hall.region.code,
        sender_address=hall.address or hall.region.name, recipient_name=address["name"],
        recipient_phone_encrypted=address["phone_encrypted"], recipient_phone_masked=address["phone_masked"],
        recipient_region=address["region"], recipient_address=address["address"],
        contents=case.item.result_name or case.item.name,
    )  # fmt: skip


def _inbound_for(case: Case, purpose: str) -> Shipment:
    """The courier collects paper materials (at application) or originals (先审后验, after approval) from the
    applicant's address for the window."""
    outbound = _outbound_for(case)
    what = "纸质申请材料" if purpose == Purpose.MATERIALS else "原件（先审后验）"
    return Shipment(
        case=case, agency=case.agency, direction=Direction.INBOUND, purpose=purpose, carrier=outbound.carrier,
        sender_name=outbound.recipient_name, sender_phone_encrypted=outbound.recipient_phone_encrypted,
        sender_phone_masked=outbound.recipient_phone_masked, sender_region=outbound.recipient_region,
        sender_address=outbound.recipient_address, recipient_name=outbound.sender_name,
        recipient_phone_encrypted=outbound.sender_phone_encrypted, recipient_phone_masked=outbound.sender_phone_masked,
        recipient_region=outbound.sender_region, recipient_address=outbound.sender_address,
        contents=f"{what}：{case.item.name}",
    )  # fmt: skip


def _bundle_results() -> list[Shipment]:
    """一件事 delivers once: when an application for a bundle is concluded, one shipment carries every paper
    result of its members (those approved, delivered by courier, with no originals still to check)."""
    concluded = BundleCase.objects.filter(status__in=[BundleStatus.CONCLUDED, BundleStatus.STOPPED],
                                          delivery_method=DeliveryMethod.COURIER)  # fmt: skip
    waiting = (
        concluded.exclude(shipments__purpose=Purpose.RESULT)
        .filter(members__status=CaseStatus.APPROVED, members__delivered_at=None)
        .distinct()
    )
    shipments = []
    for bundle_case in waiting.prefetch_related("members__item", "members__agency__region"):
        approved = [m for m in bundle_case.members.all() if m.status == CaseStatus.APPROVED and not m.delivered_at]
        if not approved or any(m.originals_pending for m in approved):
            continue
        approved.sort(key=lambda m: m.bundle_position)
        shipment = _outbound_for(approved[0])
        shipment.bundle_case = bundle_case
        shipment.contents = "、".join(m.item.result_name or m.item.name for m in approved)[:200]
        shipments.append(shipment)
    return shipments


def _delivered_cases(shipment: Shipment) -> list[Case]:
    """The cases whose results a shipment carried: its own, or every approved member of its bundle."""
    if shipment.bundle_case_id is None:
        return [shipment.case]
    return list(shipment.bundle_case.members.filter(status=CaseStatus.APPROVED, delivered_at=None)
                .order_by("bundle_position"))  # fmt: skip


def ship_approved_results() -> int:
    """The periodic job. Cases get their shipments: the paper materials of an application that asked for the
    courier to collect them; for 先审后验 the originals, after approval; and once the window has checked them,
    the result. Then every shipment still without a waybill is ordered from the carrier. Returns how many were
    ordered."""
    cases_ = Case.objects.select_related("agency__region", "item")
    paper = cases_.filter(paper_pickup=True, status__in=[CaseStatus.SUBMITTED, CaseStatus.CORRECTION])
    by_courier = cases_.filter(status=CaseStatus.APPROVED, delivery_method=DeliveryMethod.COURIER,
                               delivered_at__isnull=True)  # fmt: skip
    wanted = [
        *((_inbound_for(c, Purpose.MATERIALS)) for c in paper.exclude(shipments__purpose=Purpose.MATERIALS)),
        *((_inbound_for(c, Purpose.ORIGINALS)) for c in by_courier.filter(originals_pending=True)
          .exclude(shipments__purpose=Purpose.ORIGINALS)),
        *(_outbound_for(c) for c in by_courier.filter(originals_pending=False, bundle_case=None)
          .exclude(shipments__purpose=Purpose.RESULT)),
        *_bundle_results(),
    ]  # fmt: skip
    for shipment in wanted:
        try:
            with transaction.atomic():
                shipment.save()
        except IntegrityError:  # made at the same moment by another run
            continue
    cancel_unneeded_pickups()
    ordered = 0
    for shipment in Shipment.objects.filter(waybill="").exclude(status=ShipmentStatus.CANCELLED):
        try:
            order = carriers.carrier(shipment.carrier).order(shipment)
        except carriers.CarrierError as exc:
            log.warning("ordering shipment %s failed, retried next run: %s", shipment.pk, exc)
            continue
        Shipment.objects.filter(pk=shipment.pk, waybill="").update(waybill=order.waybill, cost=order.cost,
                                                                   status_changed_at=timezone.now())  # fmt: skip
        ordered += 1
    return ordered


def apply_reports(shipment: Shipment, reports: list[carriers.Report]) -> Shipment:
    """Record each report once (a repeated one is dropped by its id) and move the shipment forward only: a report
    that arrives after a later one stays in the history and changes nothing. Delivery or its failure is told to
    the case."""
    with transaction.atomic():
        shipment = Shipment.objects.select_for_update().get(pk=shipment.pk)
        before = shipment.status
        for report in sorted(reports, key=lambda r: r.at):
            if report.status not in PROGRESS:
                log.warning("shipment %s: unknown status %r ignored", shipment.pk, report.status)
                continue
            _, created = ShipmentEvent.objects.get_or_create(
                shipment=shipment, carrier_event_id=report.event_id,
                defaults={"status": report.status, "at": report.at, "location": report.location[:100],
                          "note": report.note[:200]},
            )  # fmt: skip
            if created and shipment.status not in FINAL and PROGRESS[report.status] > PROGRESS[shipment.status]:
                shipment.status, shipment.status_changed_at = report.status, timezone.now()
            elif created and shipment.status == ShipmentStatus.FAILED and report.status == ShipmentStatus.IN_TRANSIT:
                shipment.status, shipment.status_changed_at = report.status, timezone.now()  # a second attempt
        shipment.save(update_fields=["status", "status_changed_at"])
        arrived = shipment.status != before and shipment.status == ShipmentStatus.DELIVERED
        if shipment.direction == Direction.INBOUND and arrived:
            cases.record_arrival(number=shipment.case.number, waybill=shipment.waybill,
                                 originals=shipment.purpose == Purpose.ORIGINALS)  # fmt: skip
        if shipment.direction == Direction.OUTBOUND and shipment.status != before:
            if shipment.status == ShipmentStatus.DELIVERED:
                for case in _delivered_cases(shipment):
                    cases.record_delivery(number=case.number, delivered=True, waybill=shipment.waybill)
            elif shipment.status in (ShipmentStatus.FAILED, ShipmentStatus.RETURNED):
                note = next((r.note for r in reports if r.status == shipment.status and r.note), "")
                for case in _delivered_cases(shipment):
                    cases.record_delivery(number=case.number, delivered=False, waybill=shipment.waybill,
                                          note=note or shipment.get_status_display())  # fmt: skip
    return shipment


def cancel_unneeded_pickups() -> int:
    """A paper-materials pickup for an application that was withdrawn or refused before the courier came is
    cancelled with the carrier (and so costs nothing). Returns how many were cancelled."""
    ended = [CaseStatus.WITHDRAWN, CaseStatus.REFUSED]
    unneeded = Shipment.objects.filter(purpose=Purpose.MATERIALS, case__status__in=ended,
                                       status=ShipmentStatus.CREATED)  # fmt: skip
    cancelled = 0
    for shipment in unneeded:
        if shipment.waybill:
            try:
                carriers.carrier(shipment.carrier).cancel(shipment)
            except carriers.CarrierError as exc:
                log.warning("cancelling shipment %s failed, retried next run: %s", shipment.pk, exc)
                continue
        cancelled += Shipment.objects.filter(pk=shipment.pk, status=ShipmentStatus.CREATED).update(
            status=ShipmentStatus.CANCELLED, status_changed_at=timezone.now()
        )
    return cancelled


def track_in_flight() -> int:
    """The periodic job: ask the carrier how each shipment on its way is doing. Returns how many changed."""
    changed = 0
    on_the_way = Shipment.objects.exclude(waybill="").exclude(status__in=FINAL).select_related("case")
    for shipment in on_the_way:
        try:
            reports = carriers.carrier(shipment.carrier).track(shipment)
        except carriers.CarrierError as exc:
            log.warning("tracking shipment %s failed, retried next run: %s", shipment.pk, exc)
            continue
        before = shipment.status
        try:
            changed += apply_reports(shipment, reports).status != before
        except HistoryBroken as exc:  # one tampered case waits for the security administrator, not every shipment
            log.warning("shipment %s not updated: %s", shipment.pk, exc)
    return changed


def receive_callback(carrier_code: str, body: bytes, headers) -> int:
    """A carrier's signed status callback: the reports for waybills we know are applied; returns how many."""
    reports = carriers.carrier(carrier_code).callback(body, headers)  # raises BadSignature
    applied = 0
    for waybill in {r.waybill for r in reports}:
        shipment = Shipment.objects.filter(carrier=carrier_code, waybill=waybill).first()
        if shipment is None:
            log.warning("callback for unknown waybill %s ignored", waybill)
            continue
        try:
            apply_reports(shipment, [r for r in reports if r.waybill == waybill])
        except HistoryBroken as exc:  # tracking applies it once the case's history is repaired
            log.warning("callback for shipment %s not applied: %s", shipment.pk, exc)
            continue
        applied += 1
    return applied
