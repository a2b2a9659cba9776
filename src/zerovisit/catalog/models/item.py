import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zerovisit.org.models import Level

from ..formfields import schema_errors
from .process import ProcessKind

BASE_CODE_PATTERN = re.compile(r"^\d{12}$")

# 行政许可法 第四十二条: unless the decision is made on the spot, a licence is decided within 20 days of acceptance
# (working days, Art. 82) where no law or regulation says otherwise.
LICENSING_TYPE = "01"  # 行政许可, the national item type code
ART_42_DAYS = 20


class ItemType(models.Model):
    """事项类型. Kept as a table, not choices: provinces add their own codes."""

    code = models.CharField(_("code"), max_length=2, primary_key=True)
    name = models.CharField(_("name"), max_length=50, unique=True)

    class Meta:
        verbose_name = _("item type")
        verbose_name_plural = _("item types")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class ThemeAudience(models.TextChoices):
    PERSON = "person", _("Natural persons")
    LEGAL = "legal", _("Legal persons")


class ThemeKind(models.TextChoices):
    TOPIC = "topic", _("Topic")
    LIFE_EVENT = "life_event", _("Life event")


class Theme(models.Model):
    """自然人/法人 topics and life events, the portal's ways into the catalogue."""

    audience = models.CharField(_("audience"), max_length=10, choices=ThemeAudience.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=ThemeKind.choices, default=ThemeKind.TOPIC)
    name = models.CharField(_("name"), max_length=50)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    display_order = models.PositiveSmallIntegerField(_("display order"), default=0)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["audience", "kind", "display_order"]
        constraints = [models.UniqueConstraint(fields=["audience", "kind", "name"], name="theme_unique_name")]

    def __str__(self):
        return self.name


class ItemStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Superseded")


class CaseKind(models.TextChoices):
    INSTANT = "instant", _("Instant (即办件)")
    PROMISED = "promised", _("Promised (承诺件)")


class HandlingForm(models.TextChoices):
    WINDOW = "window", _("At a window")
    ONLINE = "online", _("Online")
    MAIL = "mail", _("By post")


class OnlineDepth(models.IntegerChoices):
    CONSULTATION = 1, _("Consultation")
    RECEIPT = 2, _("Receipt of materials")
    PRE_REVIEW = 3, _("Pre-review")
    ACCEPTANCE = 4, _("Acceptance")
    HANDLING = 5, _("Handling")
    RESULT_FEEDBACK = 6, _("Result feedback")
    LICENSE_FEEDBACK = 7, _("Electronic licence feedback")
    OTHER = 8, _("Other")


class ServiceObject(models.TextChoices):
    NATURAL_PERSON = "natural_person", _("Natural person")
    ENTERPRISE = "enterprise", _("Enterprise legal person")
    INSTITUTION = "institution", _("Public institution legal person")
    SOCIAL_ORGANISATION = "social_organisation", _("Social organisation legal person")
    UNINCORPORATED = "unincorporated", _("Unincorporated enterprise")
    GOVERNMENT = "government", _("Government body")
    OTHER = "other", _("Other organisation")


class ResultType(models.TextChoices):
    LICENSE = "license", _("Licence or certificate")
    APPROVAL = "approval", _("Approval document")
    OTHER = "other", _("Other")
    NONE = "none", _("None")


class ReformMode(models.TextChoices):
    """证照分离 reform modes."""

    CANCELLED = "cancelled", _("Approval cancelled")
    FILING = "filing", _("Approval changed to filing")
    COMMITMENT = "commitment", _("Notification and commitment")
    OPTIMISED = "optimised", _("Optimised approval service")


class VerificationMethod(models.TextChoices):
    """How a commitment (告知承诺) is checked after the decision (事后核查)."""

    WRITTEN = "written", _("Written review")
    ONLINE = "online", _("Online data check")
    SITE = "site", _("Site inspection")
    PUBLICITY = "publicity", _("Public notice")


