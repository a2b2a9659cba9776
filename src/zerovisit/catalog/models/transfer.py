from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class TransferKind(models.TextChoices):
    """How a power moves (相对集中行政许可权改革)."""

    CONSOLIDATION = "consolidation", _("Transferred to the approval bureau (划转)")
    DELEGATION = "delegation", _("Delegated to a lower level or a development zone (下放)")
    ENTRUSTMENT = "entrustment", _("Entrusted (委托)")


class PowerTransfer(models.Model):
    """A batch of items whose implementation moves from one agency to another on a date, under one legal document
    (catalog.transfers). Before the date the batch is planned; on it a job makes each item's implementation under
    the new agency and retires the old one (`carried_out_at`)."""

    kind = models.CharField(_("kind"), max_length=16, choices=TransferKind.choices)
    document = models.CharField(_("legal document"), max_length=300)
    document_number = models.CharField(_("document number"), max_length=100)
    effective_on = models.DateField(_("effective date"))
    from_agency = models.ForeignKey("org.Agency", on_delete=models.PROTECT, related_name="powers_transferred_out",
                                    verbose_name=_("from agency"))  # fmt: skip
    to_agency = models.ForeignKey("org.Agency", on_delete=models.PROTECT, related_name="powers_transferred_in",
                                  verbose_name=_("to agency"))  # fmt: skip
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))  # fmt: skip
    carried_out_at = models.DateTimeField(_("carried out"), null=True, blank=True)

    class Meta:
        verbose_name = _("power transfer")
        verbose_name_plural = _("power transfers")
        ordering = ["-effective_on", "-id"]
        indexes = [models.Index(fields=["carried_out_at", "effective_on"], name="transfer_due")]

    def __str__(self):
        return f"{self.document_number} {self.from_agency} → {self.to_agency}"


class TransferredItem(models.Model):
    """One item of a transfer: the implementation it takes from (`from_code`) and, once carried out, the one it
    made under the new agency (`to_code`)."""

    transfer = models.ForeignKey(PowerTransfer, on_delete=models.CASCADE, related_name="items",
                                 verbose_name=_("power transfer"))  # fmt: skip
    from_code = models.CharField(_("implementation code before"), max_length=31)
    to_code = models.CharField(_("implementation code after"), max_length=31, blank=True)
    name = models.CharField(_("item name"), max_length=200)
    # Copied from the transfer, so that two transfers of one item on one date are refused by the database too.
    effective_on = models.DateField(_("effective date"))

    class Meta:
        verbose_name = _("transferred item")
        verbose_name_plural = _("transferred items")
        ordering = ["transfer", "id"]
        constraints = [
            models.UniqueConstraint(fields=["from_code", "effective_on"], name="transfer_item_once_a_day"),
        ]
        indexes = [models.Index(fields=["to_code"], name="transfer_item_to", condition=~Q(to_code=""))]

    def __str__(self):
        return self.name
