"""Power transfers (相对集中行政许可权: 划转 to an approval bureau, 下放 to a development zone, 委托): who implements
an item from which date, and the counts and lists the reform is reported by.

A transfer is planned with its items (`plan_transfer`) and carried out on its date by a periodic job
(`carry_out_due_transfers`). Each item then gets an implementation under the receiving agency — a copy of the
published version with its materials and themes, the implementation code the receiving agency's (the catalogue's
rule: credit code, level, base code) and `transferred_from` the agency it came from — and the old implementation is
superseded. Cases filed before keep the version they were filed against, so they stay with the agency that had it;
cases filed after find only the new one, and their results carry the receiving agency's seal (一枚公章管审批).
Carrying a transfer out twice changes nothing.
"""

import datetime
import io
import re

from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from zerovisit.accounts.models import Role
from zerovisit.core import audit
from zerovisit.core.errors import DomainError, PermissionDenied

from . import search
from .models import ItemStatus, MaterialSpec, PowerTransfer, ServiceItem, TransferKind, TransferredItem
from .services import _validate, copy_of, supersede

# Sent for each item carried over, inside the transaction: (old, new) published versions. What else names items
# by implementation code follows (licences.signals: the licence types an item's approval issues).
item_transferred = Signal()


class TransferRefused(DomainError):
    code = "transfer_refused"


def may_plan(actor, *agencies) -> bool:
    """The system itself, the system administrator, or a regional catalogue administrator whose region holds both
    agencies: a transfer takes a power from one agency and gives it to another."""
    if actor is None or actor.is_superuser:
        return True
    if not actor.is_active or actor.agency_id is None or not actor.has_role(Role.REGION_CATALOGUE_ADMIN):
        return False
    prefix = actor.agency.region.prefix
    return all(agency.region.code.startswith(prefix) for agency in agencies)


def plan_transfer(*, actor, kind: str, document: str, document_number: str, effective_on: datetime.date,
                  from_agency, to_agency, impl_codes) -> PowerTransfer:  # fmt: skip
    """A transfer of the from-agency's published items `impl_codes` to `to_agency` on `effective_on` (a date
    already past is carried out at the job's next run). Refused, with nothing written, when an item is not the
    from-agency's, the receiving agency implements it already, or another transfer of it is pending or falls on
    the same date."""
    if not may_plan(actor, from_agency, to_agency):
        raise PermissionDenied(_("Only a regional catalogue administrator over both agencies plans a transfer."))
    document, document_number = (document or "").strip(), (document_number or "").strip()
    codes = sorted({code.strip() for code in impl_codes or () if code and code.strip()})
    try:
        with transaction.atomic():
            return _plan(actor, kind, document, document_number, effective_on, from_agency, to_agency, codes)
    except IntegrityError as exc:  # the same item planned for the same date at the same moment
        raise TransferRefused(_("Another transfer of these items was planned just now for the same date."),
                              code="transfer_overlaps") from exc  # fmt: skip


def _plan(actor, kind, document, document_number, effective_on, from_agency, to_agency, codes) -> PowerTransfer:
    # The items are locked first, so that what is checked is what is planned.
    items = {i.impl_code: i for i in ServiceItem.objects.select_for_update().published().filter(impl_code__in=codes)}
    errors = plan_errors(kind, document, document_number, from_agency, to_agency, codes, effective_on)
    if errors:
        raise TransferRefused(errors[0]["message"], errors=errors)
    transfer = PowerTransfer.objects.create(
        kind=kind, document=document, document_number=document_number, effective_on=effective_on,
        from_agency=from_agency, to_agency=to_agency, created_by=actor if getattr(actor, "pk", None) else None,
    )  # fmt: skip
    TransferredItem.objects.bulk_create([
        TransferredItem(transfer=transfer, from_code=code, name=items[code].name, effective_on=effective_on)
        for code in codes
    ])  # fmt: skip
    audit.record(actor=actor, action="catalog.transfer.plan", obj=transfer, detail={
        "kind": kind, "document_number": document_number, "effective_on": effective_on.isoformat(),
        "from": from_agency.name, "to": to_agency.name, "items": codes,
    })  # fmt: skip
    return transfer