class FocusArea(models.TextChoices):
    HIGH_FREQUENCY = "high_frequency", _("High-frequency")
    INVESTMENT = "investment", _("Investment and construction")
    CONVENIENCE = "convenience", _("Everyday convenience")


ONLINE_LEVELS = [(1, "Ⅰ"), (2, "Ⅱ"), (3, "Ⅲ"), (4, "Ⅳ")]
ASSURANCE_LEVELS = [(1, _("1: mobile number")), (2, _("2: real name")), (3, _("3: real person"))]


def allowed_process_kinds(case_kind: str, reform_mode: str) -> set[str]:
    """The process kinds an item's reform mode and case kind call for."""
    if reform_mode == ReformMode.COMMITMENT:
        return {ProcessKind.COMMITMENT}
    if reform_mode == ReformMode.FILING:
        return {ProcessKind.FILING}
    if case_kind == CaseKind.INSTANT:
        return {ProcessKind.INSTANT}
    return {ProcessKind.PROMISED, ProcessKind.JOINT}


def default_process_code(case_kind: str, reform_mode: str) -> str:
    """The standard template (seeded with the catalogue) for an item that names none."""
    kinds = allowed_process_kinds(case_kind, reform_mode)
    return "promised-1" if ProcessKind.PROMISED in kinds else next(iter(kinds)).value


class ServiceItemQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=ItemStatus.PUBLISHED)


