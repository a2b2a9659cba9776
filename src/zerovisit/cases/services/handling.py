"""Handling an accepted case (Arts. 42, 45): review, decide or file, extend the limit once, pause for a special
procedure, and claim a case into one's own queue."""

from django.db import transaction
from django.utils.translation import gettext as _

from zerovisit.catalog.models import StageAction
from zerovisit.core.errors import Conflict, DomainError
from zerovisit.licenses import services as licenses
from zerovisit.workcalendar.selectors import work_calendar

from ..models import Case, CaseAction, CaseStatus, PostVerification
from .steps import InvalidTransition, Step, day_of

EXTENSION_DAYS = 10  # Art. 42: the head of the office may extend the decision limit by 10 working days
SPECIAL_PROCEDURES = ("听证", "检验检测", "鉴定", "专家评审", "现场勘验", "招标", "拍卖", "检疫")


@transaction.atomic
def review_case(*, actor, number: str, opinion: str) -> Case:
    """审查: one sign-off level. At a parallel review each agency signs off; the case moves on after the last."""
    if not opinion.strip():
        raise DomainError(_("Write the review opinion."), code="opinion_required")
    step = Step.begin(number, CaseAction.REVIEW, actor)
    case, stage = step.case, step.case.stage
    if stage.action == StageAction.JOINT_REVIEW:
        signed = set(
            case.events.filter(action=CaseAction.REVIEW, data__stage=case.stage_order).values_list(
                "data__agency", flat=True
            )
        )
        if actor.agency_id in signed:
            raise InvalidTransition(_("Your agency has signed off this review already."), code="already_reviewed")
        step.advance = signed | {actor.agency_id} >= set(stage.agencies)
    return step.done(opinion=opinion, stage=case.stage_order, agency=actor.agency_id)


@transaction.atomic
def decide_case(*, actor, number: str, approve: bool, reasons: str) -> Case:
    """准予 / 不予许可, with reasons. An instant item is accepted and decided in this one step. The licence is
    issued, without retyping, in the decision's transaction."""
    if not reasons.strip():
        raise DomainError(_("Give the reasons for the decision."), code="reasons_required")
    step = Step.begin(number, CaseAction.DECIDE, actor)
    case, now = step.case, step.now
    if case.status == CaseStatus.SUBMITTED:
        case.accepted_at = now
    case.originals_pending = approve and case.item.verify_originals
    step.done(target=CaseStatus.APPROVED if approve else CaseStatus.DENIED, opinion=reasons, approved=approve)
    if approve:
        licenses.issue_for_case(case, actor=actor)
    if approve and case.commitment_signed:
        due = work_calendar().add(day_of(now), case.item.verification_days or 0).date
        PostVerification.objects.create(case=case, method=case.item.verification_method, due=due)
    return case


@transaction.atomic
def file_case(*, actor, number: str, opinion: str = "") -> Case:
    """备案: the filing receipt after the completeness check; nothing is approved."""
    return Step.begin(number, CaseAction.FILE, actor).done(opinion=opinion)


@transaction.atomic
def extend_case(*, actor, number: str, reason: str, days: int = EXTENSION_DAYS) -> Case:
    """延期: a decider approves a longer decision limit; the applicant is told the reason (Art. 42)."""
    if not reason.strip():
        raise DomainError(_("Give the reason for the extension."), code="reason_required")
    if not 1 <= days <= EXTENSION_DAYS:
        raise DomainError(
            _("An extension is 1 to %(max)s working days.") % {"max": EXTENSION_DAYS}, code="invalid_days"
        )
    step = Step.begin(number, CaseAction.EXTEND, actor)
    step.case.extension_days = days
    return step.done(opinion=reason, days=days)


@transaction.atomic
def suspend_case(*, actor, number: str, procedure: str, expected_days: int, reason: str = "") -> Case:
    """特别程序 (hearing, testing, appraisal, expert review, site inspection …): the clock stops (Art. 45) and the
    applicant is told how long it is expected to take."""
    if procedure not in SPECIAL_PROCEDURES:
        raise DomainError(_("Unknown special procedure."), code="invalid_procedure")
    if not 1 <= expected_days <= 250:
        raise DomainError(_("Give the expected length in working days."), code="invalid_days")
    step = Step.begin(number, CaseAction.SUSPEND, actor)
    step.case.pause_expected_days = expected_days
    return step.done(opinion=reason, procedure=procedure, expected_days=expected_days)


@transaction.atomic
def resume_case(*, actor, number: str, opinion: str = "") -> Case:
    """The special procedure is over: the days it took are added to the limit."""
    return Step.begin(number, CaseAction.RESUME, actor).done(opinion=opinion)


@transaction.atomic
def claim_case(*, actor, number: str) -> Case:
    """Take an open case into one's own queue."""
    step = Step.begin(number, CaseAction.CLAIM, actor)
    case = step.case
    if case.claimed_by_id and case.claimed_by_id != actor.pk:
        raise Conflict(_("%(name)s has claimed this case already.") % {"name": case.claimed_by}, code="claimed")
    case.claimed_by = actor
    return step.done()
