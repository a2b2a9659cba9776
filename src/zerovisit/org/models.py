from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zerovisit.core import identity


class Level(models.IntegerChoices):
    """行使层级 / region level. A functional zone (经开区, 高新区) sits at the county level."""

    NATIONAL = 1, _("National")
    PROVINCE = 2, _("Province")
    CITY = 3, _("City")
    COUNTY = 4, _("County")
    TOWN = 5, _("Town")
    VILLAGE = 6, _("Village")


# How many leading digits of the 12-digit statistical division code identify a region of each level; the rest are
# zeros. A region's subtree is then every code that starts with its prefix, which an index answers directly.
PREFIX_LENGTH = {Level.NATIONAL: 0, Level.PROVINCE: 2, Level.CITY: 4, Level.COUNTY: 6, Level.TOWN: 9, Level.VILLAGE: 12}


class Region(models.Model):
    code = models.CharField(
        _("division code"),
        max_length=12,
        unique=True,
        help_text=_("12-digit statistical division code, e.g. 320300000000 for Xuzhou."),
    )
    name = models.CharField(_("name"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    is_functional_zone = models.BooleanField(
        _("functional zone"), default=False, help_text=_("Development or high-tech zone that owns items.")
    )
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self):
        return self.name

    @property
    def prefix(self) -> str:
        return self.code[: PREFIX_LENGTH[self.level]]

    def clean(self):
        if not (len(self.code) == 12 and self.code.isdigit()):
            raise ValidationError({"code": _("A division code has exactly 12 digits.")})
        if self.level and self.code[PREFIX_LENGTH[self.level] :].strip("0"):
            raise ValidationError({"code": _("Digits beyond this level's part of the code must be zeros.")})
        if self.parent and not self.code.startswith(self.parent.prefix):
            raise ValidationError({"parent": _("A region's code must start with its parent's code.")})
        if self.parent and self.parent.level >= self.level:
            raise ValidationError({"parent": _("The parent must be of a higher level.")})


class AgencyKind(models.TextChoices):
    APPROVAL_BUREAU = "approval_bureau", _("Administrative approval bureau")
    DEPARTMENT = "department", _("Government department")
    VERTICAL = "vertical", _("Vertically managed agency")
    PUBLIC_INSTITUTION = "public_institution", _("Public institution")
    TOWNSHIP = "township", _("Town or street government")
    VILLAGE = "village", _("Village or community committee")
    OTHER = "other", _("Other")


class Agency(models.Model):
    """部门: an office that implements items. A 行政审批局 may hold items transferred from departments."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    credit_code_override = models.BooleanField(
        _("check character verified by staff"),
        default=False,
        help_text=_("Some early codes are legal yet fail the check character; tick after verifying the code."),
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="agencies", verbose_name=_("region"))
    kind = models.CharField(_("kind"), max_length=20, choices=AgencyKind.choices, default=AgencyKind.DEPARTMENT)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    display_order = models.PositiveIntegerField(_("display order"), default=0)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["region__code", "display_order", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        code = (self.credit_code or "").upper()
        self.credit_code = code
        if not identity.credit_code_is_well_formed(code):
            raise ValidationError(
                {
                    "credit_code": _(
                        "A unified social credit code has 18 characters from 0-9 and A-Y without I, O, S, V and Z."
                    )
                }
            )
        if not identity.credit_code_check_passes(code) and not self.credit_code_override:
            raise ValidationError(
                {
                    "credit_code": _(
                        "The check character does not match. If the code is printed so on the agency's certificate, "
                        "tick “check character verified by staff”."
                    )
                }
            )


class HallKind(models.TextChoices):
    """The three tiers of places where people are served in person."""

    CENTRE = "centre", _("Government service centre")  # 政务服务中心, of a city or county
    TOWN = "town", _("Town service centre")  # 便民服务中心, of a town or street
    VILLAGE = "village", _("Village service station")  # 便民服务站, of a village or community


class ServiceHall(models.Model):
    """政务服务中心 / 便民服务中心 / 便民服务站: a place that serves people in person, with windows. The town and
    village points (便民服务点) also take in items for agencies elsewhere (HallService)."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=HallKind.choices, default=HallKind.CENTRE)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="halls", verbose_name=_("region"))
    address = models.CharField(_("address"), max_length=200)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("service hall")
        verbose_name_plural = _("service halls")
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="hall_unique_name_in_region")]

    def __str__(self):
        return self.name


