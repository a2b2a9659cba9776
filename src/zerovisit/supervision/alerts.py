"""电子监察: raising the alerts a supervisor must see, ending them when their condition ends, escalating the red
ones that stay red, and a supervisor's acknowledgement. `raise_alerts` is the periodic job; each alert is raised
once per case (or question) and kind (a unique constraint), so running it twice, or on two hosts, raises nothing
twice."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zerovisit.accounts.models import Role, User
from zerovisit.cases.models import ONLINE_CHANNELS, Case, CaseStatus
from zerovisit.cases.selectors import STAFF_ROLES, office_hours_waited
from zerovisit.core.errors import DomainError, NotFound
from zerovisit.delivery.models import Shipment, ShipmentStatus
from zerovisit.feedback.models import Question
from zerovisit.notify.models import Message, MessageStatus
from zerovisit.notify.services import notify
from zerovisit.org.models import Agency
from zerovisit.workcalendar.selectors import work_calendar

from .models import Alert, AlertKind
from .selectors import visible_alerts

RECENT_DAYS = 30  # failed deliveries and notifications and deemed acceptances looked at, back from today
# Conditions that end (a case decided, an application claimed, a question answered); the other kinds are facts.
ENDING = (AlertKind.OVERDUE, AlertKind.UNCLAIMED, AlertKind.QUESTION_OVERDUE)


def raise_alerts(now: datetime.datetime | None = None) -> dict[str, int]:
    """Raise what is new, end what is over, escalate what stays red; returns how many alerts of each kind were
    raised."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    since = now - datetime.timedelta(days=RECENT_DAYS)
    failed = Shipment.objects.filter(status=ShipmentStatus.FAILED, created_at__gte=since)
    deemed = Case.objects.filter(deemed_accepted=True, accepted_at__gte=since)
    unsent = Message.objects.filter(status=MessageStatus.FAILED, created_at__gte=since).exclude(case_number="")
    unsent_cases = Case.objects.filter(number__in=set(unsent.values_list("case_number", flat=True)))
    # Every agency named, so that the inbox index (agency, acting_role, due) serves the overdue cases.
    agencies = list(Agency.objects.values_list("pk", flat=True))
    waiting = Case.objects.filter(agency_id__in=agencies, acting_role__in=STAFF_ROLES, due__lt=today)
    late = Question.objects.filter(agency_id__in=agencies, answered_at__isnull=True, due_at__lt=now)
    current = {
        AlertKind.OVERDUE: set(waiting.values_list("pk", "agency_id")),
        AlertKind.UNCLAIMED: _unclaimed_online(now),
        AlertKind.DELIVERY_FAILED: set(failed.values_list("case_id", "agency_id")),
        AlertKind.DEEMED_ACCEPTED: set(deemed.values_list("pk", "agency_id")),
        AlertKind.MESSAGE_FAILED: set(unsent_cases.values_list("pk", "agency_id")),
        AlertKind.QUESTION_OVERDUE: set(late.values_list("pk", "agency_id")),
    }
    raised = {}
    with transaction.atomic():
        for kind, subjects in current.items():
            field = "question_id" if kind == AlertKind.QUESTION_OVERDUE else "case_id"
            ids = {subject for subject, _ in subjects}
            have = set(Alert.objects.filter(kind=kind, **{f"{field}__in": ids}).values_list(field, flat=True))
            new = [
                Alert(kind=kind, agency_id=agency, raised_at=now, **{field: subject})
                for subject, agency in subjects
                if subject not in have
            ]
            Alert.objects.bulk_create(new, ignore_conflicts=True)
            raised[kind] = len(new)
            if kind in ENDING:
                ended = Alert.objects.filter(kind=kind, ended_at__isnull=True).exclude(**{f"{field}__in": ids})
                ended.update(ended_at=now)
        _escalate(now, today)
    return raised


def _unclaimed_online(now) -> set[tuple[int, int]]:
    """Online applications nobody has claimed for more than ONLINE_DUTY_HOURS office hours (网上职守)."""
    unclaimed = Case.objects.filter(
        status=CaseStatus.SUBMITTED, claimed_by__isnull=True, channel__in=ONLINE_CHANNELS
    ).values_list("pk", "agency_id", "submitted_at")
    return {
        (pk, agency)
        for pk, agency, submitted in unclaimed
        if office_hours_waited(submitted, now) > settings.ONLINE_DUTY_HOURS
    }


def _escalate(now, today) -> None:
    """A red alert still open and unacknowledged after ALERT_ESCALATION_DAYS working days is told to the agency's
    head (its supervisors), once."""
    calendar = work_calendar()
    stale = Alert.objects.filter(
        kind=AlertKind.OVERDUE, ended_at__isnull=True, escalated_at__isnull=True, acknowledged_at__isnull=True
    ).select_related("case__item")
    due = [
        alert
        for alert in stale
        if calendar.count(timezone.localdate(alert.raised_at), today).days >= settings.ALERT_ESCALATION_DAYS
    ]
    heads: dict[int, list[int]] = {}
    for alert in due:
        if alert.agency_id not in heads:
            supervisors = User.objects.filter(agency_id=alert.agency_id, is_active=True, roles__role=Role.SUPERVISOR)
            heads[alert.agency_id] = list(supervisors.values_list("pk", flat=True))
        since = timezone.localdate(alert.raised_at).isoformat()
        for user_id in heads[alert.agency_id]:
            notify(user_id=user_id, event="staff.alert_escalated", case_number=alert.case.number,
                   agency_id=alert.agency_id, values={"n": alert.case.number, "item": alert.case.item.name,
                                                      "since": since})  # fmt: skip
    Alert.objects.filter(pk__in=[alert.pk for alert in due]).update(escalated_at=now)


@transaction.atomic
def acknowledge_alert(*, actor, alert_id, note: str) -> Alert:
    """A supervisor has seen the alert and says what is being done."""
    try:
        alert = visible_alerts(actor).select_for_update(of=("self",)).get(pk=int(alert_id))
    except (Alert.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("There is no such alert.")) from None
    note = (note or "").strip()
    if not note:
        raise DomainError(_("Say what is being done about it."), code="note_required")
    if len(note) > 1000:
        raise DomainError(_("Keep it to %(n)s characters.") % {"n": 1000}, code="note_too_long")
    if alert.acknowledged_at:
        raise DomainError(_("This alert was acknowledged already."), code="already_acknowledged")
    alert.acknowledged_by, alert.acknowledged_at, alert.note = actor, timezone.now(), note
    alert.save(update_fields=["acknowledged_by", "acknowledged_at", "note"])
    return alert
