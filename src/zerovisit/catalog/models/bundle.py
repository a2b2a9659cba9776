from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .item import ThemeAudience


class RefusalPolicy(models.TextChoices):
    """What becomes of a bundle when one of its members is refused or denied."""

    CONTINUE = "continue", _("The other members go on")
    STOP = "stop", _("The whole bundle stops")


class Bundle(models.Model):
    """一件事: one application that feeds several items of several agencies (catalog.bundles checks and saves it).

    Authored as data, like a process template: its members, one combined application form whose fields feed the
    members' own form fields, the order (members in parallel, or one after another's result), one promised limit
    for the whole and what a refusal does. Each member keeps its own agency, process and limits."""

    code = models.SlugField(_("code"), max_length=24, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    region = models.ForeignKey("org.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    audience = models.CharField(_("audience"), max_length=10, choices=ThemeAudience.choices)
    # The combined application form (申请表), in the schema of ServiceItem.form_fields.
    form_fields = models.JSONField(_("combined form fields"), default=list, blank=True)
    promised_days = models.PositiveSmallIntegerField(_("promised time limit (working days)"))
    on_refusal = models.CharField(_("when a member is refused"), max_length=10, choices=RefusalPolicy.choices,
                                  default=RefusalPolicy.CONTINUE)  # fmt: skip
    published = models.BooleanField(_("published"), default=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("updated by"))  # fmt: skip

    class Meta:
        verbose_name = _("bundle (一件事)")
        verbose_name_plural = _("bundles (一件事)")
        ordering = ["region", "name"]

    def __str__(self):
        return self.name


class BundleMember(models.Model):
    """One item of a bundle, named by its implementation code (so that the bundle always applies for the item's
    published version, and follows a power transfer: catalog.bundles)."""

    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE, related_name="members", verbose_name=_("bundle"))
    position = models.PositiveSmallIntegerField(_("position"))
    impl_code = models.CharField(_("implementation code"), max_length=31, db_index=True)
    name = models.CharField(_("item name"), max_length=200)
    # The positions of the members whose results this one needs: it starts when they are approved.
    after = models.JSONField(_("after members"), default=list, blank=True)
    # Member form field label → combined form field label.
    field_map = models.JSONField(_("form field mapping"), default=dict, blank=True)

    class Meta:
        verbose_name = _("bundle member")
        verbose_name_plural = _("bundle members")
        ordering = ["bundle", "position"]
        constraints = [
            models.UniqueConstraint(fields=["bundle", "position"], name="bundle_member_position"),
            models.UniqueConstraint(fields=["bundle", "impl_code"], name="bundle_member_once"),
        ]

    def __str__(self):
        return f"{self.bundle} · {self.position}. {self.name}"
