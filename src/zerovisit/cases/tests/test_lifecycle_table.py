"""The lifecycle table is the only place a move is allowed: every step, from every status, at every kind of stage,
is taken through its service; what the table allows succeeds and everything else is refused."""

import datetime
from pathlib import Path

import pytest
from django.db import transaction

from zerovisit.accounts.models import Role
from zerovisit.accounts.tests.factories import UserFactory
from zerovisit.catalog.models import StageAction
from zerovisit.catalog.models.process import STAGE_ROLES
from zerovisit.core.errors import DomainError
from zerovisit.org.tests.factories import AgencyFactory

from .. import events, lifecycle, services
from ..models import Case, CaseAction, CaseStatus, PostVerification
from ..services import bundles
from .factories import apply, first_material, pdf

A = CaseAction
STAFF = "staff"


def _resubmit(case, who):
    spec = case.item.materials.order_by("order").first()
    return services.resubmit_correction(actor=who, number=case.number,
                                        materials=[services.MaterialInput(spec=spec, file=pdf())])  # fmt: skip


# How each step is taken, and by whom: the applicant's account, the member of staff (every role), or no one.
TAKE = {
    A.ACCEPT: (STAFF, lambda c, u: services.accept_case(actor=u, number=c.number)),
    A.REFUSE: (STAFF, lambda c, u: services.refuse_case(actor=u, number=c.number, reason="不属于本机关")),
    A.REQUEST_CORRECTION: (STAFF, lambda c, u: services.request_correction(
        actor=u, number=c.number, corrections=["补签字"], materials=first_material(c))),
    A.RESUBMIT: ("applicant", _resubmit),
    A.WITHDRAW: ("applicant", lambda c, u: services.withdraw_case(actor=u, number=c.number)),
    A.REVIEW: (STAFF, lambda c, u: services.review_case(actor=u, number=c.number, opinion="同意")),
    A.DECIDE: (STAFF, lambda c, u: services.decide_case(actor=u, number=c.number, approve=True, reasons="符合")),
    A.FILE: (STAFF, lambda c, u: services.file_case(actor=u, number=c.number)),
    A.SUSPEND: (STAFF, lambda c, u: services.suspend_case(actor=u, number=c.number, procedure="听证",
                                                          expected_days=5)),
    A.RESUME: (STAFF, lambda c, u: services.resume_case(actor=u, number=c.number)),
    A.EXTEND: (STAFF, lambda c, u: services.extend_case(actor=u, number=c.number, reason="需现场核查", days=5)),
    A.CLAIM: (STAFF, lambda c, u: services.claim_case(actor=u, number=c.number)),
    A.CHECK_ORIGINALS: (STAFF, lambda c, u: services.check_originals(actor=u, number=c.number, matched=True)),
    A.HANDED_OVER: (STAFF, lambda c, u: services.hand_over_result(actor=u, number=c.number)),
    A.VERIFY: (STAFF, lambda c, u: services.verify_commitment(actor=u, number=c.number, passed=True, note="属实")),
    A.ORDER_CORRECTION: (STAFF, lambda c, u: services.verify_commitment(actor=u, number=c.number, passed=False,
                                                                        note="不实")),
    A.CORRECTION_VERIFIED: (STAFF, lambda c, u: services.conclude_correction(actor=u, number=c.number,
                                                                             corrected=True, note="已改")),
    A.REVOKE: (STAFF, lambda c, u: services.conclude_correction(actor=u, number=c.number, corrected=False,
                                                                note="未改")),
    A.DELIVERED: (None, lambda c, u: services.record_delivery(number=c.number, delivered=True, waybill="W1")),
    A.DELIVERY_FAILED: (None, lambda c, u: services.record_delivery(number=c.number, delivered=False,
                                                                    waybill="W1")),
    A.ORIGINALS_ARRIVED: (None, lambda c, u: services.record_arrival(number=c.number, waybill="W1",
                                                                     originals=True)),
    A.MATERIALS_ARRIVED: (None, lambda c, u: services.record_arrival(number=c.number, waybill="W1",
                                                                     originals=False)),
}  # fmt: skip


# The periodic jobs do not raise for a case they may not move: they leave it out of what they return. Each is
# given a case it would find: past its acceptance due date, with estimated deadlines, or past the answer due
# date of a correction notice.
def _lapse(case):
    """A correction notice due long ago, recorded in the history as a step records it, then the job."""
    events.record(case, actor=None, role="system", action=A.REQUEST_CORRECTION, before=case.status,
                  answer_due="2026-01-05")  # fmt: skip
    return services.lapse_overdue_corrections(today=datetime.date(2030, 1, 2))


JOBS = {
    A.DEEMED_ACCEPTED: ({"acceptance_due": datetime.date(2026, 1, 5)},
                        lambda c: services.deem_overdue_acceptances(today=datetime.date(2030, 1, 2))),
    A.DEADLINE_RECOUNTED: ({"due_estimated": True}, lambda c: services.recount_estimated_deadlines()),
    A.CORRECTION_LAPSED: ({}, _lapse),
    # a bundle's member (一件事), started or ended by services.bundles.follow_bundle
    A.START: ({}, lambda c: [bundles.start_member(c).number]),
    A.BUNDLE_STOPPED: ({}, lambda c: [bundles.stop_member(c, "另一事项未获批准").number]),
}  # fmt: skip