class ServiceItem(models.Model):
    """One version of one item implementation (实施清单 row).

    Versions of the same implementation share `impl_code`. A published version is never edited: a change makes a
    new draft version, and publishing it supersedes the old one, so a case filed against a version keeps it.
    """

    impl_code = models.CharField(_("implementation code"), max_length=31, db_index=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    status = models.CharField(_("status"), max_length=12, choices=ItemStatus.choices, default=ItemStatus.DRAFT)

    name = models.CharField(_("item name"), max_length=200)
    base_code = models.CharField(_("base code"), max_length=12)
    item_type = models.ForeignKey(ItemType, on_delete=models.PROTECT, verbose_name=_("item type"))
    agency = models.ForeignKey(
        "org.Agency", on_delete=models.PROTECT, related_name="items", verbose_name=_("implementing agency")
    )
    # Copied from the agency: the portal filters by region subtree without a join.
    region = models.ForeignKey(
        "org.Region", on_delete=models.PROTECT, related_name="items", verbose_name=_("region"), editable=False
    )
    transferred_from = models.ForeignKey(
        "org.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transferred_items",
        verbose_name=_("transferred from"),
    )
    level = models.PositiveSmallIntegerField(_("exercise level"), choices=Level.choices)
    legal_basis = models.TextField(_("legal basis"))

    legal_days = models.PositiveSmallIntegerField(_("legal time limit (working days)"), null=True, blank=True)
    legal_days_note = models.CharField(_("legal time limit note"), max_length=500, blank=True)
    promised_days = models.PositiveSmallIntegerField(_("promised time limit (working days)"))
    promised_days_note = models.CharField(_("promised time limit note"), max_length=500, blank=True)
    case_kind = models.CharField(_("case kind"), max_length=10, choices=CaseKind.choices)

    handling_forms = models.JSONField(_("handling forms"), default=list)
    visits_required = models.PositiveSmallIntegerField(_("visits required"), default=0)
    visits_reason = models.TextField(_("why a visit is needed"), blank=True)
    online_depth = models.JSONField(_("online depth"), default=list)
    online_level = models.PositiveSmallIntegerField(_("online depth level"), choices=ONLINE_LEVELS, default=1)
    online_available = models.BooleanField(_("can be handled online"), default=False)
    mobile_available = models.BooleanField(_("can be handled on mobile"), default=False)
    # 实名认证等级 an account needs to apply online (accounts.models.AssuranceLevel): 2, a verified real name, unless
    # the item asks for a face check (3) or only a confirmed phone (1).
    assurance_level = models.PositiveSmallIntegerField(_("identity assurance needed"), choices=ASSURANCE_LEVELS,
                                                       default=2)  # fmt: skip

    fee_required = models.BooleanField(_("fees charged"), default=False)
    fee_items = models.TextField(_("fee items"), blank=True)
    fee_standard = models.TextField(_("fee standard"), blank=True)
    fee_basis = models.TextField(_("fee basis"), blank=True)
    online_payment = models.BooleanField(_("online payment"), default=False)

    mail_materials = models.BooleanField(_("materials by post"), default=False)
    mail_results = models.BooleanField(_("results by post"), default=False)
    appointment = models.BooleanField(_("appointments"), default=False)
    kiosk = models.BooleanField(_("self-service kiosk"), default=False)

    hall = models.ForeignKey(
        "org.ServiceHall", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("service hall")
    )
    window = models.ForeignKey("org.Window", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("window"))
    address = models.CharField(_("address"), max_length=300, blank=True)
    office_hours = models.CharField(_("office hours"), max_length=300, blank=True)

    process_template = models.ForeignKey(
        "catalog.ProcessTemplate", on_delete=models.PROTECT, related_name="items", verbose_name=_("process")
    )
    conditions = models.TextField(_("conditions of acceptance"))
    form_fields = models.JSONField(
        _("application form fields"), default=list, blank=True,
        help_text=_("What the application asks besides the materials (申请表); see docs/catalogue-format.md."),
    )  # fmt: skip
    verify_originals = models.BooleanField(
        _("originals checked at delivery (先审后验)"), default=False,
        help_text=_("Approved on the uploaded copies; the originals are checked when the result is handed over."),
    )  # fmt: skip
    special_procedures = models.TextField(_("special procedures"), blank=True)
    service_objects = models.JSONField(_("service objects"), default=list)
    themes = models.ManyToManyField(Theme, blank=True, related_name="items", verbose_name=_("themes"))

    result_type = models.CharField(_("result type"), max_length=10, choices=ResultType.choices)
    result_name = models.CharField(_("result name"), max_length=200, blank=True)
    consult_phone = models.CharField(_("consultation phone"), max_length=100)
    complaint_phone = models.CharField(_("complaint phone"), max_length=100)
    remedy_review = models.CharField(_("administrative review"), max_length=300, blank=True)
    remedy_litigation = models.CharField(_("administrative litigation"), max_length=300, blank=True)
    faq = models.TextField(_("frequently asked questions"), blank=True)
    reform_mode = models.CharField(_("reform mode"), max_length=12, choices=ReformMode.choices, blank=True)
    verification_method = models.CharField(_("post-verification method"), max_length=10,
                                           choices=VerificationMethod.choices, blank=True)  # fmt: skip
    verification_days = models.PositiveSmallIntegerField(
        _("post-verification within (working days)"), null=True, blank=True,
        help_text=_("For 告知承诺 items: how soon after the decision the commitment is checked."),
    )  # fmt: skip
    normal_promised_days = models.PositiveSmallIntegerField(
        _("promised time limit of the normal procedure (working days)"), null=True, blank=True,
        help_text=_("For 告知承诺 items: the limit of a case whose applicant does not sign the commitment and "
                    "chooses the normal procedure; never more than the legal limit."),
    )  # fmt: skip
    is_high_frequency = models.BooleanField(_("high-frequency"), default=False)
    is_investment = models.BooleanField(_("investment and construction"), default=False)
    is_convenience = models.BooleanField(_("everyday convenience"), default=False)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )

    objects = ServiceItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("service item")
        verbose_name_plural = _("service items")
        ordering = ["impl_code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["impl_code", "version"], name="item_unique_version"),
            models.UniqueConstraint(
                fields=["impl_code"], condition=Q(status="published"), name="item_one_published_version"
            ),
            models.UniqueConstraint(fields=["impl_code"], condition=Q(status="draft"), name="item_one_draft_version"),
            models.CheckConstraint(
                condition=Q(legal_days__isnull=True) | Q(promised_days__lte=models.F("legal_days")),
                name="item_promised_within_legal",
            ),
            models.CheckConstraint(
                condition=Q(normal_promised_days__isnull=True)
                | Q(legal_days__isnull=True)
                | Q(normal_promised_days__lte=models.F("legal_days")),
                name="item_normal_promised_within_legal",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-is_high_frequency", "name"], name="item_status_hf_name"),
            models.Index(fields=["status", "region"], name="item_status_region"),
            # The other implementations of one base item, for the place rule (catalog.selectors.place_condition).
            models.Index(fields=["base_code", "status", "region"], name="item_base_status_region"),
            models.Index(fields=["status", "agency"], name="item_status_agency"),
            # Counting a filtered list reads one of these instead of the table.
            models.Index(fields=["status", "visits_required"], name="item_status_visits"),
            models.Index(fields=["status", "item_type"], name="item_status_type"),
            models.Index(fields=["status", "level"], name="item_status_level"),
            models.Index(fields=["status", "is_investment"], name="item_status_investment"),
            models.Index(fields=["status", "is_convenience"], name="item_status_convenience"),
        ]

    def __str__(self):
        return self.name

    @property
    def zero_visits(self) -> bool:
        return self.visits_required == 0

    @property
    def effective_legal_days(self) -> int | None:
        """The legal time limit that binds the item: its own, else for a 行政许可 item the 20 working days of
        Art. 42 of the 行政许可法; None when neither applies."""
        if self.legal_days is not None:
            return self.legal_days
        return ART_42_DAYS if self.item_type_id == LICENSING_TYPE else None

    @property
    def legal_days_by_art_42(self) -> bool:
        """The legal limit is Art. 42's default, not one the item's own law sets."""
        return self.legal_days is None and self.effective_legal_days is not None

    def expected_impl_code(self) -> str:
        return f"{self.agency.credit_code}{self.level}{self.base_code}"

    def consistency_errors(self) -> dict[str, list[str]]:
        """The catalogue's consistency rules (docs/catalogue-format.md), field → messages. Used by clean() and by
        the importer, which names the file's columns instead of the fields."""
        errors: dict[str, list[str]] = {}

        def add(field, message):
            errors.setdefault(field, []).append(message)

        legal = self.effective_legal_days
        if legal is not None and self.promised_days is not None and self.promised_days > legal:
            if self.legal_days_by_art_42:
                add(
                    "promised_days",
                    _(
                        "The promised limit (%(p)s working days) exceeds the %(l)s working days that "
                        "Art. 42 of the Administrative Licensing Law (行政许可法第四十二条) allows a "
                        "licensing item whose law sets no limit."
                    )
                    % {"p": self.promised_days, "l": legal},
                )
            else:
                add(
                    "promised_days",
                    _("The promised limit (%(p)s working days) exceeds the legal limit (%(l)s working days).")
                    % {"p": self.promised_days, "l": legal},
                )
        if self.case_kind == CaseKind.INSTANT and self.promised_days:
            add("promised_days", _("An instant item (即办件) has a promised limit of 0 working days."))
        if self.case_kind == CaseKind.PROMISED and self.promised_days == 0:
            add("promised_days", _("A promised item (承诺件) has a promised limit of at least 1 working day."))
        if self.visits_required and not self.visits_reason.strip():
            add("visits_reason", _("Say why the applicant must come when visits are required."))
        if self.visits_required == 0 and not self.online_available and not self.mail_materials:
            add(
                "mail_materials",
                _("An item without visits that cannot be handled online must accept materials by post."),
            )
        if self.fee_required and not (self.fee_items.strip() and self.fee_basis.strip()):
            add("fee_basis", _("An item that charges fees needs the fee items and their legal basis."))
        if self.online_level == 4 and self.visits_required:
            add("visits_required", _("Online depth level Ⅳ (全程网办) means zero visits."))
        if self.result_type and self.result_type != ResultType.NONE and not self.result_name.strip():
            add("result_name", _("Name the result (e.g. the licence) when the item has one."))
        if self.reform_mode == ReformMode.COMMITMENT and not (self.verification_method and self.verification_days):
            add("verification_method", _("A 告知承诺 item says how and within how many working days the commitment "
                                         "is checked."))  # fmt: skip
        for field, message in self._normal_procedure_errors():
            add(field, message)
        if self.process_template_id and self.case_kind:
            allowed = allowed_process_kinds(self.case_kind, self.reform_mode)
            if self.process_template.kind not in allowed:
                add("process_template", _("This item needs a process of the kind %(kinds)s.")
                    % {"kinds": "、".join(str(ProcessKind(k).label) for k in sorted(allowed))})  # fmt: skip
        for problem in schema_errors(self.form_fields):
            add("form_fields", problem)
        if not BASE_CODE_PATTERN.match(self.base_code or ""):
            add("base_code", _("A base code has 12 digits."))
        elif self.item_type_id and not self.base_code.startswith(self.item_type_id):
            add(
                "base_code",
                _("The base code must start with the item type code %(code)s.") % {"code": self.item_type_id},
            )
        if self.agency_id and self.level and BASE_CODE_PATTERN.match(self.base_code or ""):
            expected = self.expected_impl_code()
            if self.impl_code and self.impl_code != expected:
                add(
                    "impl_code",
                    _(
                        "The implementation code must be the agency's credit code, the level digit and "
                        "the base code: %(expected)s."
                    )
                    % {"expected": expected},
                )
        return errors

    def _normal_procedure_errors(self):
        """A 告知承诺 item's applicant may decline the commitment and use the normal procedure: the item then
        promises a limit of at least 1 working day and at most the legal limit (Art. 42's 20 when none is set)."""
        normal = self.normal_promised_days
        if self.reform_mode != ReformMode.COMMITMENT:
            if normal is not None:
                yield "normal_promised_days", _("Only a 告知承诺 item has a promised limit of the normal procedure.")
            return
        ceiling = self.effective_legal_days if self.effective_legal_days is not None else ART_42_DAYS
        if not normal:
            yield (
                "normal_promised_days",
                _(
                    "A 告知承诺 item gives the promised limit of the normal procedure (at "
                    "least 1 working day), for applicants who do not sign the commitment."
                ),
            )
        elif normal > ceiling:
            yield (
                "normal_promised_days",
                _(
                    "The promised limit of the normal procedure (%(p)s working days) exceeds "
                    "the legal limit (%(l)s working days)."
                )
                % {"p": normal, "l": ceiling},
            )

    def clean(self):
        if self.agency_id and self.level and not self.impl_code and BASE_CODE_PATTERN.match(self.base_code or ""):
            self.impl_code = self.expected_impl_code()
        errors = self.consistency_errors()
        if errors:
            raise ValidationError(errors)

    # Display helpers for the multi-select fields (stored as lists of codes).
    def delivery_methods(self) -> list[str]:
        """How the result may reach the applicant, as the item's guide declares it: as an electronic licence when
        the result is one, by courier when 支持结果快递, at a self-service cabinet when 支持自助终端, and always at
        the hall. (Codes of cases.models.DeliveryMethod.)"""
        methods = ["e_license"] if self.result_type == ResultType.LICENSE else []
        methods += ["courier"] if self.mail_results else []
        methods += ["cabinet"] if self.kiosk else []
        return [*methods, "hall"]

    def handling_form_labels(self) -> list[str]:
        return [str(HandlingForm(v).label) for v in self.handling_forms]

    def online_depth_labels(self) -> list[str]:
        return [str(OnlineDepth(v).label) for v in self.online_depth]

    def service_object_labels(self) -> list[str]:
        return [str(ServiceObject(v).label) for v in self.service_objects]

    def focus_area_labels(self) -> list[str]:
        flags = {
            FocusArea.HIGH_FREQUENCY: self.is_high_frequency,
            FocusArea.INVESTMENT: self.is_investment,
            FocusArea.CONVENIENCE: self.is_convenience,
        }
        return [str(area.label) for area, on in flags.items() if on]
