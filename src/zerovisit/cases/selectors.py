"""Who sees which cases, and the staff inbox. Access and fetch happen together, so no view can forget the check."""

import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from zerovisit.accounts.models import Role
from zerovisit.core.errors import NotFound
from zerovisit.workcalendar.selectors import work_calendar

from . import lifecycle
from .models import Case, CaseStatus, Channel

STAFF_ROLES = (Role.ACCEPTOR, Role.REVIEWER, Role.DECIDER, Role.SUPERVISOR)
DUE_SOON_WORKING_DAYS = 2


def _staff_roles(user) -> list[str]:
    return [role for role in STAFF_ROLES if user.has_role(role)] if user.agency_id else []


def is_case_staff(user) -> bool:
    return user.is_authenticated and bool(_staff_roles(user))


def possible_steps(user, case) -> list[str]:
    """The steps to offer this user on this case now, from the lifecycle (see lifecycle.steps_for)."""
    return lifecycle.steps_for(user, case)


def first_correction_notice(case) -> list[int] | None:
    """The materials the case's first correction notice named (一次性告知: a later notice may name no others), or
    None when there was none, or it predates notices naming their materials (then nothing is restricted)."""
    event = case.events.filter(action="request_correction").order_by("seq").first()
    return event.data.get("materials") if event else None


def visible_cases(user):
    """Applicants and their agents see their own cases; staff those of their agency and the parallel reviews their
    agency takes part in. Nobody else sees anything. Each condition is an indexed column, so the list stays an
    index scan however many cases there are."""
    if not user.is_authenticated or user.pk is None:  # anonymous, or a system's token: no cases of its own
        return Case.objects.none()
    mine = Q(submitted_by=user)
    applicants = list(user.applicants.values_list("pk", flat=True))
    if applicants:
        mine |= Q(applicant_id__in=applicants)
    if user.authorisations.exists():
        mine |= Q(proxy_authorisation__agent=user)
    if _staff_roles(user):
        mine |= _of_agency(user)
    return Case.objects.filter(mine)


def _of_agency(user) -> Q:
    """The cases of the user's agency and those whose parallel review (as filed) it takes part in. The second
    condition is added only for an agency that has any, so that the usual list stays one index range."""
    condition = Q(agency_id=user.agency_id)
    joint = Case.joint_agencies.through.objects.filter(agency_id=user.agency_id)
    if joint.exists():
        condition |= Q(pk__in=joint.values("case_id"))
    return condition


def case_list(user):
    """The list a user works through: staff their agency's cases (and parallel reviews they take part in), others
    their own. Unlike visible_cases() it does not mix the two, so a staff list is one range of the
    (agency, -submitted_at) index, newest first, at any number of cases."""
    if not _staff_roles(user):
        return visible_cases(user)
    return Case.objects.filter(_of_agency(user))


def case_for_actor(user, number: str) -> Case:
    case = visible_cases(user).select_related("item", "agency", "applicant", "claimed_by").filter(number=number).first()
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
