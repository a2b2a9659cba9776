"""Acceptance (受理, Art. 32): accept, refuse or ask for every correction at once within 5 working days of the
complete materials' arrival; an application left longer counts as accepted from that day."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zerovisit.core.errors import DomainError
from zerovisit.workcalendar.selectors import work_calendar

from .. import events, lifecycle, selectors
from ..models import Case, CaseAction, CaseStatus
from .steps import InvalidTransition, Step


@transaction.atomic
def accept_case(*, actor, number: str, opinion: str = "") -> Case:
    """受理. The decision clock starts today; or, when the 5 working days are over, from the day the materials
    arrived, as the law deems the case accepted then (and as deem_overdue_acceptances does)."""
    step = Step.begin(number, CaseAction.ACCEPT, actor)
    case = step.case
    if lifecycle.past_acceptance_due(case):
        case.deemed_accepted = True
        return step.done(opinion=opinion, accepted_at=case.received_at, late=True)
    return step.done(opinion=opinion)


@transaction.atomic
def refuse_case(*, actor, number: str, reason: str, competent_office: str = "") -> Case:
    """不予受理, with the reason and, where the matter is outside the agency's powers, the competent office."""
    if not reason.strip():
        raise DomainError(_("Give the reason for refusing."), code="reason_required")
    step = Step.begin(number, CaseAction.REFUSE, actor)
    return step.done(opinion=reason, competent_office=competent_office)


@transaction.atomic
def request_correction(*, actor, number: str, corrections: list[str], materials: list[int]) -> Case:
    """补正: everything to correct in one notice (一次性告知), naming the materials it concerns. The acceptance clock
    stops until the answer. Once the 5 working days are over the office may no longer ask (the case counts as
    accepted: the lifecycle's guard); and after a first notice, a further one may concern only the materials that
    notice named."""
    corrections = [c.strip() for c in corrections if c.strip()]
    if not corrections:
        raise DomainError(_("List what the applicant must correct."), code="corrections_required")
    step = Step.begin(number, CaseAction.REQUEST_CORRECTION, actor)
    case = step.case
    specs = {spec.pk: spec.name for spec in case.item.materials.all()}
    wanted = sorted(set(materials))
    if not wanted or any(pk not in specs for pk in wanted):
        message = _("Name the materials of this item that are to be corrected.")
        raise DomainError(message, code="materials_required",
                          errors=[{"field": "materials", "code": "invalid", "message": message}])  # fmt: skip
    first = selectors.correction_materials(case, first=True)
    if first is not None and not set(wanted) <= set(first):
        new = "、".join(specs[pk] for pk in wanted if pk not in first)
        raise InvalidTransition(
            _("Everything to correct is asked for in one notice (一次性告知): %(names)s was not in the first notice.")
            % {"names": new},
            code="correction_not_in_first_notice",
        )
    answer_due = work_calendar().add(timezone.localdate(), settings.CORRECTION_ANSWER_DAYS).date
    return step.done(
        corrections=corrections, materials=wanted, material_names=[specs[pk] for pk in wanted], answer_due=answer_due
    )


def deem_overdue_acceptances(*, today: datetime.date | None = None) -> list[str]:
    """Art. 32: an application neither accepted, refused nor sent back for correction within 5 working days
    counts as accepted from the day its materials arrived. Run by the periodic job; returns the case numbers."""
    today = today or timezone.localdate()
    done = []
    overdue = Case.objects.filter(status=CaseStatus.SUBMITTED, acceptance_due__lt=today)
    for number in overdue.values_list("number", flat=True):
        try:
            with transaction.atomic():
                step = Step.begin(number, CaseAction.DEEMED_ACCEPTED)
                if not step.case.acceptance_due or step.case.acceptance_due >= today:
                    continue  # corrected and resubmitted meanwhile
                step.case.deemed_accepted = True
                step.done(accepted_at=step.case.received_at)
                done.append(number)
        except InvalidTransition:
            continue  # handled meanwhile, or an instant item (decided, never deemed accepted)
        except events.HistoryBroken:
            continue  # its history was tampered with: left as found (verify_audit reports it), the others move on
    return done


def lapse_overdue_corrections(*, today: datetime.date | None = None) -> list[str]:
    """A correction notice not answered by its answer_due (CORRECTION_ANSWER_DAYS working days): the application
    counts as withdrawn, and the applicant is told. Run by the periodic job; returns the case numbers. Notices
    from before answer_due was recorded set no deadline."""
    today = today or timezone.localdate()
    done = []
    waiting = Case.objects.filter(status=CaseStatus.CORRECTION).values_list("number", flat=True)
    for number in waiting:
        try:
            with transaction.atomic():
                step = Step.begin(number, CaseAction.CORRECTION_LAPSED)
                due = selectors.correction_answer_due(step.case)
                if due is None or due >= today:
                    continue
                step.done(answer_due=due)
                done.append(number)
        except InvalidTransition:
            continue  # answered or withdrawn meanwhile
        except events.HistoryBroken:
            continue  # left as found for verify_audit, as deem_overdue_acceptances does
    return done