def plan_errors(kind, document, document_number, from_agency, to_agency, codes, effective_on) -> list[dict]:
    """What is wrong with a planned transfer (field, code, message), for plan_transfer and for forms that show
    every problem at its field before anything is sent."""
    errors = []

    def refuse(field, code, message):
        errors.append({"field": field, "code": code, "message": message})

    if kind not in TransferKind.values:
        refuse("kind", "invalid_kind", _("Choose 划转, 下放 or 委托."))
    if not document or len(document) > 300:
        refuse("document", "document_required", _("Name the legal document (at most 300 characters)."))
    if not document_number or len(document_number) > 100:
        refuse("document_number", "document_number_required", _("Give the document's number (文号)."))
    if from_agency.pk == to_agency.pk:
        refuse("to_agency", "same_agency", _("A power is transferred to another agency."))
    if not codes:
        refuse("items", "items_required", _("List the items to transfer."))
        return errors
    published = {i.impl_code: i for i in ServiceItem.objects.published().filter(impl_code__in=codes)}
    foreign = [code for code in codes if code not in published or published[code].agency_id != from_agency.pk]
    if foreign:
        refuse("items", "not_from_agency", _("Not published items of %(agency)s: %(codes)s.")
               % {"agency": from_agency.name, "codes": "、".join(foreign)})  # fmt: skip
    held = ServiceItem.objects.published().filter(agency=to_agency, base_code__in=[
        i.base_code for i in published.values()]).values_list("base_code", "level")  # fmt: skip
    held = set(held)
    taken = [code for code, item in published.items() if (item.base_code, item.level) in held]
    if taken:
        refuse("items", "already_implemented", _("%(agency)s implements these already: %(codes)s.")
               % {"agency": to_agency.name, "codes": "、".join(taken)})  # fmt: skip
    clashing = TransferredItem.objects.filter(Q(transfer__carried_out_at=None) | Q(effective_on=effective_on),
                                              from_code__in=codes)  # fmt: skip
    overlapping = sorted(set(clashing.values_list("from_code", flat=True)))
    if overlapping:
        refuse("items", "transfer_overlaps", _("Another transfer of these items is pending or falls on the same "
                                               "date: %(codes)s.") % {"codes": "、".join(overlapping)})  # fmt: skip
    return errors


def carry_out_due_transfers(today: datetime.date | None = None) -> int:
    """The periodic job: every planned transfer whose date has come, oldest first. How many were carried out."""
    today = today or timezone.localdate()
    due = PowerTransfer.objects.filter(carried_out_at=None, effective_on__lte=today).order_by("effective_on", "id")
    done = 0
    for transfer in due.only("pk"):
        try:
            done += carry_out(transfer.pk)
        except DomainError as error:  # one batch that cannot be carried out as it stands holds up no other
            audit.record(actor=None, action="catalog.transfer.carry_out", obj=transfer, result="failed",
                         detail={"code": error.code, "message": str(error.message)})  # fmt: skip
    return done


def carry_out(transfer_id: int) -> bool:
    """Carry one transfer out: each item implemented by the receiving agency from now, the old implementation
    superseded. Whether it was carried out now (False: it had been already)."""
    with transaction.atomic():
        transfer = (PowerTransfer.objects.select_for_update().select_related("from_agency", "to_agency__region")
                    .get(pk=transfer_id))  # fmt: skip
        if transfer.carried_out_at is not None:
            return False
        moved, gone, held = [], [], []
        for entry in transfer.items.filter(to_code=""):
            old = ServiceItem.objects.select_for_update().filter(impl_code=entry.from_code,
                                                                 status=ItemStatus.PUBLISHED).first()  # fmt: skip
            if old is None:  # no longer published (withdrawn since it was planned): nothing to move
                gone.append(entry.from_code)
                continue
            if ServiceItem.objects.published().filter(agency=transfer.to_agency, base_code=old.base_code,
                                                      level=old.level).exists():  # fmt: skip
                held.append(entry.from_code)  # published by the receiving agency itself since: it keeps its own
                continue
            new = _carry_over(transfer, old)
            entry.to_code = new.impl_code
            entry.save(update_fields=["to_code"])
            moved.append(new.impl_code)
        transfer.carried_out_at = timezone.now()
        transfer.save(update_fields=["carried_out_at"])
        audit.record(actor=None, action="catalog.transfer.carry_out", obj=transfer, detail={
            "document_number": transfer.document_number, "to": transfer.to_agency.name, "items": moved,
            "no_longer_published": gone, "implemented_already": held,
        })  # fmt: skip
    return True


