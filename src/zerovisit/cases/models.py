from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zerovisit.core.storage import RandomName, private_storage


class CaseStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for another item's result")  # a member of a bundle (一件事) that starts later
    SUBMITTED = "submitted", _("Submitted, awaiting acceptance")
    CORRECTION = "correction", _("Awaiting correction")
    ACCEPTED = "accepted", _("Accepted, in handling")
    SUSPENDED = "suspended", _("Suspended for a special procedure")
    APPROVED = "approved", _("Approved")
    DENIED = "denied", _("Denied")
    REFUSED = "refused", _("Not accepted")
    FILED = "filed", _("Filed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REVOKED = "revoked", _("Revoked")


# Who checks the originals of a 先审后验 case: the window staff who also receive applications.
ORIGINALS_CHECKER = "acceptor"

OPEN_STATUSES = (
    CaseStatus.WAITING,
    CaseStatus.SUBMITTED,
    CaseStatus.CORRECTION,
    CaseStatus.ACCEPTED,
    CaseStatus.SUSPENDED,
)


class Channel(models.TextChoices):
    WEB = "web", _("Web")
    MOBILE = "mobile", _("Mobile")
    KIOSK = "kiosk", _("24-hour kiosk")
    WINDOW = "window", _("Service window")
    PROXY = "proxy", _("Proxy agent")


# The channels of an online application: the ones 网上职守 watches, and 网上全流程办结 counts.
ONLINE_CHANNELS = (Channel.WEB, Channel.MOBILE)


class DeliveryMethod(models.TextChoices):
    """How the result reaches the applicant (the items declare which they support: ServiceItem.delivery_methods)."""

    E_LICENSE = "e_license", _("Electronic licence only")
    COURIER = "courier", _("Courier to my address (paid by the government)")
    HALL = "hall", _("Pick up at a service hall")
    CABINET = "cabinet", _("Pick up at a self-service cabinet (自助取证)")


class Case(models.Model):
    """办件: one application for one version of an item, and every fact a supervisor will measure about it."""

    number = models.CharField(_("case number"), max_length=32, unique=True)
    item = models.ForeignKey("catalog.ServiceItem", on_delete=models.PROTECT, related_name="cases",
                             verbose_name=_("item"), db_index=False)  # (item, -submitted_at) below  # fmt: skip
    process_template = models.ForeignKey("catalog.ProcessTemplate", on_delete=models.PROTECT, related_name="+",
                                         verbose_name=_("process"))  # fmt: skip
    # No single-column index on agency, applicant or submitted_by: the composite indexes below lead with them, and
    # every index costs each submission an insert.
    agency = models.ForeignKey("org.Agency", on_delete=models.PROTECT, related_name="cases", verbose_name=_("agency"),
                               db_index=False)  # fmt: skip
    applicant = models.ForeignKey("accounts.Applicant", on_delete=models.PROTECT, related_name="cases",
                                  verbose_name=_("applicant"), db_index=False)  # fmt: skip
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("submitted by"), db_index=False)  # fmt: skip
    proxy_authorisation = models.ForeignKey("accounts.ProxyAuthorisation", on_delete=models.PROTECT, null=True,
                                            blank=True, related_name="cases")  # fmt: skip
    # A member of an application for a bundle (一件事), and its position in the bundle's plan.
    bundle_case = models.ForeignKey("BundleCase", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="members", verbose_name=_("bundle case"), db_index=False)  # fmt: skip
    bundle_position = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    idempotency_key = models.CharField(max_length=100, blank=True)
    # What the application with that key asked for (a digest): a retry must ask the same.
    request_digest = models.CharField(max_length=64, blank=True, editable=False)
    form_data = models.JSONField(_("form"), default=dict, blank=True)
    commitment_signed = models.BooleanField(_("commitment signed"), default=False)
    delivery_method = models.CharField(_("result delivered by"), max_length=10, choices=DeliveryMethod.choices,
                                       default=DeliveryMethod.HALL)  # fmt: skip
    # Where a courier takes the result: name, phone (encrypted) and its mask, region code, address.
    delivery_address = models.JSONField(_("delivery address"), default=dict, blank=True)
    delivered_at = models.DateTimeField(_("result delivered"), null=True, blank=True)
    paper_pickup = models.BooleanField(_("courier collects the paper materials"), default=False)
    # 先审后验: approved on the uploaded copies; the originals are still to be checked when the result is handed over.
    originals_pending = models.BooleanField(_("originals to check"), default=False)

    status = models.CharField(_("status"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.SUBMITTED)
    stage_order = models.PositiveSmallIntegerField(_("current stage"), default=1)
    # The process as it was when the case was filed (frozen_process()): editing a template changes only later cases.
    process = models.JSONField(_("process as filed"), default=dict, editable=False)
    # The agencies of the process's parallel review, from the same snapshot, kept as rows so that "the cases my
    # agency reviews in parallel" is an index lookup.
    joint_agencies = models.ManyToManyField("org.Agency", blank=True, related_name="joint_cases", editable=False)
    # Derived from the fields above on every save, so the inbox is one index range (see save()).
    acting_role = models.CharField(max_length=32, blank=True, editable=False)
    due = models.DateField(_("current deadline"), null=True, blank=True, editable=False)
    claimed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("claimed by"))  # fmt: skip

    # The clocks (Administrative Licensing Law arts. 32, 42, 45), in working days.
    submitted_at = models.DateTimeField(_("submitted"))
    received_at = models.DateTimeField(_("complete materials received"))
    acceptance_due = models.DateField(_("acceptance due"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    deemed_accepted = models.BooleanField(_("deemed accepted"), default=False)
    limit_days = models.PositiveSmallIntegerField(_("time limit (working days)"), default=0)
    extension_days = models.PositiveSmallIntegerField(_("extension (working days)"), default=0)
    paused_days = models.PositiveSmallIntegerField(_("paused (working days)"), default=0)
    paused_since = models.DateField(_("paused since"), null=True, blank=True)
    pause_expected_days = models.PositiveSmallIntegerField(_("expected pause (working days)"), default=0)
    decision_due = models.DateField(_("decision due"), null=True, blank=True)
    due_estimated = models.BooleanField(
        _("due date estimated"), default=False,
        help_text=_("A year on the way has no official holiday schedule yet: Monday–Friday was assumed."),
    )  # fmt: skip
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    concluded_at = models.DateTimeField(_("concluded"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.UniqueConstraint(fields=["submitted_by", "idempotency_key"], condition=~Q(idempotency_key=""),
                                    name="case_unique_idempotency_key"),
        ]  # fmt: skip
        indexes = [
            models.Index(fields=["agency", "acting_role", "due"], name="case_inbox"),
            models.Index(fields=["agency", "-submitted_at"], name="case_agency_recent"),
            models.Index(fields=["item", "-submitted_at"], name="case_item_recent"),
            models.Index(fields=["-submitted_at"], name="case_recent"),  # the lists of readers of many agencies
            models.Index(fields=["submitted_by", "-submitted_at"], name="case_submitter_recent"),
            models.Index(fields=["applicant", "-submitted_at"], name="case_applicant_recent"),
            models.Index(fields=["status", "acceptance_due"], name="case_acceptance_due"),
            # The few deemed acceptances, for supervision's alerts: partial, so other cases never write to it.
            models.Index(fields=["accepted_at"], condition=Q(deemed_accepted=True), name="case_deemed"),
            models.Index(fields=["bundle_case"], condition=Q(bundle_case__isnull=False), name="case_bundle"),
        ]

    def __str__(self):
        return self.number

    def save(self, *args, **kwargs):
        self.derive_inbox_fields()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "acting_role", "due"}
        super().save(*args, **kwargs)

    def derive_inbox_fields(self) -> None:
        """Who must act now, and by when, read straight from this row. Kept as columns so that a staff inbox of a
        million cases is one range of the (agency, acting_role, due) index instead of a computed sort."""
        waiting_for_staff = self.status in (CaseStatus.SUBMITTED, CaseStatus.ACCEPTED, CaseStatus.SUSPENDED)
        stage = self.stage
        self.acting_role = stage.role if waiting_for_staff and stage else ""
        if self.status == CaseStatus.APPROVED and self.originals_pending:
            self.acting_role, self.due = ORIGINALS_CHECKER, None  # no legal clock: it happens at the handover
        elif self.status == CaseStatus.SUBMITTED:
            self.due = self.acceptance_due
        else:
            self.due = self.decision_due if waiting_for_staff else None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def stage(self) -> "Stage | None":
        """The stage the case is at, from the process as filed; None once past the last."""
        stages = self.process.get("stages", [])
        return Stage(**stages[self.stage_order - 1]) if 1 <= self.stage_order <= len(stages) else None


class CaseTally(models.Model):
    """How many cases each agency has, per status and channel: the exact count of a case list that reads across
    many agencies (a regional supervisor's, a whole city's), which counting the cases themselves would make a scan
    of a million rows.

    Database triggers keep it (migration 0010), so no write of a case can miss it, whatever path the write takes: each
    insert, change of agency, status or channel, and delete of a case adds a row of +1 or −1. Nothing ever updates a
    row, so concurrent writers never wait for each other here; `fold_case_tally` (a periodic job) replaces the rows
    with one per (agency, status, channel). `recount_cases` checks it against the cases and rebuilds it."""

    agency = models.ForeignKey("org.Agency", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    status = models.CharField(max_length=12, choices=CaseStatus.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    n = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["agency", "status", "channel"], name="casetally_key")]

    def __str__(self):
        return f"{self.agency_id} {self.status} {self.channel}: {self.n}"


class BundleStatus(models.TextChoices):
    OPEN = "open", _("In handling")
    CONCLUDED = "concluded", _("Concluded")
    STOPPED = "stopped", _("Stopped: a member was refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class BundleCase(models.Model):
    """An application for a bundle (一件事): one form, one set of materials, one deadline and one delivery for the
    applicant, and one member Case per item, each handled by its own agency under its own rules
    (cases.services.bundles). The bundle is frozen as it was at filing (`plan`), like a case's process."""

    number = models.CharField(_("number"), max_length=32, unique=True)
    bundle = models.ForeignKey("catalog.Bundle", on_delete=models.PROTECT, related_name="cases",
                               verbose_name=_("bundle"))  # fmt: skip
    name = models.CharField(_("name"), max_length=100)
    applicant = models.ForeignKey("accounts.Applicant", on_delete=models.PROTECT, related_name="bundle_cases",
                                  verbose_name=_("applicant"), db_index=False)  # fmt: skip
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("submitted by"), db_index=False)  # fmt: skip
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    idempotency_key = models.CharField(max_length=100, blank=True)
    request_digest = models.CharField(max_length=64, blank=True, editable=False)
    form_data = models.JSONField(_("form"), default=dict, blank=True)
    delivery_method = models.CharField(_("results delivered by"), max_length=10, choices=DeliveryMethod.choices)
    delivery_address = models.JSONField(_("delivery address"), default=dict, blank=True)
    # The members as filed: [{position, impl_code, name, after}], and what a refusal does.
    plan = models.JSONField(_("members as filed"), default=list, editable=False)
    on_refusal = models.CharField(_("when a member is refused"), max_length=10)
    promised_days = models.PositiveSmallIntegerField(_("promised time limit (working days)"))
    status = models.CharField(_("status"), max_length=10, choices=BundleStatus.choices, default=BundleStatus.OPEN)
    submitted_at = models.DateTimeField(_("submitted"))
    due = models.DateField(_("promised by"))
    due_estimated = models.BooleanField(_("due date estimated"), default=False)
    concluded_at = models.DateTimeField(_("concluded"), null=True, blank=True)

    class Meta:
        verbose_name = _("bundle case (一件事)")
        verbose_name_plural = _("bundle cases (一件事)")
        constraints = [
            models.UniqueConstraint(fields=["submitted_by", "idempotency_key"], condition=~Q(idempotency_key=""),
                                    name="bundlecase_unique_idempotency_key"),
        ]  # fmt: skip
        indexes = [
            models.Index(fields=["submitted_by", "-submitted_at"], name="bundlecase_submitter_recent"),
            models.Index(fields=["applicant", "-submitted_at"], name="bundlecase_applicant_recent"),
        ]

    def __str__(self):
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status == BundleStatus.OPEN


@dataclass(frozen=True)
class Stage:
    """One stage of a case's process as filed (catalog.ProcessStage, frozen)."""

    order: int
    action: str  # catalog.StageAction
    name: str
    role: str
    share: int
    agencies: tuple[int, ...] = ()  # a parallel review's agencies

    def __post_init__(self):
        object.__setattr__(self, "agencies", tuple(self.agencies))


def frozen_process(template) -> dict:
    """What a case keeps of its process template at filing: everything a rule of the lifecycle reads."""
    return {
        "code": template.code, "name": template.name, "kind": template.kind,
        "stages": [
            {"order": stage.order, "action": stage.action, "name": stage.name, "role": stage.role,
             "share": stage.share, "agencies": sorted(agency.pk for agency in stage.agencies.all())}
            for stage in template.stages.all()
        ],
    }  # fmt: skip


class CaseMaterial(models.Model):
    """One material of a case: an uploaded file (its SHA-256 recorded), or data the platform already holds."""

    class Source(models.TextChoices):
        UPLOAD = "upload", _("Uploaded")
        HELD_DATA = "held_data", _("Data the platform holds")
        LICENSE = "license", _("From the licence library")
        POST = "post", _("Collected by the courier (paper)")
        LATER = "later", _("To follow (容缺后补)")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="materials")
    spec = models.ForeignKey("catalog.MaterialSpec", on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    file = models.FileField(_("file"), upload_to=RandomName("cases"), storage=private_storage, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    license = models.ForeignKey("licenses.License", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="used_by", verbose_name=_("licence used"))  # fmt: skip
    reference = models.CharField(_("reference"), max_length=200, blank=True,
                                 help_text=_("What held data satisfies it, e.g. a licence identifier."))  # fmt: skip

    class Meta:
        verbose_name = _("case material")
        verbose_name_plural = _("case materials")

    def __str__(self):
        return f"{self.case} · {self.spec}"

    @property
    def download_name(self) -> str:
        """What the file is called when downloaded: the material's name with the extension of the upload."""
        return self.spec.name + PurePosixPath(self.file.name).suffix


class CaseAction(models.TextChoices):
    """Every step in a case's life, as its history records it (CaseEvent.action). Which may happen when is
    declared in cases.lifecycle."""

    SUBMIT = "submit", _("Application submitted")
    RESUBMIT = "resubmit", _("Corrected materials submitted")
    REQUEST_CORRECTION = "request_correction", _("Correction requested")
    REFUSE = "refuse", _("Not accepted")
    ACCEPT = "accept", _("Accepted")
    DEEMED_ACCEPTED = "deemed_accepted", _("Deemed accepted")
    REVIEW = "review", _("Reviewed")
    DECIDE = "decide", _("Decided")
    FILE = "file", _("Filed")
    EXTEND = "extend", _("Time limit extended")
    SUSPEND = "suspend", _("Special procedure started")
    RESUME = "resume", _("Handling resumed")
    WITHDRAW = "withdraw", _("Withdrawn")
    CLAIM = "claim", _("Claimed")
    VERIFY = "verify", _("Commitment verified")
    ORDER_CORRECTION = "order_correction", _("Ordered to correct")
    CORRECTION_VERIFIED = "correction_verified", _("Correction verified")
    REVOKE = "revoke", _("Approval revoked")
    CHECK_ORIGINALS = "check_originals", _("Originals checked")
    DELIVERED = "delivered", _("Result delivered")
    HANDED_OVER = "handed_over", _("Result handed over")
    ORIGINALS_ARRIVED = "originals_arrived", _("Originals arrived by courier")
    MATERIALS_ARRIVED = "materials_arrived", _("Paper materials arrived by courier")
    DELIVERY_FAILED = "delivery_failed", _("Delivery failed")
    DEADLINE_RECOUNTED = "deadline_recounted", _("Deadline recounted with the official calendar")
    CORRECTION_LAPSED = "correction_lapsed", _("Withdrawn: the correction was not answered in time")
    START = "start", _("Started: the results it waited for were issued")
    BUNDLE_STOPPED = "bundle_stopped", _("Withdrawn: another item of the bundle was not approved")


class CaseEvent(models.Model):
    """One step of a case: who, in which role, did what, from which status to which, with which opinion.

    Append-only. Each event's hash covers the previous event of the same case, so a case's history cannot be
    edited or cut without `cases.events.verify()` noticing.
    """

    # The unique (case, seq) index serves every lookup by case.
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events", db_index=False)
    seq = models.PositiveIntegerField()
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("actor"))  # fmt: skip
    actor_role = models.CharField(_("role"), max_length=32, blank=True)
    action = models.CharField(_("action"), max_length=32)
    status_before = models.CharField(max_length=12, blank=True)
    status_after = models.CharField(max_length=12)
    opinion = models.TextField(_("opinion"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["case", "seq"]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="caseevent_unique_seq")]

    def __str__(self):
        return f"{self.case} #{self.seq} {self.action}"

    def get_action_label(self) -> str:
        return CaseAction(self.action).label if self.action in CaseAction.values else self.action


class PostVerification(models.Model):
    """事后核查 of a commitment (告知承诺): due some working days after the approval. A false commitment is
    ordered corrected by a deadline, and if it is not, the approval is revoked and a credit record kept."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for verification")
        PASSED = "passed", _("Verified")
        CORRECTION_ORDERED = "correction_ordered", _("Ordered to correct")
        CORRECTED = "corrected", _("Corrected")
        REVOKED = "revoked", _("Approval revoked")

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="verification")
    method = models.CharField(_("method"), max_length=10)
    due = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    correction_due = models.DateField(_("correction due"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("post-verification")
        verbose_name_plural = _("post-verifications")
        indexes = [models.Index(fields=["status", "due"], name="verification_due")]

    def __str__(self):
        return f"{self.case} · {self.get_status_display()}"


class CreditRecord(models.Model):
    """A mark on an applicant's credit: here, a false commitment. It excludes them from 告知承诺 (DESIGN.md §4)."""

    applicant = models.ForeignKey("accounts.Applicant", on_delete=models.PROTECT, related_name="credit_records")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=32, default="false_commitment")
    note = models.TextField(_("note"))
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("credit record")
        verbose_name_plural = _("credit records")

    def __str__(self):
        return f"{self.applicant} · {self.kind}"


class CaseNotice(models.Model):
    """A written notice of a step (受理通知书, 补正告知书, 决定书 …) as a PDF sealed by the agency, with the code of its
    public verification page. Rendered and signed by a task after the step; the stored SHA-256 is that of the
    signed file."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notices")
    event = models.OneToOneField(CaseEvent, on_delete=models.PROTECT, related_name="notice")
    kind = models.CharField(_("kind"), max_length=32)
    code = models.CharField(_("verification code"), max_length=32, unique=True)
    file = models.FileField(_("file"), upload_to=RandomName("notices"), storage=private_storage)
    sha256 = models.CharField(max_length=64)
    seal = models.ForeignKey("org.Seal", on_delete=models.PROTECT, null=True, related_name="+",
                             verbose_name=_("sealed with"))  # fmt: skip
    created_at = models.DateTimeField(_("issued"), auto_now_add=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["case", "created_at"]

    def __str__(self):
        return f"{self.kind} {self.case}"


class ApplicationDraft(models.Model):
    """暂存: an application saved before it is sent, resumed on any device its person signs in on.

    The answers typed so far are encrypted (they hold ID numbers and phone numbers); the files are kept like case
    materials. A draft goes, with its files, when it is sent or discarded, or DRAFT_DAYS after it was last saved
    (cases.services.delete_expired_drafts)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="application_drafts")
    impl_code = models.CharField(_("implementation code"), max_length=31)
    item_name = models.CharField(_("item"), max_length=200)
    data_encrypted = models.TextField(editable=False)
    saved_at = models.DateTimeField(_("saved"))
    expires_at = models.DateTimeField(_("expires"), db_index=True)

    class Meta:
        verbose_name = _("application draft")
        verbose_name_plural = _("application drafts")
        indexes = [models.Index(fields=["user", "-saved_at"], name="draft_user_saved")]

    def __str__(self):
        return f"{self.item_name} · {self.saved_at:%Y-%m-%d %H:%M}"


class DraftMaterial(models.Model):
    """A file uploaded into a draft: kept when the application is refused for another reason or saved for later,
    and filed as the case's material when it is sent."""

    draft = models.ForeignKey(ApplicationDraft, on_delete=models.CASCADE, related_name="materials")
    spec = models.ForeignKey("catalog.MaterialSpec", on_delete=models.CASCADE, related_name="+")
    file = models.FileField(_("file"), upload_to=RandomName("drafts"), storage=private_storage)
    name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("draft material")
        verbose_name_plural = _("draft materials")
        constraints = [models.UniqueConstraint(fields=["draft", "spec"], name="draftmaterial_one_per_spec")]

    def __str__(self):
        return self.name
