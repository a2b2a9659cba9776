"""电子证照库: licence types (证照目录), licences and every change of their status (GB/T 36901–36906)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zerovisit.core.storage import RandomName, private_storage


class HolderKind(models.TextChoices):
    PERSON = "person", _("Citizen")
    ORGANISATION = "organisation", _("Legal entity")


# GB/T 36904 holder code types: 111 居民身份证, 001 统一社会信用代码.
HOLDER_CODE_TYPES = {HolderKind.PERSON: "111", HolderKind.ORGANISATION: "001"}


class LicenseType(models.Model):
    """证照目录: a kind of licence, who issues it, for whom, how long it is valid, what it prints, and which
    catalogue items issue it (their approval) or take it as a material (instead of a paper copy)."""

    code = models.CharField(
        _("type code"),
        max_length=32,
        unique=True,
        help_text=_("2 to 32 characters from 0-9 and A-Z; part of every identifier."),
    )
    name = models.CharField(_("name"), max_length=100)
    agency = models.ForeignKey(
        "org.Agency", on_delete=models.PROTECT, related_name="license_types", verbose_name=_("issuing agency")
    )
    holder_kind = models.CharField(_("holder"), max_length=12, choices=HolderKind.choices)
    validity_years = models.PositiveSmallIntegerField(
        _("valid for (years)"), null=True, blank=True, help_text=_("Empty: valid without limit (长期).")
    )
    number_prefix = models.CharField(_("licence number prefix"), max_length=20, blank=True)
    printed_fields = models.JSONField(
        _("printed fields"),
        default=list,
        blank=True,
        help_text=_("Labels of the application form whose answers the licence shows."),
    )
    issuing_items = models.JSONField(
        _("issued by items"),
        default=list,
        blank=True,
        help_text=_("Implementation codes of the items whose approval issues it."),
    )
    material_names = models.JSONField(
        _("accepted as materials"),
        default=list,
        blank=True,
        help_text=_("Names of materials (from the licence library) it satisfies."),
    )

    class Meta:
        verbose_name = _("licence type")
        verbose_name_plural = _("licence types")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name}（{self.code}）"


class LicenseStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    REVOKED = "revoked", _("Revoked")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")
    # Not one of the standard's four: an older version of a licence that a newer one replaced. It is kept (history
    # stays) but is no longer the licence to rely on.
    SUPERSEDED = "superseded", _("Replaced by a newer version")


class License(models.Model):
    """电子证照: one version of one licence. A change is a new version with the same serial; the old one stays as
    history. The holder's code is a citizen ID number for a person, so it is kept encrypted with a keyed hash for
    lookup, like every ID number (DESIGN.md §4)."""

    identifier = models.CharField(_("identifier"), max_length=100, unique=True)
    license_type = models.ForeignKey(
        LicenseType, on_delete=models.PROTECT, related_name="licenses", verbose_name=_("licence type")
    )
    number = models.CharField(_("licence number"), max_length=64, db_index=True)
    serial = models.PositiveIntegerField(_("serial"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    holder_name = models.CharField(_("holder"), max_length=200)
    holder_code_type = models.CharField(_("holder code type"), max_length=3)
    holder_code_encrypted = models.TextField(editable=False)
    holder_code_hash = models.CharField(max_length=64, editable=False)
    holder_code_masked = models.CharField(_("holder code"), max_length=18, editable=False)
    holder = models.ForeignKey(
        "accounts.Applicant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="licenses",
        verbose_name=_("holder (applicant)"),
        db_index=False,
    )
    issuer = models.ForeignKey(
        "org.Agency", on_delete=models.PROTECT, related_name="licenses", verbose_name=_("issuer"), db_index=False
    )
    jurisdiction = models.CharField(_("jurisdiction code"), max_length=12)
    issue_date = models.DateField(_("issued on"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    data = models.JSONField(_("printed data"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=LicenseStatus.choices, default=LicenseStatus.VALID)
    status_reason = models.CharField(_("reason for the status"), max_length=500, blank=True)
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="licenses",
        verbose_name=_("issued by case"),
    )
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("replaces"),
    )
    file = models.FileField(_("PDF"), upload_to=RandomName("licenses"), storage=private_storage, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    seal = models.ForeignKey(
        "org.Seal", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("sealed with")
    )
    signature_valid = models.BooleanField(_("signature checked valid"), default=False)
    sm2_signature = models.TextField(_("SM2 signature of the data"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("licence")
        verbose_name_plural = _("licences")
        constraints = [
            models.UniqueConstraint(
                fields=["license_type", "issuer", "serial", "version"], name="license_unique_version"
            ),
        ]
        indexes = [
            models.Index(fields=["holder_code_hash", "license_type", "status"], name="license_holder"),
            models.Index(fields=["holder", "status"], name="license_wallet"),
            models.Index(fields=["sha256"], name="license_document"),
            models.Index(
                fields=["status", "valid_until"],
                name="license_expiry",
                condition=Q(status="valid") & Q(valid_until__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.license_type.name} {self.number}"

    @property
    def masked_holder_name(self) -> str:
        name = self.holder_name
        return name if self.holder_code_type == "001" else name[:1] + "*" * max(len(name) - 1, 1)


class LicenseEvent(models.Model):
    """Every change of a licence's status, with its reason and time: what verification shows."""

    license = models.ForeignKey(License, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    action = models.CharField(_("action"), max_length=20)
    status_before = models.CharField(max_length=12, blank=True)
    status_after = models.CharField(max_length=12, choices=LicenseStatus.choices)
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("licence event")
        verbose_name_plural = _("licence events")
        ordering = ["license", "at", "id"]

    def __str__(self):
        return f"{self.license} · {self.action}"


class LicenseAccess(models.Model):
    """One call of the sharing API: which client asked for which holder (by the keyed hash of the code, never the
    code itself) and type, when, from where, and how many licences it got."""

    client = models.ForeignKey("accounts.ApiClient", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("API client"))  # fmt: skip
    at = models.DateTimeField(_("time"), auto_now_add=True)
    holder_code_hash = models.CharField(max_length=64)
    type_code = models.CharField(_("type code"), max_length=32, blank=True)
    results = models.PositiveIntegerField(_("licences returned"))
    remote_addr = models.GenericIPAddressField(_("address"), null=True)

    class Meta:
        verbose_name = _("licence data access")
        verbose_name_plural = _("licence data accesses")
        indexes = [models.Index(fields=["client", "-at"], name="license_access_client")]

    def __str__(self):
        return f"{self.client} · {self.at:%Y-%m-%d %H:%M}"
