"""好差评 (国办发〔2019〕51号, GB/T 39734-2020): one evaluation per case, and the rectification that every real-name
bad rating opens."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Rating(models.IntegerChoices):
    VERY_SATISFIED = 5, _("Very satisfied (非常满意)")
    SATISFIED = 4, _("Satisfied (满意)")
    BASICALLY_SATISFIED = 3, _("Basically satisfied (基本满意)")
    DISSATISFIED = 2, _("Dissatisfied (不满意)")
    VERY_DISSATISFIED = 1, _("Very dissatisfied (非常不满意)")


BAD_RATINGS = frozenset({Rating.DISSATISFIED, Rating.VERY_DISSATISFIED})

# The standard's evaluation items of an online service (GB/T 39734-2020, 5.2): what a bad rating can name.
ONLINE_ITEMS = {
    "guide": _("The guide was clear and right"),
    "applying": _("Applying online was easy"),
    "speed": _("It was done in time"),
    "result": _("The result arrived as promised"),
    "attitude": _("Staff were helpful"),
}


class Evaluation(models.Model):
    """一事一评: the applicant's rating of a concluded case, given once; after a rectification they may rate again
    (`second_of` names the first). An anonymous rating counts, but nobody can call the rater back."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="evaluations")
    agency = models.ForeignKey("org.Agency", on_delete=models.PROTECT, related_name="+")
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="evaluations")
    rating = models.PositiveSmallIntegerField(_("rating"), choices=Rating.choices)
    items = models.JSONField(_("what was not satisfactory"), default=list, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    second_of = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True, related_name="second",
                                     verbose_name=_("second rating of"))  # fmt: skip
    # A rating found wrong or malicious on the agency's appeal no longer counts (services.decide_appeal).
    set_aside = models.BooleanField(_("set aside"), default=False)
    created_at = models.DateTimeField(_("rated"))
    # A bad rating is pushed to the 12345 hotline once (services.push_to_hotline); its ticket there.
    hotline_ticket = models.CharField(_("12345 ticket"), max_length=40, blank=True)
    hotline_pushed_at = models.DateTimeField(_("pushed to 12345"), null=True, blank=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(second_of__isnull=True), name="evaluation_one_per_case"
            )
        ]
        indexes = [
            models.Index(fields=["created_at"], name="evaluation_hotline_queue",
                         condition=Q(rating__lte=Rating.DISSATISFIED, hotline_pushed_at__isnull=True)),
        ]  # fmt: skip

    def __str__(self):
        return f"{self.case} · {self.get_rating_display()}"

    @property
    def is_bad(self) -> bool:
        return self.rating in BAD_RATINGS


class RectificationStatus(models.TextChoices):
    OPEN = "open", _("Open: to call the rater back")
    CALLED_BACK = "called_back", _("Rater called back")
    RECTIFIED = "rectified", _("Rectified, result told to the rater")
    CLOSED = "closed", _("Closed by a supervisor")
    APPEALED = "appealed", _("Appealed by the agency")
    SET_ASIDE = "set_aside", _("Rating set aside")


