"""The case lifecycle through its services: deadlines on the 2026 calendar, corrections, review and decision,
separation of duties, idempotency and the hash-chained history."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from zerovisit.accounts.models import ProxyAuthorisation, Role
from zerovisit.accounts.tests.factories import UserFactory, editor
from zerovisit.cases import events, services
from zerovisit.cases.models import Case, CaseEvent, CaseMaterial, CaseStatus
from zerovisit.catalog.models import MaterialSpec
from zerovisit.core.errors import DomainError, PermissionDenied
from zerovisit.core.storage import private_storage
from zerovisit.org.tests.factories import AgencyFactory

from .factories import apply, first_material, pdf, publish

D = datetime.date


def test_an_application_gets_a_number_with_region_and_date_and_five_working_days_for_acceptance(clock, item, citizen):
    clock.set(2026, 9, 28)
    case = apply(item, citizen)
    assert re.fullmatch(r"320300-20260928-[0-9A-Z]{8}", case.number)
    assert case.status == CaseStatus.SUBMITTED
    assert case.acceptance_due == D(2026, 10, 10)  # 9-29, 9-30, (holidays), 10-08, 10-09, 10-10 (调休 Saturday)
    material = case.materials.get(source=CaseMaterial.Source.UPLOAD)
    assert len(material.sha256) == 64 and private_storage().exists(material.file.name)
    assert case.materials.filter(source=CaseMaterial.Source.LATER).count() == 1


def test_the_promised_flow_keeps_every_deadline_right_across_national_day(clock, item, citizen, staff):
    clock.set(2026, 9, 28)
    case = apply(item, citizen)
    clock.set(2026, 9, 29)
    services.request_correction(
        actor=staff["acceptor"],
        number=case.number,
        materials=first_material(case),
        corrections=["申请书缺少签字", "补充照片"],
    )
    assert Case.objects.get(pk=case.pk).acceptance_due is None  # the clock waits for the applicant
    clock.set(2026, 9, 30)
    spec = MaterialSpec.objects.get(item=item, name="申请书")
    case = services.resubmit_correction(
        actor=citizen.user, number=case.number, materials=[services.MaterialInput(spec=spec, file=pdf("签字版.pdf"))]
    )
    assert case.acceptance_due == D(2026, 10, 13)  # counted again from the day complete materials arrived
    clock.set(2026, 10, 9)
    case = services.accept_case(actor=staff["acceptor"], number=case.number)
    assert case.decision_due == D(2026, 10, 15)  # 5 working days: 10-10 (Sat, working), 12, 13, 14, 15
    clock.set(2026, 10, 10)
    services.review_case(actor=staff["reviewer"], number=case.number, opinion="材料齐全，符合条件")
    clock.set(2026, 10, 12)
    case = services.decide_case(actor=staff["decider"], number=case.number, approve=True, reasons="符合法定条件")
    assert case.status == CaseStatus.APPROVED and case.decided_at
    actions = list(case.events.values_list("action", flat=True))
    assert actions == ["submit", "request_correction", "resubmit", "accept", "review", "decide"]
    assert events.verify(case) is None


def test_a_correction_notice_lists_everything_at_once(clock, item, citizen, staff):
    case = apply(item, citizen)
    with pytest.raises(DomainError):
        services.request_correction(
            actor=staff["acceptor"], number=case.number, materials=first_material(case), corrections=["  "]
        )
    services.request_correction(
        actor=staff["acceptor"], number=case.number, materials=first_material(case), corrections=["a", "b"]
    )
    with pytest.raises(services.InvalidTransition):
        services.request_correction(
            actor=staff["acceptor"], number=case.number, materials=first_material(case), corrections=["c"]
        )
    assert case.events.get(action="request_correction").data["corrections"] == ["a", "b"]


def test_refusal_needs_a_reason_and_may_name_the_competent_office(clock, item, citizen, staff):
    case = apply(item, citizen)
    with pytest.raises(DomainError):
        services.refuse_case(actor=staff["acceptor"], number=case.number, reason="")
    case = services.refuse_case(actor=staff["acceptor"], number=case.number, reason="不属于本机关职权范围",
                                competent_office="徐州市市场监督管理局")  # fmt: skip
    assert case.status == CaseStatus.REFUSED
    assert case.events.last().data["competent_office"] == "徐州市市场监督管理局"


def test_an_application_left_five_working_days_counts_as_accepted_from_its_arrival(clock, item, citizen):
    clock.set(2026, 11, 2)
    case = apply(item, citizen)
    assert case.acceptance_due == D(2026, 11, 9)
    assert services.deem_overdue_acceptances(today=D(2026, 11, 9)) == []
    assert services.deem_overdue_acceptances(today=D(2026, 11, 10)) == [case.number]
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED and case.deemed_accepted
    assert case.accepted_at == case.received_at
    assert case.decision_due == D(2026, 11, 9)  # 5 working days from the day the materials arrived
    assert case.events.last().action == "deemed_accepted" and case.events.last().actor is None


def test_separation_of_duties(clock, agency, item, citizen, staff):
    all_roles = editor(agency, role=Role.ACCEPTOR, username="all")
    all_roles.roles.create(role=Role.REVIEWER)
    all_roles.roles.create(role=Role.DECIDER)
    case = apply(item, citizen)
    services.accept_case(actor=all_roles, number=case.number)
    with pytest.raises(services.SeparationOfDuties):
        services.review_case(actor=all_roles, number=case.number, opinion="同意")
    reviewer_and_decider = editor(agency, role=Role.REVIEWER, username="rd")
    reviewer_and_decider.roles.create(role=Role.DECIDER)
    services.review_case(actor=reviewer_and_decider, number=case.number, opinion="同意")
    with pytest.raises(services.SeparationOfDuties):
        services.decide_case(actor=reviewer_and_decider, number=case.number, approve=True, reasons="同意")
    services.decide_case(actor=staff["decider"], number=case.number, approve=True, reasons="同意")


def test_staff_act_only_in_their_own_agency_and_role(clock, item, citizen, staff):
    case = apply(item, citizen)
    outsider = editor(AgencyFactory(), role=Role.ACCEPTOR)
    with pytest.raises(PermissionDenied):
        services.accept_case(actor=outsider, number=case.number)
    with pytest.raises(PermissionDenied):
        services.accept_case(actor=staff["reviewer"], number=case.number)


def test_a_step_out_of_order_is_a_conflict(clock, item, citizen, staff):
    case = apply(item, citizen)
    with pytest.raises(services.InvalidTransition) as refused:
        services.decide_case(actor=staff["decider"], number=case.number, approve=True, reasons="x")
    assert refused.value.status == 409


def test_retrying_a_submission_with_the_same_key_returns_the_same_case(clock, item, citizen):
    first = apply(item, citizen, idempotency_key="req-1")
    again = apply(item, citizen, idempotency_key="req-1")
    other = apply(item, citizen, idempotency_key="req-2")
    assert first.pk == again.pk != other.pk
    assert Case.objects.count() == 2


def test_missing_or_false_materials_are_refused_and_nothing_is_kept(clock, item, citizen):
    specs = list(MaterialSpec.objects.filter(item=item).order_by("order"))
    with pytest.raises(services.MaterialsIncomplete) as missing:
        apply(item, citizen, materials=[services.MaterialInput(spec=specs[1], later=True)])
    assert missing.value.errors[0]["code"] == "missing" and "申请书" in missing.value.message
    disguised = SimpleUploadedFile("申请书.pdf", b"<html>not a pdf</html>")
    with pytest.raises(services.MaterialsIncomplete) as false_file:
        apply(item, citizen, materials=[services.MaterialInput(spec=specs[0], file=disguised)])
    assert false_file.value.errors[0]["code"] == "file_content_mismatch"
    assert not Case.objects.exists() and not CaseMaterial.objects.exists()


def test_an_extension_adds_ten_working_days_once_with_a_deciders_approval(clock, item, citizen, staff):
    clock.set(2026, 11, 2)
    case = apply(item, citizen)
    case = services.accept_case(actor=staff["acceptor"], number=case.number)
    assert case.decision_due == D(2026, 11, 9)
    with pytest.raises(PermissionDenied):
        services.extend_case(actor=staff["reviewer"], number=case.number, reason="需进一步核实")
    case = services.extend_case(actor=staff["decider"], number=case.number, reason="需进一步核实")
    assert case.decision_due == D(2026, 11, 23)
    with pytest.raises(services.InvalidTransition):
        services.extend_case(actor=staff["decider"], number=case.number, reason="again")


def test_a_special_procedure_stops_the_clock_for_the_days_it_takes(clock, item, citizen, staff):
    clock.set(2026, 11, 2)
    case = apply(item, citizen)
    services.accept_case(actor=staff["acceptor"], number=case.number)  # due 11-09
    clock.set(2026, 11, 4)
    case = services.suspend_case(actor=staff["reviewer"], number=case.number, procedure="现场勘验", expected_days=3)
    assert case.status == CaseStatus.SUSPENDED and case.decision_due == D(2026, 11, 12)
    clock.set(2026, 11, 6)
    case = services.resume_case(actor=staff["reviewer"], number=case.number)
    assert case.paused_days == 2 and case.decision_due == D(2026, 11, 11)


def test_an_instant_item_is_accepted_and_decided_in_one_step_on_the_day(clock, agency, citizen, staff):
    instant = publish(agency, template="instant", case_kind="instant", promised_days=0, base_code="010002000100")
    clock.set(2026, 11, 4, 9)
    case = apply(instant, citizen)
    assert case.decision_due == D(2026, 11, 4)
    case = services.decide_case(actor=staff["acceptor"], number=case.number, approve=True, reasons="当场办结")
    assert case.status == CaseStatus.APPROVED and case.accepted_at == case.decided_at
    clock.set(2026, 11, 4, 17, 45)
    assert apply(instant, citizen).decision_due == D(2026, 11, 5)  # after closing time: the next working day


def test_a_commitment_item_is_approved_on_the_day_of_the_signed_commitment(clock, agency, citizen, staff):
    commitment = publish(agency, template="commitment", case_kind="instant", promised_days=0,
                         reform_mode="commitment", base_code="010003000100", verification_method="site",
                         verification_days=40)  # fmt: skip
    with pytest.raises(DomainError) as unsigned:
        apply(commitment, citizen)
    assert unsigned.value.code == "commitment_required"
    case = apply(commitment, citizen, commitment_signed=True)
    services.accept_case(actor=staff["acceptor"], number=case.number)
    case = services.decide_case(actor=staff["decider"], number=case.number, approve=True, reasons="依承诺准予")
    assert case.status == CaseStatus.APPROVED and case.decided_at.date() == case.submitted_at.date()
    normal = apply(commitment, citizen, normal_procedure=True)
    assert normal.process_template.code == "promised-1" and not normal.commitment_signed


def test_a_filing_gets_a_receipt_and_no_approval(clock, agency, citizen, staff):
    filing = publish(agency, template="filing", reform_mode="filing", base_code="010004000100")
    case = apply(filing, citizen)
    services.accept_case(actor=staff["acceptor"], number=case.number)
    case = services.file_case(actor=staff["acceptor"], number=case.number)
    assert case.status == CaseStatus.FILED


def test_only_the_applicant_or_their_agent_withdraws_before_the_decision(clock, item, citizen, staff):
    case = apply(item, citizen)
    with pytest.raises(PermissionDenied):
        services.withdraw_case(actor=UserFactory(), number=case.number)
    case = services.withdraw_case(actor=citizen.user, number=case.number, reason="不再需要")
    assert case.status == CaseStatus.WITHDRAWN
    with pytest.raises(services.InvalidTransition):
        services.accept_case(actor=staff["acceptor"], number=case.number)


def test_a_proxy_agent_applies_only_under_a_current_authorisation(clock, item, citizen):
    agent = UserFactory(username="daiban")
    with pytest.raises(PermissionDenied):
        apply(item, citizen, actor=agent, channel="proxy")
    ProxyAuthorisation.objects.create(applicant=citizen, agent=agent, item_code=item.impl_code,
                                      valid_from=D(2026, 1, 1), valid_until=D(2026, 12, 31))  # fmt: skip
    case = apply(item, citizen, actor=agent, channel="proxy")
    assert case.proxy_authorisation.agent == agent and case.submitted_by == agent


def test_a_parallel_review_waits_for_every_agency(clock, citizen):
    from zerovisit.catalog.models import ProcessKind, ProcessStage, ProcessTemplate

    lead, fire, civil = AgencyFactory(), AgencyFactory(), AgencyFactory()
    template = ProcessTemplate.objects.create(code="joint-test", name="并联", kind=ProcessKind.JOINT)
    ProcessStage.objects.create(template=template, order=1, action="accept", name="受理", role="acceptor", share=10)
    joint = ProcessStage.objects.create(template=template, order=2, action="joint_review", name="联合审查",
                                        role="reviewer", share=60)  # fmt: skip
    joint.agencies.set([fire, civil])
    ProcessStage.objects.create(template=template, order=3, action="decide", name="决定", role="decider", share=30)
    item = publish(lead, template="joint-test")
    case = apply(item, citizen)
    services.accept_case(actor=editor(lead, role=Role.ACCEPTOR), number=case.number)
    fire_reviewer = editor(fire, role=Role.REVIEWER)
    case = services.review_case(actor=fire_reviewer, number=case.number, opinion="消防同意")
    assert case.stage_order == 2
    with pytest.raises(services.InvalidTransition):
        services.review_case(actor=editor(fire, role=Role.REVIEWER), number=case.number, opinion="again")
    case = services.review_case(actor=editor(civil, role=Role.REVIEWER), number=case.number, opinion="人防同意")
    assert case.stage_order == 3
    services.decide_case(actor=editor(lead, role=Role.DECIDER), number=case.number, approve=True, reasons="同意")


def test_editing_the_history_breaks_the_chain(clock, item, citizen, staff):
    case = apply(item, citizen)
    services.accept_case(actor=staff["acceptor"], number=case.number)
    first = case.events.get(seq=1)
    CaseEvent.objects.filter(pk=first.pk).update(opinion="改过")
    assert events.verify(case).seq == 1


def test_the_applicant_is_told_at_each_step_in_the_app_and_by_sms(clock, item, citizen, staff):
    from zerovisit.notify.models import Channel, Message

    case = apply(item, citizen)
    services.accept_case(actor=staff["acceptor"], number=case.number)
    messages = Message.objects.filter(case_number=case.number, channel=Channel.IN_APP).order_by("id")
    assert [m.event for m in messages] == ["case.submit", "case.accept"]
    assert all(m.recipient == citizen.user for m in messages)
    assert "办结期限" in messages[1].body or "decision" in messages[1].body
    assert Message.objects.filter(case_number=case.number, channel=Channel.SMS).count() == 2


@pytest.fixture
def commitment_case(clock, agency, citizen, staff):
    commitment = publish(agency, template="commitment", case_kind="instant", promised_days=0, reform_mode="commitment",
                         base_code="010005000100", verification_method="site", verification_days=40)  # fmt: skip
    clock.set(2026, 11, 2)
    case = apply(commitment, citizen, commitment_signed=True)
    services.accept_case(actor=staff["acceptor"], number=case.number)
    return services.decide_case(actor=staff["decider"], number=case.number, approve=True, reasons="依承诺准予")


def test_an_approved_commitment_is_verified_within_the_items_limit(commitment_case, staff):
    verification = commitment_case.verification
    assert verification.method == "site" and verification.due == D(2026, 12, 28)  # 40 working days
    services.verify_commitment(actor=staff["reviewer"], number=commitment_case.number, passed=True, note="现场核查属实")
    verification.refresh_from_db()
    assert verification.status == "passed"
    with pytest.raises(services.InvalidTransition):
        services.verify_commitment(actor=staff["reviewer"], number=commitment_case.number, passed=True, note="again")


def test_a_false_commitment_not_corrected_is_revoked_and_marks_the_applicants_credit(
    clock, commitment_case, staff, citizen, agency
):
    services.verify_commitment(actor=staff["reviewer"], number=commitment_case.number, passed=False,
                               note="经营场所与承诺不符", correction_days=10)  # fmt: skip
    verification = commitment_case.verification
    verification.refresh_from_db()
    assert verification.status == "correction_ordered" and verification.correction_due == D(2026, 11, 16)
    with pytest.raises(PermissionDenied):  # revoking is a decider's act
        services.conclude_correction(actor=staff["reviewer"], number=commitment_case.number, corrected=False,
                                     note="逾期未整改")  # fmt: skip
    case = services.conclude_correction(actor=staff["decider"], number=commitment_case.number, corrected=False,
                                        note="逾期未整改")  # fmt: skip
    assert case.status == CaseStatus.REVOKED and citizen.credit_records.count() == 1
    other = publish(agency, template="commitment", case_kind="instant", promised_days=0, reform_mode="commitment",
                    base_code="010006000100", verification_method="written", verification_days=20)  # fmt: skip
    with pytest.raises(DomainError) as excluded:
        apply(other, citizen, commitment_signed=True)
    assert excluded.value.code == "commitment_excluded"
    assert apply(other, citizen, normal_procedure=True).process_template.code == "promised-1"


def test_a_claim_holds_for_one_stage_and_the_next_stage_finds_the_case_unclaimed(clock, item, citizen, staff):
    from zerovisit.cases import selectors

    case = apply(item, citizen)
    services.claim_case(actor=staff["acceptor"], number=case.number)
    services.accept_case(actor=staff["acceptor"], number=case.number)
    assert [c.number for c in selectors.inbox(staff["reviewer"], "unclaimed")] == [case.number]
    assert services.claim_case(actor=staff["reviewer"], number=case.number).claimed_by == staff["reviewer"]


@pytest.fixture
def on_copies(clock, agency, citizen, staff):
    """A 先审后验 case approved on its uploaded copies."""
    item = publish(agency, verify_originals=True)
    case = apply(item, citizen)
    services.accept_case(actor=staff["acceptor"], number=case.number)
    services.review_case(actor=staff["reviewer"], number=case.number, opinion="复印件齐全")
    return services.decide_case(actor=staff["decider"], number=case.number, approve=True, reasons="符合条件")


def test_approved_on_copies_the_originals_wait_for_the_window_at_handover(on_copies, staff):
    from zerovisit.cases import selectors

    assert on_copies.status == CaseStatus.APPROVED and on_copies.originals_pending
    assert [c.number for c in selectors.inbox(staff["acceptor"], "unclaimed")] == [on_copies.number]
    assert selectors.possible_steps(staff["acceptor"], on_copies) == ["check-originals"]
    with pytest.raises(PermissionDenied):
        services.check_originals(actor=staff["reviewer"], number=on_copies.number, matched=True)
    case = services.check_originals(actor=staff["acceptor"], number=on_copies.number, matched=True)
    assert case.status == CaseStatus.APPROVED and not case.originals_pending and case.acting_role == ""
    with pytest.raises(services.InvalidTransition):
        services.check_originals(actor=staff["acceptor"], number=on_copies.number, matched=True)


def test_originals_that_do_not_match_revoke_the_approval(on_copies, staff):
    with pytest.raises(DomainError) as caught:
        services.check_originals(actor=staff["acceptor"], number=on_copies.number, matched=False)
    assert caught.value.code == "note_required"
    case = services.check_originals(actor=staff["acceptor"], number=on_copies.number, matched=False,
                                    note="营业执照原件与复印件注册号不一致")  # fmt: skip
    assert case.status == CaseStatus.REVOKED and case.concluded_at
    last = case.events.order_by("-seq").first()
    assert last.action == "check_originals" and last.data["matched"] is False and events.verify(case) is None
    assert "不一致" in case.applicant.user.messages.order_by("-id").first().body


def test_an_item_without_originals_to_check_concludes_at_the_decision(clock, item, citizen, staff):
    case = apply(item, citizen)
    services.accept_case(actor=staff["acceptor"], number=case.number)
    services.review_case(actor=staff["reviewer"], number=case.number, opinion="齐全")
    case = services.decide_case(actor=staff["decider"], number=case.number, approve=True, reasons="符合条件")
    assert not case.originals_pending and case.acting_role == ""


def test_staff_get_one_digest_of_new_work_in_their_queue_not_one_message_per_case(clock, item, citizen, staff):
    from zerovisit.notify.models import Message

    clock.set(2026, 12, 1, 9, 0)
    services.tell_staff_of_new_work(clock.now)  # nothing yet: nobody is told
    assert not Message.objects.filter(event="staff.new_work").exists()
    clock.set(2026, 12, 1, 9, 5)
    apply(item, citizen)
    apply(item, citizen, idempotency_key="second")
    clock.set(2026, 12, 1, 9, 10)
    assert services.tell_staff_of_new_work(clock.now) == 1
    digest = Message.objects.get(event="staff.new_work")
    assert digest.recipient == staff["acceptor"] and "2" in digest.body
    assert services.tell_staff_of_new_work(clock.now) == 0  # told already


def test_a_result_collected_at_the_window_concludes_the_case_after_the_originals(clock, agency, citizen, staff):
    from zerovisit.cases import selectors

    item = publish(agency, verify_originals=True)
    case = apply(item, citizen)  # the hall by default
    services.accept_case(actor=staff["acceptor"], number=case.number)
    services.review_case(actor=staff["reviewer"], number=case.number, opinion="复印件齐全")
    case = services.decide_case(actor=staff["decider"], number=case.number, approve=True, reasons="准予")
    with pytest.raises(services.InvalidTransition) as caught:
        services.hand_over_result(actor=staff["acceptor"], number=case.number)
    assert caught.value.code == "originals_pending"
    case = services.check_originals(actor=staff["acceptor"], number=case.number, matched=True)
    assert selectors.possible_steps(staff["acceptor"], case) == ["hand-over"]
    case = services.hand_over_result(actor=staff["acceptor"], number=case.number, note="本人领取")
    assert case.delivered_at and case.events.last().action == "handed_over"
    with pytest.raises(services.InvalidTransition):
        services.hand_over_result(actor=staff["acceptor"], number=case.number)
