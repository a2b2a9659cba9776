"""The rules of the Administrative Licensing Law the steps apply themselves (Arts. 32, 42), the process a case
was filed under, and a reused idempotency key."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from zerovisit.accounts.tests.factories import verified_person
from zerovisit.catalog.models import MaterialSpec, ProcessStage, ServiceItem
from zerovisit.core.errors import DomainError
from zerovisit.notify.models import Message
from zerovisit.workcalendar import services as workcalendar
from zerovisit.workcalendar.selectors import work_calendar

from .. import services
from ..models import Case, CaseAction, CaseStatus
from .factories import apply, first_material, pdf, publish

D = datetime.date


def test_the_normal_procedure_instead_of_a_commitment_gets_the_items_normal_limit(clock, agency, citizen, staff):
    commitment = publish(agency, template="commitment", case_kind="instant", promised_days=0, legal_days=20,
                         normal_promised_days=15, reform_mode="commitment", base_code="010003000100",
                         verification_method="site", verification_days=40)  # fmt: skip
    clock.set(2026, 9, 28)
    normal = apply(commitment, citizen, normal_procedure=True)
    assert normal.limit_days == 15 and not normal.commitment_signed
    clock.set(2026, 9, 29)
    accepted = services.accept_case(actor=staff["acceptor"], number=normal.number)
    assert accepted.decision_due == work_calendar().add(D(2026, 9, 29), 15).date > D(2026, 10, 8)  # after the holiday


def _submitted_before_national_day(item, citizen, clock):
    clock.set(2026, 9, 28)
    case = apply(item, citizen)
    assert case.acceptance_due == work_calendar().add(D(2026, 9, 28), 5).date > D(2026, 10, 8)
    return case


def test_after_five_working_days_the_office_may_no_longer_ask_for_correction(clock, item, citizen, staff):
    case = _submitted_before_national_day(item, citizen, clock)
    clock.set(case.acceptance_due.year, case.acceptance_due.month, case.acceptance_due.day, 17)
    in_time = apply(item, citizen)
    services.request_correction(actor=staff["acceptor"], number=in_time.number, corrections=["补签字"],
                                materials=first_material(in_time))  # the last day is still in time  # fmt: skip
    next_day = case.acceptance_due + datetime.timedelta(days=1)
    clock.set(next_day.year, next_day.month, next_day.day)
    with pytest.raises(services.InvalidTransition) as late:
        services.request_correction(actor=staff["acceptor"], number=case.number, corrections=["补签字"],
                                    materials=first_material(case))  # fmt: skip
    assert late.value.code == "correction_too_late"
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED and case.events.count() == 1


def test_a_case_accepted_late_counts_as_accepted_from_the_day_its_materials_arrived(clock, item, citizen, staff):
    late = _submitted_before_national_day(item, citizen, clock)
    left = apply(item, citizen)  # left to the periodic job
    clock.set(2026, 10, 20)
    accepted = services.accept_case(actor=staff["acceptor"], number=late.number)
    assert accepted.accepted_at == accepted.received_at and accepted.deemed_accepted
    assert accepted.decision_due == work_calendar().add(D(2026, 9, 28), item.promised_days).date
    assert accepted.events.get(action=CaseAction.ACCEPT).data["late"] is True
    assert services.deem_overdue_acceptances(today=D(2026, 10, 20)) == [left.number]
    left.refresh_from_db()
    assert left.decision_due == accepted.decision_due and left.accepted_at == left.received_at


def test_after_a_resubmission_a_correction_may_only_concern_the_first_notices_materials(clock, item, citizen, staff):
    case = apply(item, citizen)
    first, second = MaterialSpec.objects.filter(item=item).order_by("order")
    services.request_correction(actor=staff["acceptor"], number=case.number, corrections=["申请书未签字"],
                                materials=[first.pk])  # fmt: skip
    services.resubmit_correction(actor=citizen.user, number=case.number,
                                 materials=[services.MaterialInput(spec=first, file=pdf())])  # fmt: skip
    with pytest.raises(services.InvalidTransition) as new:
        services.request_correction(actor=staff["acceptor"], number=case.number, corrections=["补场所证明"],
                                    materials=[first.pk, second.pk])  # fmt: skip
    assert new.value.code == "correction_not_in_first_notice" and "场所证明" in str(new.value.message)
    again = services.request_correction(actor=staff["acceptor"], number=case.number, corrections=["签字仍不清"],
                                        materials=[first.pk])  # fmt: skip
    assert again.status == CaseStatus.CORRECTION


def test_a_correction_answer_brings_every_material_the_notice_named_and_no_other(clock, item, citizen, staff):
    case = apply(item, citizen)
    first, second = item.materials.order_by("order")[:2]
    services.request_correction(actor=staff["acceptor"], number=case.number, corrections=["申请书未签字"],
                                materials=[first.pk])  # fmt: skip
    with pytest.raises(DomainError) as other:
        both = [services.MaterialInput(spec=first, file=pdf()), services.MaterialInput(spec=second, file=pdf())]
        services.resubmit_correction(actor=citizen.user, number=case.number, materials=both)
    assert other.value.code == "not_in_correction_notice" and other.value.errors[0]["field"] == f"materials.{second.pk}"
    with pytest.raises(DomainError) as none:
        services.resubmit_correction(actor=citizen.user, number=case.number,
                                     materials=[services.MaterialInput(spec=second, file=pdf())])  # fmt: skip
    assert {e["code"] for e in none.value.errors} == {"not_in_correction_notice", "missing"}
    case.refresh_from_db()
    assert case.status == CaseStatus.CORRECTION
    services.resubmit_correction(actor=citizen.user, number=case.number,
                                 materials=[services.MaterialInput(spec=first, file=pdf())])  # fmt: skip
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED


def test_a_correction_not_answered_in_time_counts_as_withdrawn_and_the_applicant_is_told(
    clock, item, citizen, staff, settings
):
    settings.CORRECTION_ANSWER_DAYS = 3
    clock.set(2026, 12, 3)  # a Thursday: three working days end on Tuesday
    case = apply(item, citizen)
    services.request_correction(actor=staff["acceptor"], number=case.number, corrections=["申请书未签字"],
                                materials=first_material(case))  # fmt: skip
    event = case.events.get(action="request_correction")
    assert event.data["answer_due"] == "2026-12-08"
    assert "2026-12-08" in Message.objects.filter(event="case.request_correction").first().body
    assert services.lapse_overdue_corrections(today=datetime.date(2026, 12, 8)) == []  # the last day is in time
    assert services.lapse_overdue_corrections(today=datetime.date(2026, 12, 9)) == [case.number]
    case.refresh_from_db()
    assert case.status == CaseStatus.WITHDRAWN and case.concluded_at is not None
    assert case.events.order_by("-seq").first().action == CaseAction.CORRECTION_LAPSED
    assert Message.objects.filter(event="case.correction_lapsed", case_number=case.number).exists()
    assert services.lapse_overdue_corrections(today=datetime.date(2026, 12, 10)) == []  # once


def test_a_correction_names_materials_of_the_item(clock, item, citizen, staff):
    case = apply(item, citizen)
    for materials in ([], [999999]):
        with pytest.raises(DomainError) as refused:
            services.request_correction(actor=staff["acceptor"], number=case.number, corrections=["x"],
                                        materials=materials)  # fmt: skip
        assert refused.value.code == "materials_required"


def test_estimated_deadlines_are_counted_again_when_the_years_schedule_is_imported(clock, item, citizen, staff):
    from zerovisit.core.tests.helpers import run_ready_tasks

    clock.set(2026, 12, 28)
    case = apply(item, citizen)
    case = services.accept_case(actor=staff["acceptor"], number=case.number)
    assert case.due_estimated and case.decision_due.year == 2027
    estimated = case.decision_due
    report = workcalendar.calendar_import_year(actor=None, text="2027-01-01,休,元旦\n")
    assert report.ok, report.problems
    run_ready_tasks()  # the job the import queued in its transaction
    case.refresh_from_db()
    assert not case.due_estimated and case.decision_due == work_calendar().add(D(2026, 12, 28),
                                                                               item.promised_days).date  # fmt: skip
    assert case.decision_due == estimated + datetime.timedelta(days=1)  # 1 January is a holiday, not a working day
    recounted = case.events.get(action=CaseAction.DEADLINE_RECOUNTED)
    assert recounted.data["changed"] is True and recounted.data["was"]["decision_due"] == estimated.isoformat()
    assert Message.objects.filter(event="case.deadline_recounted", case_number=case.number).exists()


def test_editing_a_process_template_changes_only_cases_filed_later(clock, item, citizen, staff):
    case = apply(item, citizen)
    services.accept_case(actor=staff["acceptor"], number=case.number)
    template = item.process_template
    review = ProcessStage.objects.get(template=template, action="review")
    review.role, review.name = "decider", "改后的审查"
    review.save()
    ProcessStage.objects.filter(template=template, action="decide").update(name="改后的决定")
    case.refresh_from_db()
    assert case.stage.name != "改后的审查" and case.acting_role == "reviewer"
    case = services.review_case(actor=staff["reviewer"], number=case.number, opinion="同意")
    case = services.decide_case(actor=staff["decider"], number=case.number, approve=True, reasons="符合")
    assert case.status == CaseStatus.APPROVED
    later = apply(ServiceItem.objects.get(pk=item.pk), citizen)
    assert later.process["stages"][1]["name"] == "改后的审查"


def test_a_key_reused_for_a_different_application_is_refused(clock, item):
    client = APIClient()
    client.force_authenticate(verified_person().user)
    specs = list(MaterialSpec.objects.filter(item=item).order_by("order"))

    def application(**extra):
        return {"item": item.impl_code, "applicant_kind": "person", "applicant_name": "李四",
                "id_number": "11010519491231002X", f"material_{specs[0].pk}": pdf(),
                f"later_{specs[1].pk}": "true", **extra}  # fmt: skip

    first = client.post("/api/v1/cases/", application(), format="multipart", HTTP_IDEMPOTENCY_KEY="k-1")
    same = client.post("/api/v1/cases/", application(), format="multipart", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201 and same.status_code == 200 and same.json()["number"] == first.json()["number"]
    other_file = {f"material_{specs[0].pk}": SimpleUploadedFile("申请书.pdf", b"%PDF-1.7 another")}
    for different in (application(**other_file), application(form_data='{"备注": "别的"}')):  # filable, or not
        other = client.post("/api/v1/cases/", different, format="multipart", HTTP_IDEMPOTENCY_KEY="k-1")
        assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    assert Case.objects.count() == 1


def test_a_material_filled_in_online_is_the_application_form_itself_not_a_file_to_upload(clock, agency, citizen):
    item = publish(agency)
    form = MaterialSpec.objects.filter(item=item, name="申请书").get()
    form.source = "online_form"
    form.save(update_fields=["source"])
    item = ServiceItem.objects.get(pk=item.pk)
    deferrable = MaterialSpec.objects.get(item=item, name="场所证明")
    case = apply(item, citizen, materials=[services.MaterialInput(spec=deferrable, later=True)])
    filed = case.materials.get(spec=form)
    assert filed.source == "held_data" and filed.reference == "form_data" and not filed.file