class Rectification(models.Model):
    """整改 of a real-name bad rating, or of a 12345 hotline work order (工单: a complaint phoned in, which names no
    rating): due in 5 working days; the agency calls the rater or caller back (回访), records what it put right and
    tells them (a rater may then rate again; a work order's outcome is reported to the hotline); a supervisor
    reviews and closes it. The agency may instead appeal a wrong or malicious rating or work order with its
    evidence, which a supervisor sets aside or rejects. `case` is the case concerned: the rated one, or the one a
    work order names (it may name none)."""

    evaluation = models.OneToOneField(Evaluation, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="rectification")  # fmt: skip
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("case"))  # fmt: skip
    agency = models.ForeignKey("org.Agency", on_delete=models.PROTECT, related_name="rectifications")
    work_order = models.CharField(_("12345 work order"), max_length=40, blank=True)
    complaint = models.TextField(_("complaint"), blank=True)
    caller_name = models.CharField(_("caller"), max_length=100, blank=True)
    caller_phone_encrypted = models.TextField(blank=True, editable=False)
    caller_phone_masked = models.CharField(_("caller's phone"), max_length=20, blank=True, editable=False)
    # The status last reported to the hotline: a work order's outcome is reported as it is reached.
    hotline_reported = models.CharField(max_length=12, blank=True, editable=False)
    status = models.CharField(_("status"), max_length=12, choices=RectificationStatus.choices,
                              default=RectificationStatus.OPEN)  # fmt: skip
    due = models.DateField(_("due"))
    action = models.TextField(_("what was put right"), blank=True)
    result_told = models.TextField(_("what the rater was told"), blank=True)
    appeal_reason = models.TextField(_("appeal and its evidence"), blank=True)
    review_note = models.TextField(_("supervisor's note"), blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("closed by"))  # fmt: skip
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_at = models.DateTimeField(_("opened"))

    class Meta:
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")
        indexes = [
            models.Index(fields=["agency", "status", "due"], name="rectification_queue"),
            models.Index(fields=["status"], condition=~Q(work_order=""), name="rectification_work_orders"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["work_order"], condition=~Q(work_order=""),
                                    name="rectification_one_per_work_order"),
            models.CheckConstraint(condition=Q(evaluation__isnull=False) | ~Q(work_order=""),
                                   name="rectification_of_rating_or_work_order"),
        ]  # fmt: skip

    def __str__(self):
        return f"{self.evaluation or self.work_order} · {self.get_status_display()}"


class CallBack(models.Model):
    """回访: one call to the rater, who made it, when, and what was said."""

    rectification = models.ForeignKey(Rectification, on_delete=models.CASCADE, related_name="call_backs")
    called_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("called by"))  # fmt: skip
    called_at = models.DateTimeField(_("called"))
    said = models.TextField(_("what was said"))

    class Meta:
        verbose_name = _("call-back")
        verbose_name_plural = _("call-backs")
        ordering = ["called_at"]

    def __str__(self):
        return f"{self.rectification_id} · {self.called_at:%Y-%m-%d %H:%M}"


class Question(models.Model):
    """在线咨询: a question about an item, asked from its guide by someone signed in and answered by the item's
    agency within a service level counted in office hours (`due_at`). It is private to the asker and the agency
    until the agency publishes it as the item's FAQ, in a wording it chose (`faq_question`, `faq_answer`: without
    the asker's particulars); the guide shows FAQs of every version of the item, so they are found by
    `impl_code`."""

    item = models.ForeignKey("catalog.ServiceItem", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("item"))  # fmt: skip
    impl_code = models.CharField(_("implementation code"), max_length=31)
    agency = models.ForeignKey("org.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("agency"))
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="questions",
                                 verbose_name=_("asked by"))  # fmt: skip
    text = models.TextField(_("question"))
    asked_at = models.DateTimeField(_("asked"))
    due_at = models.DateTimeField(_("answer due"))
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("answered by"))  # fmt: skip
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    faq_question = models.TextField(_("question as published"), blank=True)
    faq_answer = models.TextField(_("answer as published"), blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("published by"))  # fmt: skip
    published_at = models.DateTimeField(_("published as FAQ"), null=True, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        indexes = [
            models.Index(fields=["agency", "answered_at", "due_at"], name="question_queue"),
            models.Index(fields=["agency", "asked_at"], name="question_agency_asked"),
            models.Index(fields=["impl_code", "published_at"], name="question_faq"),
            models.Index(fields=["asked_by", "-asked_at"], name="question_asker"),
        ]

    def __str__(self):
        return f"{self.impl_code} · {self.text[:30]}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

    @property
    def answered_in_time(self) -> bool:
        return self.answered_at is not None and self.answered_at <= self.due_at
