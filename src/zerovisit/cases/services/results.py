"""The result on its way: handed over at the window or the cabinet, delivered by the courier, and the originals of
a 先审后验 case checked when it is handed over."""

from django.db import transaction
from django.utils.translation import gettext as _

from zerovisit.core.errors import DomainError
from zerovisit.licenses import services as licenses

from ..models import Case, CaseAction, CaseStatus
from .staff import tell_acceptors
from .steps import Step


@transaction.atomic
def record_delivery(*, number: str, delivered: bool, waybill: str, note: str = "") -> Case:
    """The courier reports the result delivered (the case is concluded as delivered) or the delivery failed (the
    applicant and the agency's acceptors are told, so someone arranges another way)."""
    step = Step.begin(number, CaseAction.DELIVERED if delivered else CaseAction.DELIVERY_FAILED)
    case = step.case
    if case.delivered_at is not None:
        return case  # the carrier repeated itself
    if delivered:
        case.delivered_at = step.now
    step.done(opinion=note, waybill=waybill)
    if not delivered:
        tell_acceptors(case, "staff.delivery_failed", waybill=waybill, note=note)
    return case


@transaction.atomic
def record_arrival(*, number: str, waybill: str, originals: bool) -> Case:
    """What the courier collected from the applicant reached the window: the paper materials (to accept the
    application with) or, for 先审后验, the originals (to check against the copies). The acceptors are told."""
    action = CaseAction.ORIGINALS_ARRIVED if originals else CaseAction.MATERIALS_ARRIVED
    step = Step.begin(number, action)
    case = step.case
    if case.events.filter(action=action).exists():
        return case
    step.done(waybill=waybill)
    tell_acceptors(case, f"staff.{action}", waybill=waybill)
    return case


@transaction.atomic
def hand_over_result(*, actor, number: str, note: str = "") -> Case:
    """窗口领取 / 自助取证: the window hands the result over (or the cabinet reports it collected); the case is
    concluded as delivered. Originals still to be checked (先审后验) are checked first."""
    step = Step.begin(number, CaseAction.HANDED_OVER, actor)
    step.case.delivered_at = step.now
    return step.done(opinion=note)


@transaction.atomic
def check_originals(*, actor, number: str, matched: bool, note: str = "") -> Case:
    """先审后验: the originals are compared with the copies the approval was made on, when the result is handed
    over. Originals that do not match mean the approval rested on false copies: it is revoked (Art. 69)."""
    if not matched and not note.strip():
        raise DomainError(_("Say how the originals differ from the copies."), code="note_required")
    step = Step.begin(number, CaseAction.CHECK_ORIGINALS, actor)
    case = step.case
    case.originals_pending = False
    if not matched:
        case.concluded_at = step.now  # revoked at the handover (an approval that stands was concluded at its decision)
    step.done(target=CaseStatus.APPROVED if matched else CaseStatus.REVOKED, opinion=note, matched=matched)
    if not matched:
        licenses.revoke_for_case(case, reason=_("The originals differ from the copies: %(note)s") % {"note": note},
                                 actor=actor)  # fmt: skip
    return case
