"""The mobile flagship store's directory of featured service apps (特色服务应用): what the departments offer
beyond the catalogue's items, each opened through the portal, which counts its use."""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from zerovisit.catalog.models.item import BASE_CODE_PATTERN


class AppCategory(models.TextChoices):
    LIFE = "life", _("Everyday life")  # 便民生活
    BILLS = "bills", _("My bills")  # 我的账单
    SOCIAL = "social", _("Social security")  # 社会保障服务
    HOUSING_FUND = "housing_fund", _("Housing provident fund")  # 智慧公积金
    CITY = "city", _("Smart Xuzhou")  # 智慧徐州
    CITIZEN_CARD = "citizen_card", _("Xuzhou citizen card")  # 徐州市民卡
    HEALTH = "health", _("Health")  # 医疗健康
    TRAVEL = "travel", _("Transport")  # 交通出行
    BUSINESS = "business", _("For enterprises")  # 企业服务


class AppLink(models.TextChoices):
    PAGE = "page", _("A page of this portal")
    ITEM = "item", _("A catalogue item")
    OUTSIDE = "outside", _("An outside address")


class IdentityLevel(models.IntegerChoices):
    """Levels of assurance as the national platform names them."""

    ANYONE = 0, _("Anyone")
    PHONE = 1, _("Signed in (phone)")
    REAL_NAME = 2, _("Real-name verified")
    REAL_PERSON = 3, _("Real person (face check)")


class ServiceApp(models.Model):
    name = models.CharField(_("name"), max_length=50)
    description = models.CharField(_("description"), max_length=200)
    category = models.CharField(_("category"), max_length=20, choices=AppCategory.choices)
    agency = models.ForeignKey("org.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="apps",
                               verbose_name=_("owner agency"))  # fmt: skip
    icon_text = models.CharField(_("icon text"), max_length=2, help_text=_("One or two characters on the icon."))
    link = models.CharField(_("opens"), max_length=10, choices=AppLink.choices)
    path = models.CharField(_("portal page"), max_length=200, blank=True, help_text=_("e.g. /my/licenses/"))
    base_code = models.CharField(_("base code of the item"), max_length=12, blank=True,
                                 help_text=_("The implementation that serves the reader's place opens."))  # fmt: skip
    url = models.URLField(_("outside address"), max_length=300, blank=True, help_text=_("https:// only."))
    identity_level = models.PositiveSmallIntegerField(_("identity needed"), choices=IdentityLevel.choices,
                                                      default=IdentityLevel.ANYONE)  # fmt: skip
    available = models.BooleanField(_("available"), default=True)
    unavailable_note = models.CharField(_("why it is unavailable"), max_length=200, blank=True)
    featured = models.BooleanField(_("featured on the home page"), default=False)
    display_order = models.PositiveIntegerField(_("display order"), default=0)
    uses = models.PositiveBigIntegerField(_("times opened"), default=0, editable=False)

    class Meta:
        verbose_name = _("service app")
        verbose_name_plural = _("service apps")
        ordering = ["category", "display_order", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.link == AppLink.PAGE and not (self.path.startswith("/") and not self.path.startswith("//")):
            errors["path"] = _("A portal page is a path on this site, starting with one “/”.")
        if self.link == AppLink.ITEM and not BASE_CODE_PATTERN.match(self.base_code):
            errors["base_code"] = _("A base code has 12 digits.")
        if self.link == AppLink.OUTSIDE:
            try:
                URLValidator(schemes=["https"])(self.url)
            except ValidationError:
                errors["url"] = _("An outside address starts with https://.")
        if not self.available and not self.unavailable_note.strip():
            errors["unavailable_note"] = _("Say why the app is unavailable, and until when if known.")
        if errors:
            raise ValidationError(errors)
