from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zerovisit.cases.models import Channel


class Measures(models.Model):
    """What the cases of one key added up to: the counts every indicator is computed from (see measures.py for
    which case counts in which, and on which day)."""

    submitted = models.IntegerField(_("submitted"), default=0)
    corrected = models.IntegerField(_("asked to correct"), default=0)
    reused_materials = models.IntegerField(_("materials not asked for"), default=0)
    accepted = models.IntegerField(_("accepted"), default=0)
    deemed_accepted = models.IntegerField(_("deemed accepted"), default=0)
    decided = models.IntegerField(_("concluded"), default=0)
    decided_online = models.IntegerField(_("concluded fully online"), default=0)
    decided_instant = models.IntegerField(_("concluded on the day of acceptance"), default=0)
    decided_on_time = models.IntegerField(_("concluded on time"), default=0)
    handling_days = models.IntegerField(_("handling working days"), default=0)
    by_courier = models.IntegerField(_("results by courier"), default=0)
    postage_fen = models.BigIntegerField(_("postage paid by the government (fen)"), default=0)
    evaluated = models.IntegerField(_("rated"), default=0)
    satisfied = models.IntegerField(_("rated satisfied"), default=0)
    bad_rated = models.IntegerField(_("real-name bad ratings"), default=0)
    rectified = models.IntegerField(_("bad ratings rectified"), default=0)

    class Meta:
        abstract = True


MEASURES = tuple(field.name for field in Measures._meta.local_fields)


class DailyRollup(Measures):
    """The measures of one day, agency, item and channel. Kept by `apply_rollup_queue` as cases change; a
    supervisor's figures for a short period or the days at the ends of a long one are read from here."""

    day = models.DateField(_("day"))
    agency = models.ForeignKey("org.Agency", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    item = models.ForeignKey("catalog.ServiceItem", on_delete=models.DO_NOTHING, db_constraint=False,
                             related_name="+")  # fmt: skip
    channel = models.CharField(max_length=10, choices=Channel.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "agency", "item", "channel"], name="dailyrollup_key")]
        indexes = [models.Index(fields=["agency", "day"], name="dailyrollup_agency")]

    def __str__(self):
        return f"{self.day} {self.agency_id} {self.item_id} {self.channel}"


class MonthlyRollup(Measures):
    """The same measures summed by month (`month` is its first day): a year for a whole city reads twelve months
    of rows instead of 365 days of them."""

    month = models.DateField(_("month"))
    agency = models.ForeignKey("org.Agency", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    item = models.ForeignKey("catalog.ServiceItem", on_delete=models.DO_NOTHING, db_constraint=False,
                             related_name="+")  # fmt: skip
    channel = models.CharField(max_length=10, choices=Channel.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "agency", "item", "channel"], name="monthlyrollup_key")]
        indexes = [models.Index(fields=["agency", "month"], name="monthlyrollup_agency")]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.agency_id} {self.item_id} {self.channel}"


class CaseContribution(models.Model):
    """What one case has added to the roll-ups, so that when it changes exactly that is taken out and its new
    contribution put in. `rows` is a list of [day, agency, item, channel, {measure: n}] with non-zero measures."""

    case = models.OneToOneField("cases.Case", on_delete=models.DO_NOTHING, db_constraint=False, primary_key=True,
                                related_name="+")  # fmt: skip
    rows = models.JSONField(default=list)

    def __str__(self):
        return str(self.case_id)


class RollupQueue(models.Model):
    """Cases whose contribution may have changed. Database triggers (migration 0001) add a row whenever a case is
    filed or a field that a measure reads changes, when a shipment's postage is recorded, and when a case is rated or
    its rectification moves (migration 0002), so no write can miss
    the roll-ups whatever path it takes. A row is only a hint: working a case through again when nothing changed
    moves nothing."""

    case_id = models.BigIntegerField()

    def __str__(self):
        return str(self.case_id)


class AlertKind(models.TextChoices):
    OVERDUE = "overdue", _("Past its deadline (red)")
    UNCLAIMED = "unclaimed", _("Online application unclaimed past the online-duty hours")
    DELIVERY_FAILED = "delivery_failed", _("Delivery failed")
    MESSAGE_FAILED = "message_failed", _("A notification could not be sent")
    DEEMED_ACCEPTED = "deemed_accepted", _("Deemed accepted: the office let the time for acceptance pass")
    QUESTION_OVERDUE = "question_overdue", _("Question unanswered past its service level (在线咨询)")


class Alert(models.Model):
    """电子监察: something about a case (or, for an unanswered question, the question) that a supervisor must see,
    raised by the `raise-alerts` job once per case or question and kind. It ends by itself when the condition
    does (a red case decided, an application claimed, a question answered); a supervisor acknowledges it with a
    note; a red one still open after ALERT_ESCALATION_DAYS working days goes to the agency's head."""

    kind = models.CharField(_("kind"), max_length=20, choices=AlertKind.choices)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("case"))  # fmt: skip
    question = models.ForeignKey("feedback.Question", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("question"))  # fmt: skip
    agency = models.ForeignKey("org.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("agency"))
    raised_at = models.DateTimeField(_("raised"))
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated to the agency's head"), null=True, blank=True)
    acknowledged_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+", verbose_name=_("acknowledged by"))  # fmt: skip
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        constraints = [
            models.UniqueConstraint(fields=["case", "kind"], name="alert_once_per_case_and_kind"),
            models.UniqueConstraint(fields=["question", "kind"], name="alert_once_per_question_and_kind"),
            models.CheckConstraint(
                condition=Q(case__isnull=False, question__isnull=True) | Q(case__isnull=True, question__isnull=False),
                name="alert_of_a_case_or_a_question",
            ),
        ]
        indexes = [models.Index(fields=["agency", "ended_at", "-raised_at"], name="alert_inbox")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.case_id or self.question_id}"