def _carry_over(transfer: PowerTransfer, old: ServiceItem) -> ServiceItem:
    new, materials = copy_of(old)
    new.agency, new.region_id, new.transferred_from = transfer.to_agency, transfer.to_agency.region_id, old.agency
    new.window = None  # a department's window; the hall (the same 政务服务中心, mostly) stays
    new.impl_code = new.expected_impl_code()
    latest = ServiceItem.objects.filter(impl_code=new.impl_code).order_by("-version").first()
    new.version = latest.version + 1 if latest else 1
    new.status, new.published_at = ItemStatus.PUBLISHED, timezone.now()
    _validate(new)
    new.save()
    for material in materials:
        material.item = new
    MaterialSpec.objects.bulk_create(materials)
    new.themes.set(old.themes.all())
    supersede(old)
    # A draft of the old implementation would put the item back with the department once published.
    ServiceItem.objects.filter(impl_code=old.impl_code, status=ItemStatus.DRAFT).delete()
    search.index_items([ServiceItem.objects.select_related("agency", "item_type").get(pk=new.pk)])
    item_transferred.send(sender=PowerTransfer, old=old, new=new)
    return new


# -- reading -----------------------------------------------------------------------------------------------------


def transfers_with_counts():
    """Every transfer with its number of items (`item_count`)."""
    return PowerTransfer.objects.select_related("from_agency", "to_agency").annotate(item_count=Count("items"))


def powers_held(region=None) -> list[dict]:
    """Per agency, how many items it implements by transfer now (the "218 powers" of a county's approval bureau):
    its published implementations that name the agency they came from."""
    items = ServiceItem.objects.published().filter(transferred_from__isnull=False)
    if region is not None:
        items = items.filter(region__code__startswith=region.prefix)
    counted = items.values("agency__name").annotate(powers=Count("id")).order_by("-powers", "agency__name")
    return [{"agency": row["agency__name"], "powers": row["powers"]} for row in counted]


def transfer_of(item: ServiceItem) -> TransferredItem | None:
    """The transfer that gave the item's implementation to its agency, for the guide's "since when"."""
    if item.transferred_from_id is None:
        return None
    return TransferredItem.objects.filter(to_code=item.impl_code).select_related("transfer").order_by("-id").first()


def moved_to(impl_code: str) -> str | None:
    """Where an implementation went, when a transfer superseded it: its code under the receiving agency, while that
    is published (so that a guide's link never leads in a circle)."""
    published = ServiceItem.objects.published().filter(impl_code=OuterRef("to_code"))
    return (TransferredItem.objects.filter(Exists(published), from_code=impl_code).order_by("-effective_on")
            .values_list("to_code", flat=True).first())  # fmt: skip


HEADERS = [
    "序号", "事项名称", "原实施编码", "原实施部门", "承接后实施编码", "承接部门", "方式", "生效日期", "文件", "文号",
]  # fmt: skip


def workbook(transfer: PowerTransfer) -> bytes:
    """The batch as an XLSX sheet, one row per item, in the layout of a transfer's published list."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = re.sub(r"[\[\]:*?/\\]", "", transfer.document_number)[:31] or "transfer"  # what Excel forbids
    sheet.append(HEADERS)
    for number, entry in enumerate(transfer.items.order_by("id"), start=1):
        sheet.append([number, entry.name, entry.from_code, transfer.from_agency.name, entry.to_code or "（待生效）",
                      transfer.to_agency.name, transfer.get_kind_display(), transfer.effective_on,
                      transfer.document, transfer.document_number])  # fmt: skip
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