def test_every_step_but_the_application_itself_is_in_the_matrix():
    assert set(TAKE) | set(JOBS) | {A.SUBMIT} == set(CaseAction)


class Undo(Exception):
    pass


def _expected(case, action) -> str:
    """What MOVES says, read straight from the table: 'done', the code of a failing condition, or a refusal."""
    stage = case.stage.action if case.stage else None
    moves = [m for m in lifecycle.MOVES if m.action == action and case.status in m.source
             and (m.stages is None or stage in m.stages)]  # fmt: skip
    if not moves:
        return "invalid_transition"
    return next((guard.code for guard in moves[0].guards if not guard.holds(case)), "done")


def _taken(case, action, before: CaseStatus) -> str:
    """'done' if the step left what the table says: its event, and a status it may lead to."""
    case.refresh_from_db()
    last = case.events.order_by("-seq").first()
    targets = next((m.targets for m in lifecycle.MOVES if m.action == action and before in m.source), ())
    if last.action != action or last.status_before != before or case.status not in (targets or (before,)):
        return f"not recorded as the table says: {last.action} {before}→{case.status}"
    return "done"


def _expected_and_outcome(case, action, people) -> tuple[str, str]:
    """(what the table says, what the service did: 'done' or the refusal's code), everything undone after."""
    try:
        with transaction.atomic():
            setup, job = JOBS.get(action, ({}, None))
            Case.objects.filter(pk=case.pk).update(**setup)
            case.refresh_from_db()
            expected, before = _expected(case, action), case.status
            try:
                if job:
                    outcome = _taken(case, action, before) if case.number in job(case) else "invalid_transition"
                else:
                    who, take = TAKE[action]
                    with transaction.atomic():
                        take(case, people.get(who))
                    outcome = _taken(case, action, before)
            except DomainError as refused:
                outcome = refused.code
            raise Undo
    except Undo:
        return expected, outcome


STAGES = [*StageAction, None]  # None: past the process's last stage


# Every status, with and without originals to check; an approved case also with its commitment's verification
# ordered to correct, and with no commitment at all.
STATES = [(status, originals, "pending") for status in CaseStatus for originals in (False, True)] + [
    (CaseStatus.APPROVED, False, "correction_ordered"), (CaseStatus.APPROVED, False, None),
]  # fmt: skip


@pytest.mark.parametrize(("status", "originals_pending", "verification"), STATES)
def test_each_step_is_possible_exactly_where_the_table_allows_it(
    clock, item, citizen, status, originals_pending, verification
):
    other = AgencyFactory()
    staff = UserFactory(agency=item.agency, is_staff=True, roles=[Role.ACCEPTOR, Role.REVIEWER, Role.DECIDER])
    people = {STAFF: staff, "applicant": citizen.user}
    case = apply(item, citizen)
    if verification:
        PostVerification.objects.create(case=case, method="site", due=datetime.date(2027, 1, 4), status=verification)
    mismatches = []
    for stage_action in STAGES:
        action_of_stage = stage_action or StageAction.REVIEW
        role = sorted(STAGE_ROLES[action_of_stage])[0]
        agencies = [item.agency_id, other.pk] if action_of_stage == StageAction.JOINT_REVIEW else []
        process = {**case.process, "stages": [{"order": 1, "action": action_of_stage, "name": "阶段", "role": role,
                                               "share": 100, "agencies": agencies}]}  # fmt: skip
        Case.objects.filter(pk=case.pk).update(
            status=status, process=process, stage_order=1 if stage_action else 2, originals_pending=originals_pending,
            accepted_at=case.submitted_at, acceptance_due=datetime.date(2026, 11, 9),
            paused_since=datetime.date(2026, 11, 2),
        )  # fmt: skip
        for action in [*TAKE, *JOBS]:
            expected, got = _expected_and_outcome(case, action, people)
            if got != expected:
                mismatches.append((status, stage_action, action, expected, got))
    assert mismatches == []


def test_the_lifecycle_document_is_the_table():
    document = Path(__file__).resolve().parents[4] / "docs" / "lifecycle.md"
    assert document.read_text(encoding="utf-8") == lifecycle.markdown(), "run `make docs`"


def test_the_api_and_the_workbench_offer_exactly_the_steps_of_the_table():
    from zerovisit.cases.api import CaseViewSet
    from zerovisit.workbench.views import STEPS

    api_steps = {a.url_path for a in CaseViewSet.get_extra_actions() if "post" in a.mapping}
    assert api_steps == set(lifecycle.STEPS)
    applicant_steps = {
        step
        for step, actions in lifecycle.STEPS.items()
        if all(m.actor == lifecycle.Actor.APPLICANT for m in lifecycle.MOVES if m.action in actions)
    }
    assert set(STEPS) == set(lifecycle.STEPS) - applicant_steps  # fmt: skip
