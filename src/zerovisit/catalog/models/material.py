import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zerovisit.core.files import check_upload


class MaterialType(models.TextChoices):
    ORIGINAL = "original", _("Original")
    COPY = "copy", _("Copy")
    ORIGINAL_AND_COPY = "original_and_copy", _("Original and copy")
    E_LICENSE = "e_license", _("Electronic licence")
    FORM = "form", _("Application form")


class MaterialForm(models.TextChoices):
    PAPER = "paper", _("Paper")
    ELECTRONIC = "electronic", _("Electronic")
    EITHER = "either", _("Paper or electronic")


class Necessity(models.TextChoices):
    REQUIRED = "required", _("Required")
    OPTIONAL = "optional", _("Optional")
    DEFERRABLE = "deferrable", _("May follow later (容缺后补)")


class MaterialSource(models.TextChoices):
    APPLICANT = "applicant", _("Provided by the applicant")
    GOVERNMENT = "government", _("Issued by a government department")
    LICENSE_LIBRARY = "license_library", _("Taken from the electronic licence library")
    ONLINE_FORM = "online_form", _("Filled in online")


def validate_template_file(upload):
    """Blank forms and samples are public downloads: documents or images only, of a sensible size."""
    if not getattr(upload, "_committed", True):  # only a new upload; stored files were checked when they came
        check_upload(upload, max_bytes=settings.MAX_TEMPLATE_FILE_BYTES)


def material_upload_path(instance, filename):
    return f"catalog/materials/{instance.item.impl_code}/v{instance.item.version}/{filename}"


class MaterialSpec(models.Model):
    """申请材料: one material an item asks for. Belongs to one item version, so it changes only with a new one."""

    item = models.ForeignKey(
        "catalog.ServiceItem", on_delete=models.CASCADE, related_name="materials", verbose_name=_("item")
    )
    name = models.CharField(_("name"), max_length=200)
    material_type = models.CharField(_("material type"), max_length=20, choices=MaterialType.choices)
    form = models.CharField(_("form"), max_length=12, choices=MaterialForm.choices)
    necessity = models.CharField(_("necessity"), max_length=12, choices=Necessity.choices)
    source = models.CharField(_("source channel"), max_length=20, choices=MaterialSource.choices)
    copies = models.PositiveSmallIntegerField(_("copies"), default=1)
    blank_form = models.FileField(
        _("blank form"), upload_to=material_upload_path, blank=True, validators=[validate_template_file]
    )
    blank_form_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    sample = models.FileField(
        _("filled-in sample"), upload_to=material_upload_path, blank=True, validators=[validate_template_file]
    )
    sample_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    notes = models.TextField(_("notes"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["item", "order", "id"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # Every stored file has its SHA-256 recorded (DESIGN.md §2); only a newly uploaded file needs hashing.
        for attr in ("blank_form", "sample"):
            upload = getattr(self, attr)
            if upload and not upload._committed:
                digest = hashlib.sha256()
                for chunk in upload.chunks():
                    digest.update(chunk)
                setattr(self, f"{attr}_sha256", digest.hexdigest())
            elif not upload:
                setattr(self, f"{attr}_sha256", "")
        super().save(*args, **kwargs)
