"""Who sees which cases, and the staff inbox. Access and fetch happen together, so no view can forget the check."""

import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from zerovisit.accounts.models import Role
from zerovisit.catalog.models import ProcessStage, StageAction
from zerovisit.core.errors import NotFound
from zerovisit.workcalendar.selectors import work_calendar

from .models import ORIGINALS_CHECKER, Case, CaseStatus, Channel

STAFF_ROLES = (Role.ACCEPTOR, Role.REVIEWER, Role.DECIDER, Role.SUPERVISOR)
DUE_SOON_WORKING_DAYS = 2


def _staff_roles(user) -> list[str]:
    return [role for role in STAFF_ROLES if user.has_role(role)] if user.agency_id else []


def is_case_staff(user) -> bool:
    return user.is_authenticated and bool(_staff_roles(user))


def possible_steps(user, case) -> list[str]:
    """The steps to offer this member of staff on this case now. The services still decide (separation of
    duties, a parallel review's agencies); this only keeps impossible buttons off the page."""
    verification = getattr(case, "verification", None)
    if verification is not None:
        if verification.status == "pending" and user.has_role(Role.REVIEWER):
            return ["verify"]
        if verification.status == "correction_ordered" and (
            user.has_role(Role.REVIEWER) or user.has_role(Role.DECIDER)
        ):
            return ["conclude-correction"]
    at_window = user.has_role(ORIGINALS_CHECKER) and user.agency_id == case.agency_id
    if case.status == CaseStatus.APPROVED and case.originals_pending:
        return ["check-originals"] if at_window else []
    if case.status == CaseStatus.APPROVED and not case.delivered_at and case.delivery_method in ("hall", "cabinet"):
        return ["hand-over"] if at_window else []
    stage = case.process_template.stages.filter(order=case.stage_order).first()
    if not case.is_open or stage is None:
        return []
    may = user.has_role(stage.role)
    steps = ["claim"] if may and case.claimed_by_id != user.pk else []
    if case.status == CaseStatus.SUBMITTED and may:
        if stage.action == StageAction.ACCEPT:
            steps += ["accept", "request-correction", "refuse"]
        elif stage.action == StageAction.ACCEPT_DECIDE:
            steps += ["decide", "request-correction", "refuse"]
    elif case.status == CaseStatus.ACCEPTED and may:
        steps += {StageAction.REVIEW: ["review"], StageAction.JOINT_REVIEW: ["review"], StageAction.DECIDE: ["decide"],
                  StageAction.FILE: ["file"]}.get(stage.action, [])  # fmt: skip
        steps.append("suspend")
    elif case.status == CaseStatus.SUSPENDED and may:
        steps.append("resume")
    open_for_decision = case.status in (CaseStatus.ACCEPTED, CaseStatus.SUSPENDED) and not case.extension_days
    if open_for_decision and user.has_role(Role.DECIDER):
        steps.append("extend")
    return steps


def visible_cases(user):
    """Applicants and their agents see their own cases; staff those of their agency and the parallel reviews their
    agency takes part in. Nobody else sees anything. Each condition is an indexed column, so the list stays an
    index scan however many cases there are."""
    if not user.is_authenticated:
        return Case.objects.none()
    mine = Q(submitted_by=user)
    applicants = list(user.applicants.values_list("pk", flat=True))
    if applicants:
        mine |= Q(applicant_id__in=applicants)
    if user.authorisations.exists():
        mine |= Q(proxy_authorisation__agent=user)
    if _staff_roles(user):
        mine |= Q(agency_id=user.agency_id)
        joint = list(ProcessStage.objects.filter(agencies=user.agency_id).values_list("template_id", flat=True))
        if joint:
            mine |= Q(process_template_id__in=joint)
    return Case.objects.filter(mine)


def case_list(user):
    """The list a user works through: staff their agency's cases (and parallel reviews they take part in), others
    their own. Unlike visible_cases() it does not mix the two, so a staff list is one range of the
    (agency, -submitted_at) index, newest first, at any number of cases."""
    if not _staff_roles(user):
        return visible_cases(user)
    condition = Q(agency_id=user.agency_id)
    joint = list(ProcessStage.objects.filter(agencies=user.agency_id).values_list("template_id", flat=True))
    if joint:
        condition |= Q(process_template_id__in=joint)
    return Case.objects.filter(condition)


def case_for_actor(user, number: str) -> Case:
    case = (
        visible_cases(user)
        .select_related("item", "agency", "applicant", "process_template", "claimed_by")
        .filter(number=number)
        .first()
    )
    if case is None:
        raise NotFound(_("No case has the number %(number)s.") % {"number": number})
    return case


QUEUES = ("unclaimed", "mine", "due_soon", "overdue", "suspended")


def inbox(user, queue: str, today: datetime.date | None = None):
    """A staff member's work: cases of their agency at a stage their roles may act on.

    unclaimed · claimed by nobody; mine · claimed by them; due_soon · due within 2 working days; overdue · past
    due; suspended · waiting for a special procedure. Ordered by the current deadline.
    """
    roles = _staff_roles(user)
    if not roles:
        return Case.objects.none()
    today = today or timezone.localdate()
    cases = Case.objects.filter(agency_id=user.agency_id, acting_role__in=roles).select_related(
        "item", "applicant", "claimed_by"
    )
    if queue == "unclaimed":
        cases = cases.filter(claimed_by__isnull=True).exclude(status=CaseStatus.SUSPENDED)
    elif queue == "mine":
        cases = cases.filter(claimed_by=user)
    elif queue == "due_soon":
        soon = work_calendar().add(today, DUE_SOON_WORKING_DAYS).date
        cases = cases.filter(due__gte=today, due__lte=soon).exclude(status=CaseStatus.SUSPENDED)
    elif queue == "overdue":
        cases = cases.filter(due__lt=today).exclude(status=CaseStatus.SUSPENDED)
    elif queue == "suspended":
        cases = cases.filter(status=CaseStatus.SUSPENDED)
    else:
        raise ValueError(queue)
    return cases.order_by("due", "submitted_at", "id")


def online_duty(user, now: datetime.datetime | None = None, limit: int = 200) -> list:
    """网上职守: online applications of the user's agency that nobody has claimed yet, oldest first, each with the
    office hours it has waited (`waited_hours`) and whether that is past ZV_ONLINE_DUTY_HOURS (`overdue`)."""
    if not _staff_roles(user):
        return []
    now = timezone.localtime(now or timezone.now())
    cases = (
        Case.objects.filter(
            agency_id=user.agency_id,
            status=CaseStatus.SUBMITTED,
            claimed_by__isnull=True,
            channel__in=[Channel.WEB, Channel.MOBILE],
        )
        .select_related("item", "applicant")
        .order_by("submitted_at", "id")[:limit]
    )
    calendar = work_calendar()
    waiting = []
    for case in cases:
        case.waited_hours = calendar.working_hours(
            timezone.localtime(case.submitted_at), now, settings.OFFICE_OPENS, settings.OFFICE_CLOSES
        )
        case.overdue = case.waited_hours > settings.ONLINE_DUTY_HOURS
        waiting.append(case)
    return waiting
