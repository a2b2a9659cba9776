"""After a commitment (告知承诺): 事后核查 within the item's limit; a false commitment is ordered corrected by a
deadline and, if it is not, the approval is revoked and a credit record kept (DESIGN.md §4)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zerovisit.core.errors import DomainError
from zerovisit.licenses import services as licenses
from zerovisit.workcalendar.selectors import work_calendar

from ..models import Case, CaseAction, CaseStatus, CreditRecord, PostVerification
from .steps import Step


def _begin(number: str, action: CaseAction, actor) -> tuple[Step, PostVerification]:
    step = Step.begin(number, action, actor)
    verification = PostVerification.objects.select_for_update().get(case=step.case)
    return step, verification


@transaction.atomic
def verify_commitment(*, actor, number: str, passed: bool, note: str, correction_days: int = 20) -> Case:
    """事后核查: the commitment holds, or the applicant is ordered to correct by a deadline."""
    if not note.strip():
        raise DomainError(_("Record what the verification found."), code="note_required")
    step, verification = _begin(number, CaseAction.VERIFY if passed else CaseAction.ORDER_CORRECTION, actor)
    verification.note = note
    if passed:
        verification.status = PostVerification.Status.PASSED
        verification.save(update_fields=["status", "note", "updated_at"])
        return step.done(opinion=note)
    verification.status = PostVerification.Status.CORRECTION_ORDERED
    verification.correction_due = work_calendar().add(timezone.localdate(), correction_days).date
    verification.save(update_fields=["status", "note", "correction_due", "updated_at"])
    return step.done(opinion=note, correction_due=verification.correction_due)


@transaction.atomic
def conclude_correction(*, actor, number: str, corrected: bool, note: str) -> Case:
    """After the deadline to correct: the approval stands, or a decider revokes it and a credit record is kept."""
    if not note.strip():
        raise DomainError(_("Record what the verification found."), code="note_required")
    action = CaseAction.CORRECTION_VERIFIED if corrected else CaseAction.REVOKE
    step, verification = _begin(number, action, actor)
    verification.note = note
    verification.status = PostVerification.Status.CORRECTED if corrected else PostVerification.Status.REVOKED
    verification.save(update_fields=["status", "note", "updated_at"])
    if corrected:
        return step.done(opinion=note)
    case = step.done(target=CaseStatus.REVOKED, opinion=note)
    CreditRecord.objects.create(applicant=case.applicant, case=case, kind="false_commitment", note=note)
    licenses.revoke_for_case(case, reason=_("False commitment: %(note)s") % {"note": note}, actor=actor)
    return case
