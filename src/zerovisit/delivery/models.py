"""政务专递: shipments of paper materials from applicants (inbound) and of results to them (outbound), with their
carrier, cost, who pays, and the history of their status."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Direction(models.TextChoices):
    INBOUND = "inbound", _("From the applicant (materials, originals)")
    OUTBOUND = "outbound", _("To the applicant (results)")


class Purpose(models.TextChoices):
    MATERIALS = "materials", _("Paper materials from the applicant")
    ORIGINALS = "originals", _("Originals from the applicant (先审后验)")
    RESULT = "result", _("The result to the applicant")


class ShipmentStatus(models.TextChoices):
    CREATED = "created", _("Ordered")
    PICKED_UP = "picked_up", _("Picked up")
    IN_TRANSIT = "in_transit", _("In transit")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Delivery failed")
    RETURNED = "returned", _("Returned to sender")
    CANCELLED = "cancelled", _("Cancelled")


# How far along each status is: a shipment only moves forward, so a late or repeated carrier event cannot take it
# back. A failed delivery may still be delivered on a second attempt or returned.
PROGRESS = {"created": 0, "picked_up": 1, "in_transit": 2, "failed": 3, "delivered": 4, "returned": 4,
            "cancelled": 4}  # fmt: skip
FINAL = {ShipmentStatus.DELIVERED, ShipmentStatus.RETURNED, ShipmentStatus.CANCELLED}


class Payer(models.TextChoices):
    GOVERNMENT = "government", _("The government (政府买单)")
    APPLICANT = "applicant", _("The applicant")


class Shipment(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="shipments",
                             verbose_name=_("case"))  # fmt: skip
    agency = models.ForeignKey("org.Agency", on_delete=models.PROTECT, related_name="shipments",
                               verbose_name=_("agency"), db_index=False)  # fmt: skip
    # The results of a bundle (一件事) travel together: one shipment, made out for its first approved member.
    bundle_case = models.ForeignKey("cases.BundleCase", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="shipments", verbose_name=_("bundle case"))  # fmt: skip
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices)
    carrier = models.CharField(_("carrier"), max_length=20)
    waybill = models.CharField(_("waybill number"), max_length=40, blank=True)
    sender_name = models.CharField(_("sender"), max_length=100)
    sender_phone_encrypted = models.TextField(editable=False)
    sender_phone_masked = models.CharField(_("sender phone"), max_length=20)
    sender_region = models.CharField(_("sender region code"), max_length=12)
    sender_address = models.CharField(_("sender address"), max_length=200)
    recipient_name = models.CharField(_("recipient"), max_length=100)
    recipient_phone_encrypted = models.TextField(editable=False)
    recipient_phone_masked = models.CharField(_("recipient phone"), max_length=20)
    recipient_region = models.CharField(_("recipient region code"), max_length=12)
    recipient_address = models.CharField(_("recipient address"), max_length=200)
    contents = models.CharField(_("contents"), max_length=200)
    weight_grams = models.PositiveIntegerField(_("weight (g)"), default=200)
    cost = models.DecimalField(_("postage (yuan)"), max_digits=8, decimal_places=2, default=0)
    payer = models.CharField(_("paid by"), max_length=12, choices=Payer.choices, default=Payer.GOVERNMENT)
    status = models.CharField(_("status"), max_length=12, choices=ShipmentStatus.choices,
                              default=ShipmentStatus.CREATED)  # fmt: skip
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        constraints = [
            models.UniqueConstraint(fields=["carrier", "waybill"], condition=~models.Q(waybill=""),
                                    name="shipment_unique_waybill"),
            models.UniqueConstraint(fields=["case", "purpose"], name="shipment_one_per_purpose"),
        ]  # fmt: skip
        indexes = [
            models.Index(fields=["agency", "created_at"], name="shipment_ledger"),
            models.Index(fields=["status", "carrier"], name="shipment_in_flight"),
        ]

    def __str__(self):
        return f"{self.get_direction_display()} {self.waybill or '—'} ({self.case})"


class ShipmentEvent(models.Model):
    """One status report of a shipment, as the carrier sent it. A report the carrier repeats (same id) is kept
    once; one that arrives out of order is kept in the history but does not move the shipment back."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="events")
    carrier_event_id = models.CharField(max_length=80)
    status = models.CharField(_("status"), max_length=12, choices=ShipmentStatus.choices)
    at = models.DateTimeField(_("time"))
    location = models.CharField(_("where"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("shipment event")
        verbose_name_plural = _("shipment events")
        ordering = ["shipment", "at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["shipment", "carrier_event_id"], name="shipment_event_once"),
        ]

    def __str__(self):
        return f"{self.shipment} · {self.status}"
