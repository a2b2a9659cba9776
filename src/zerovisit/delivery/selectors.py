"""The finance ledger of the courier service: shipments and postage per agency and month, and what applicants
were saved (the postage the government paid in their place)."""

import datetime
import io
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth

from .models import Payer, Shipment, ShipmentStatus


@dataclass(frozen=True)
class LedgerRow:
    agency: str
    month: datetime.date
    shipments: int
    inbound: int
    outbound: int
    postage: Decimal
    saving: Decimal


def ledger(*, year: int, agency_id: int | None = None) -> list[LedgerRow]:
    """One row per agency and month of `year`: one grouped query whatever the number of shipments."""
    shipments = Shipment.objects.filter(created_at__year=year).exclude(status=ShipmentStatus.CANCELLED)
    if agency_id is not None:
        shipments = shipments.filter(agency_id=agency_id)
    grouped = (
        shipments.annotate(month=TruncMonth("created_at"))
        .values("agency__name", "month")
        .annotate(
            shipments=Count("id"), inbound=Count("id", filter=Q(direction="inbound")),
            outbound=Count("id", filter=Q(direction="outbound")), postage=Sum("cost"),
            saving=Sum("cost", filter=Q(payer=Payer.GOVERNMENT)),
        )
        .order_by("agency__name", "month")
    )  # fmt: skip
    return [
        LedgerRow(
            agency=row["agency__name"],
            month=_as_date(row["month"]),
            shipments=row["shipments"],
            inbound=row["inbound"],
            outbound=row["outbound"],
            postage=_yuan(row["postage"]),
            saving=_yuan(row["saving"]),
        )
        for row in grouped
    ]


def _yuan(value) -> Decimal:
    """Money to the fen, whatever the database's sum returned (SQLite drops the scale)."""
    return Decimal(value or 0).quantize(Decimal("0.01"))


def _as_date(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


HEADERS = ["部门", "月份", "邮件数", "收件（寄入）", "寄件（送达）", "邮费（元）", "为申请人节省（元）"]


def ledger_xlsx(rows: list[LedgerRow]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "政务专递台账"
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(
            [
                row.agency,
                row.month.strftime("%Y-%m"),
                row.shipments,
                row.inbound,
                row.outbound,
                float(row.postage),
                float(row.saving),
            ]
        )
    if rows:
        sheet.append(
            [
                "合计",
                "",
                sum(r.shipments for r in rows),
                sum(r.inbound for r in rows),
                sum(r.outbound for r in rows),
                float(sum(r.postage for r in rows)),
                float(sum(r.saving for r in rows)),
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
