"""The one way a case changes: lock → check → change → record.

`Step.begin()` takes the case's row lock, finds the move of cases.lifecycle that allows the step (or refuses it
with InvalidTransition), checks the guards, the actor's role and the separation of duties; the service then makes
its own change; `Step.done()` applies the move's status and clock effect, saves the columns that changed and
records a hash-chained CaseEvent (with the written notice and the applicant's message) in the same transaction.
A second member of staff acting on the same case at the same moment waits for the lock, then finds the case moved
on and gets a conflict.
"""

import copy
import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from zerovisit.accounts.models import Applicant, OrganisationAgent, ProxyAuthorisation, Role
from zerovisit.catalog.models import ProcessKind, StageAction
from zerovisit.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from zerovisit.notify.services import notify
from zerovisit.workcalendar.selectors import work_calendar

from .. import events, lifecycle
from ..lifecycle import Actor, Clock
from ..messages import applicant_message
from ..models import Case, CaseAction, CaseStatus

ACCEPTANCE_DAYS = 5  # Art. 32: accept, refuse or ask for every correction within 5 working days


class InvalidTransition(Conflict):
    code = "invalid_transition"


class SeparationOfDuties(PermissionDenied):
    code = "separation_of_duties"


class MaterialsIncomplete(DomainError):
    code = "materials_incomplete"


# -- the clocks ----------------------------------------------------------------------------------------------


def day_of(moment: datetime.datetime) -> datetime.date:
    return timezone.localdate(moment)


def set_acceptance_clock(case: Case) -> None:
    calendar = work_calendar()
    if case.process.get("kind") == ProcessKind.INSTANT:
        due = calendar.instant_due(timezone.localtime(case.received_at), settings.OFFICE_CLOSES)
        case.acceptance_due = case.decision_due = due.date
    else:
        due = calendar.add(day_of(case.received_at), ACCEPTANCE_DAYS)
        case.acceptance_due = due.date
    case.due_estimated = due.estimated


def set_decision_clock(case: Case) -> None:
    """Decision due: the limit, the extension and the days paused so far, counted from acceptance; while a special
    procedure runs, its expected length too (recomputed when it ends)."""
    days = case.limit_days + case.extension_days + case.paused_days
    if case.status == CaseStatus.SUSPENDED:
        days += case.pause_expected_days
    due = work_calendar().add(day_of(case.accepted_at), days)
    case.decision_due, case.due_estimated = due.date, due.estimated


def recount_clock(case: Case) -> None:
    """The running clock counted again (with a calendar that may have changed since)."""
    set_acceptance_clock(case) if case.status == CaseStatus.SUBMITTED else set_decision_clock(case)


def _run_clock(case: Case, clock: Clock | None, now: datetime.datetime, accepted_at) -> dict:
    """The move's effect on the clocks, on the case as the step leaves it; returns what the history records."""
    if clock == Clock.START and case.status == CaseStatus.SUBMITTED:
        case.received_at = now
        set_acceptance_clock(case)
    elif clock == Clock.START:
        case.accepted_at = accepted_at or now
        set_decision_clock(case)
        return {"decision_due": case.decision_due}
    elif clock == Clock.PAUSE and case.status == CaseStatus.CORRECTION:
        case.acceptance_due = None
    elif clock == Clock.PAUSE:
        case.paused_since = day_of(now)
        set_decision_clock(case)
    elif clock == Clock.RESUME:
        paused = work_calendar().count(case.paused_since, day_of(now)).days
        case.paused_days += paused
        case.paused_since, case.pause_expected_days = None, 0
        set_decision_clock(case)
        return {"paused_days": paused, "decision_due": case.decision_due}
    elif clock == Clock.EXTEND:
        set_decision_clock(case)
        return {"decision_due": case.decision_due}
    elif clock == Clock.RECOUNT:
        recount_clock(case)
    elif clock == Clock.STOP:
        case.concluded_at = now
        if case.status in (CaseStatus.APPROVED, CaseStatus.DENIED, CaseStatus.FILED):
            case.decided_at = now
    return {}


# -- who may act ---------------------------------------------------------------------------------------------


def authority(actor, applicant: Applicant, impl_code: str) -> tuple[bool, ProxyAuthorisation | None]:
    """(may act, under which authorisation): the applicant's own account acts for them, and so does an agent of an
    organisation for the items their authorisation covers; a proxy agent needs a current authorisation for the
    item."""
    if applicant.user_id and applicant.user_id == actor.pk:
        return True, None
    today = timezone.localdate()
    if any(a.covers(impl_code, today) for a in OrganisationAgent.objects.filter(organisation=applicant, agent=actor)):
        return True, None
    for authorisation in ProxyAuthorisation.objects.filter(applicant=applicant, agent=actor):
        if authorisation.covers(impl_code, today):
            return True, authorisation
    return False, None


def _check_staff(actor, case: Case, role: str, agencies) -> None:
    if not (actor is not None and actor.is_active and actor.agency_id in agencies and actor.has_role(role)):
        raise PermissionDenied(_("Only a %(role)s of the case's agency may do this.") % {"role": Role(role).label})