class HallServiceMode(models.TextChoices):
    PROXY = "proxy", _("Applied for on your behalf (代办)")
    EXTENDED = "extended", _("Accepted here (延伸服务)")


class HallService(models.Model):
    """An item a service point takes in for the people around it: 代办 (its staff apply for the person, free of
    charge) or 延伸服务 (the implementing agency has extended the item to the point, which accepts it itself).

    Named by base code, not by implementation: whichever implementation serves the point's place handles it, so
    a new version or a power transfer leaves the point's list as it is."""

    hall = models.ForeignKey(ServiceHall, on_delete=models.CASCADE, related_name="services", verbose_name=_("hall"))
    base_code = models.CharField(_("base code"), max_length=12)
    mode = models.CharField(_("service"), max_length=10, choices=HallServiceMode.choices)

    class Meta:
        verbose_name = _("item taken in at a service point")
        verbose_name_plural = _("items taken in at service points")
        constraints = [models.UniqueConstraint(fields=["hall", "base_code"], name="hallservice_unique_item")]

    def __str__(self):
        return f"{self.hall} · {self.base_code}"

    def clean(self):
        if not (len(self.base_code or "") == 12 and self.base_code.isdigit()):
            raise ValidationError({"base_code": _("A base code has 12 digits.")})


class Window(models.Model):
    hall = models.ForeignKey(ServiceHall, on_delete=models.CASCADE, related_name="windows", verbose_name=_("hall"))
    name = models.CharField(_("name"), max_length=100)
    agency = models.ForeignKey(
        Agency, on_delete=models.SET_NULL, null=True, blank=True, related_name="windows", verbose_name=_("agency")
    )

    class Meta:
        verbose_name = _("window")
        verbose_name_plural = _("windows")
        constraints = [models.UniqueConstraint(fields=["hall", "name"], name="window_unique_name_in_hall")]

    def __str__(self):
        return f"{self.hall} · {self.name}"


class SealKind(models.TextChoices):
    ROOT = "root", _("Platform root certificate")
    AGENCY = "agency", _("Agency seal")


class Seal(models.Model):
    """电子印章: an agency's signing identity (key, certificate and seal image), or the platform's root that
    certifies them. One active seal per agency; rotating retires the old one, whose certificate stays valid for
    what it signed. The private key is stored encrypted (core.crypto)."""

    kind = models.CharField(_("kind"), max_length=10, choices=SealKind.choices)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="seals",
                               verbose_name=_("agency"))  # fmt: skip
    purpose = models.CharField(_("purpose"), max_length=30, default="行政审批专用章")
    issued_by = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("certified by"), editable=False)  # fmt: skip
    certificate_pem = models.TextField(_("certificate"), editable=False)
    key_encrypted = models.TextField(editable=False)
    fingerprint = models.CharField(_("SHA-256 fingerprint"), max_length=64, unique=True, editable=False)
    valid_from = models.DateTimeField(_("valid from"), editable=False)
    valid_until = models.DateTimeField(_("valid until"), editable=False)
    active = models.BooleanField(_("active"), default=True)
    # The seal's SM2 key (国密), made when SM2 signatures are switched on (ZV_SM2_SIGNATURES).
    sm2_public_key = models.CharField(_("SM2 public key"), max_length=130, blank=True, editable=False)
    sm2_key_encrypted = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)

    class Meta:
        verbose_name = _("seal")
        verbose_name_plural = _("seals")
        constraints = [
            models.UniqueConstraint(fields=["agency"], condition=Q(active=True, kind="agency"),
                                    name="seal_one_active_per_agency"),
            models.UniqueConstraint(fields=["kind"], condition=Q(active=True, kind="root"),
                                    name="seal_one_active_root"),
        ]  # fmt: skip

    def __str__(self):
        return f"{self.agency or _('Platform root')} · {self.purpose} · {self.fingerprint[:12]}"