def _check_actor(actor, case: Case, move: lifecycle.Move) -> str:
    """The role the actor takes the step in, or PermissionDenied."""
    if move.actor == Actor.APPLICANT:
        if actor.pk != case.submitted_by_id and not authority(actor, case.applicant, case.item.impl_code)[0]:
            raise PermissionDenied(_("Only the applicant or their authorised agent may do this."))
        return "applicant"
    if move.actor in (Actor.SYSTEM, Actor.COURIER):
        if actor is not None:
            raise PermissionDenied(_("Only the platform itself records this step."))
        return str(move.actor)
    stage = case.stage
    if move.actor == Actor.STAGE:
        joint = stage.action == StageAction.JOINT_REVIEW
        _check_staff(actor, case, stage.role, stage.agencies if joint else (case.agency_id,))
        return stage.role
    _check_staff(actor, case, move.actor, (case.agency_id,))
    return str(move.actor)


SEPARATION = {
    CaseAction.ACCEPT: _("You accepted this case, so you may not review or decide it."),
    CaseAction.REVIEW: _("You reviewed this case, so you may not decide it."),
}


def _check_separation(actor, case: Case, move: lifecycle.Move) -> None:
    """三分开: who accepted a case neither reviews nor decides it; who reviewed it does not decide it."""
    if not move.not_after:
        return
    taken = set(case.events.filter(actor=actor, action__in=move.not_after).values_list("action", flat=True))
    for action in move.not_after:
        if action in taken:
            raise SeparationOfDuties(str(SEPARATION[action]))


# -- the step ------------------------------------------------------------------------------------------------


def _locked(number: str) -> Case:
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("item", "agency", "applicant")
        .filter(number=number)
        .first()
    )
    if case is None:
        raise NotFound(_("No case has the number %(number)s.") % {"number": number})
    return case


def _refused(case: Case) -> InvalidTransition:
    stage = case.stage
    return InvalidTransition(
        _("Case %(number)s is now “%(status)s”%(stage)s: this step is not possible (any more).")
        % {
            "number": case.number,
            "status": case.get_status_display(),
            "stage": f" · {stage.name}" if stage and case.is_open else "",
        }
    )


def _columns(case: Case) -> dict:
    return {f.attname: copy.copy(getattr(case, f.attname)) for f in Case._meta.concrete_fields if not f.primary_key}


class Step:
    """One step on one case, between `begin` (locked and checked) and `done` (changed and recorded). Call both
    inside the service's transaction."""

    def __init__(self, case: Case, move: lifecycle.Move, actor, role: str):
        self.case, self.move, self.actor, self.role = case, move, actor, role
        self.advance = move.advances  # a parallel review moves on only after its last agency
        self.now = timezone.now()  # the one moment of the step, for every time it sets
        self._columns = _columns(case)

    @classmethod
    def begin(cls, number: str, action: CaseAction, actor=None) -> "Step":
        case = _locked(number)
        move = lifecycle.move_for(case, action)
        if move is None:
            raise _refused(case)
        if guard := move.refusal(case):
            raise InvalidTransition(str(guard.message), code=guard.code)
        role = _check_actor(actor, case, move)
        _check_separation(actor, case, move)
        return cls(case, move, actor, role)

    def done(self, *, target: CaseStatus | None = None, opinion: str = "", accepted_at=None, **data) -> Case:
        """Apply the move (status, stage, clock), save what changed and record the step."""
        case, move = self.case, self.move
        before = case.status
        if move.targets:
            target = target or (move.targets[0] if len(move.targets) == 1 else None)
            if target not in move.targets:
                raise ValueError(f"{move.action} leads to one of {move.targets}, not {target}")
            case.status = target
        if self.advance:
            case.stage_order += 1
            case.claimed_by = None  # a claim holds for one stage: the next stage's staff find the case unclaimed
        data = {**_run_clock(case, move.clock, self.now, accepted_at), **data}
        changed = [name for name, value in _columns(case).items() if value != self._columns[name]]
        if changed:
            case.save(update_fields=[*changed, "updated_at"])
        record(case, actor=self.actor, role=self.role, action=move.action, before=before, opinion=opinion, **data)
        if move.clock == Clock.STOP and case.bundle_case_id:
            from ..tasks import follow_bundle

            follow_bundle.enqueue(case.bundle_case_id)  # what this member's end starts or ends (services.bundles)
        return case


def record(case: Case, *, actor, role: str, action: CaseAction, before: str, opinion: str = "", **data) -> None:
    """Write the step into the case's history, queue its written notice and tell the applicant, in the same
    transaction."""
    event = events.record(case, actor=actor, role=role, action=action, before=before, opinion=opinion, **data)
    if action in lifecycle.NOTICES:
        from ..tasks import render_notice

        render_notice.enqueue(event.pk)  # a row of this transaction: the notice exists if and only if the step does
    if said := applicant_message(case, action, event.data, opinion):
        event_name, values = said
        notify(user_id=case.applicant.user_id or case.submitted_by_id, event=event_name, values=values,
               case_number=case.number, agency_id=case.agency_id, phone_encrypted=case.applicant.phone_encrypted,
               email_encrypted=case.applicant.email_encrypted)  # fmt: skip
