"""一件事一次办: one application for a bundle files every member in one transaction; the members are handled by their
own agencies; a waiting member starts on its prerequisite's result; a refusal ends what the bundle says; one answer
serves every correction; the bundle concludes once."""

import datetime

import pytest
from django.core.cache import cache

from zerovisit.cases import services
from zerovisit.cases.models import BundleCase, BundleStatus, Case, CaseMaterial, CaseStatus
from zerovisit.cases.services import bundles
from zerovisit.core.errors import DomainError, PermissionDenied
from zerovisit.core.management.commands import sweep_files
from zerovisit.core.storage import private_storage
from zerovisit.core.tests.helpers import run_ready_tasks
from zerovisit.licenses.models import License
from zerovisit.notify.models import Message

from .factories import approve, founding_bundle, pdf, staff_of

ZHANGSAN = {"kind": "person", "name": "张三", "id_number": "32030219900307123X"}


def submit(bundle, citizen, **kwargs):
    kwargs.setdefault("files", {"申请书": pdf()})
    kwargs.setdefault("later", ["场所证明"])
    kwargs.setdefault("form_data", {"企业名称": "徐州云龙小馆餐饮有限公司"})
    return bundles.submit_bundle(actor=citizen.user, bundle=bundle, applicant=ZHANGSAN, channel="web",
                                 delivery_method="hall", **kwargs)  # fmt: skip


def members(bundle_case):
    return {c.item.name: c for c in Case.objects.filter(bundle_case=bundle_case).select_related("item")}


def stored_files():
    return set(sweep_files.stored_files(private_storage(), "cases"))


def test_one_application_files_every_member_with_the_combined_answers_and_one_upload(clock, founding, citizen):
    bundle, _items = founding
    bundle_case = submit(bundle, citizen).bundle_case
    cases = members(bundle_case)
    assert set(cases) == {"营业执照", "印章刻制备案", "社保登记"}
    assert {c.agency.name for c in cases.values()} == {"徐州市行政审批局", "徐州市公安局", "徐州市人力资源和社会保障局"}
    assert cases["营业执照"].form_data == {"企业名称": "徐州云龙小馆餐饮有限公司"}
    assert cases["印章刻制备案"].form_data == {"单位名称": "徐州云龙小馆餐饮有限公司"}
    # the one 申请书 serves each member: a material of each case, stored once
    uploads = CaseMaterial.objects.filter(case__bundle_case=bundle_case, source="upload")
    assert uploads.count() == 3 and len({m.file.name for m in uploads}) == 1 and len({m.sha256 for m in uploads}) == 1
    # the member that needs the 营业执照 waits for it, with no clock running and in nobody's inbox
    seal = cases["印章刻制备案"]
    assert (seal.status, seal.acceptance_due, seal.acting_role, seal.due) == (CaseStatus.WAITING, None, "", None)
    assert cases["社保登记"].status == CaseStatus.SUBMITTED and cases["社保登记"].acting_role == "acceptor"
    assert bundle_case.due == datetime.date(2026, 11, 12)  # 8 working days from Monday 2 November
    told = Message.objects.filter(recipient=citizen.user, channel="in_app")
    assert list(told.values_list("event", flat=True)) == ["bundle.submit"]


def test_a_member_that_refuses_the_application_leaves_nothing_behind(clock, founding, citizen):
    bundle, _items = founding
    before = stored_files()
    with pytest.raises(DomainError) as refused:
        submit(bundle, citizen, form_data={"企业名称": "x" * 201})
    assert refused.value.code == "invalid_form" and refused.value.errors[0]["field"] == "form.企业名称"
    assert not BundleCase.objects.exists() and not Case.objects.exists() and stored_files() == before


def test_a_member_refusing_after_others_were_filed_leaves_no_case_and_no_file(clock, founding, citizen):
    bundle, items = founding
    before = stored_files()
    type(items["社保登记"]).objects.filter(pk=items["社保登记"].pk).update(assurance_level=3)
    cache.clear()  # (the item an application reads is cached)
    with pytest.raises(DomainError) as refused:
        submit(bundle, citizen)  # the third member needs a real-person check the account has not passed
    assert refused.value.code == "assurance_too_low" and refused.value.message.startswith("社保登记：")
    assert not BundleCase.objects.exists() and not Case.objects.exists() and stored_files() == before


def test_materials_are_checked_by_name_before_anything_is_filed(clock, founding, citizen):
    bundle, _items = founding
    with pytest.raises(DomainError) as refused:
        submit(bundle, citizen, files={"身份证": pdf()}, later=[])
    assert {(e["field"], e["code"]) for e in refused.value.errors} == {
        ("materials.身份证", "not_of_this_bundle"), ("materials.申请书", "missing"), ("materials.场所证明", "missing"),
    }  # fmt: skip
    assert not BundleCase.objects.exists()


def test_a_retry_with_the_same_key_returns_the_first_application_and_a_different_one_is_refused(
    clock, founding, citizen
):
    bundle, _items = founding
    first = submit(bundle, citizen, idempotency_key="k1")
    files = stored_files()
    again = submit(bundle, citizen, idempotency_key="k1")
    assert first.created and not again.created and again.bundle_case == first.bundle_case
    assert Case.objects.count() == 3 and stored_files() == files  # the retry's upload is not kept twice
    with pytest.raises(services.IdempotencyKeyReused):
        submit(bundle, citizen, idempotency_key="k1", form_data={"企业名称": "另一家公司"})
    with pytest.raises(services.IdempotencyKeyReused):  # one the checks refuse, too: the key is what is wrong
        submit(bundle, citizen, idempotency_key="k1", form_data={"企业名称": "x" * 201})
    type(bundle).objects.filter(pk=bundle.pk).update(published=False)
    bundle.refresh_from_db()
    late = submit(bundle, citizen, idempotency_key="k1")  # a retry answered after the bundle closed
    assert not late.created and late.bundle_case == first.bundle_case and stored_files() == files


def test_the_waiting_member_starts_when_the_licence_is_issued_and_takes_it_from_the_library(
    clock, agency, founding, citizen, staff
):
    bundle, _items = founding
    bundle_case = submit(bundle, citizen).bundle_case
    approve(members(bundle_case)["营业执照"], staff)
    assert run_ready_tasks()
    seal = members(bundle_case)["印章刻制备案"]
    license = License.objects.get(case__bundle_case=bundle_case)
    assert seal.status == CaseStatus.SUBMITTED and seal.acceptance_due is not None and seal.acting_role == "acceptor"
    taken = seal.materials.get(spec__name="营业执照")
    assert (taken.source, taken.license) == ("license", license)
    assert [e.action for e in seal.events.all()] == ["submit", "start"]
    assert bundles.follow_bundle(bundle_case.pk) == []  # twice changes nothing


def test_the_bundle_concludes_once_every_member_is_concluded(clock, agency, police, social, founding, citizen, staff):
    bundle, _items = founding
    bundle_case = submit(bundle, citizen).bundle_case
    approve(members(bundle_case)["营业执照"], staff)
    approve(members(bundle_case)["社保登记"], staff_of(social))
    run_ready_tasks()
    assert BundleCase.objects.get().status == BundleStatus.OPEN
    approve(members(bundle_case)["印章刻制备案"], staff_of(police))
    run_ready_tasks()
    bundle_case.refresh_from_db()
    assert bundle_case.status == BundleStatus.CONCLUDED and bundle_case.concluded_at is not None
    told = Message.objects.filter(recipient=citizen.user, channel="in_app", event__startswith="bundle.").order_by("pk")
    assert list(told.values_list("event", flat=True)) == ["bundle.submit", "bundle.concluded"]


def test_a_refused_prerequisite_ends_its_waiting_member_and_the_others_go_on(clock, founding, citizen, staff):
    bundle, _items = founding
    bundle_case = submit(bundle, citizen).bundle_case
    services.refuse_case(actor=staff["acceptor"], number=members(bundle_case)["营业执照"].number, reason="名称不符")
    run_ready_tasks()
    cases = members(bundle_case)
    assert cases["印章刻制备案"].status == CaseStatus.WITHDRAWN
    assert cases["印章刻制备案"].events.last().action == "bundle_stopped"
    assert cases["社保登记"].status == CaseStatus.SUBMITTED
    assert BundleCase.objects.get().status == BundleStatus.OPEN


def test_a_bundle_that_stops_at_a_refusal_withdraws_every_open_member(clock, agency, police, social, citizen, staff):
    bundle, _items = founding_bundle(agency, police, social, on_refusal="stop")
    bundle_case = submit(bundle, citizen).bundle_case
    services.refuse_case(actor=staff["acceptor"], number=members(bundle_case)["营业执照"].number, reason="名称不符")
    run_ready_tasks()
    assert {c.status for name, c in members(bundle_case).items() if name != "营业执照"} == {CaseStatus.WITHDRAWN}
    assert BundleCase.objects.get().status == BundleStatus.STOPPED


def test_one_answer_serves_every_member_that_asked_for_the_same_material(clock, social, founding, citizen, staff):
    bundle, _items = founding
    bundle_case = submit(bundle, citizen).bundle_case
    cases = members(bundle_case)
    hr = staff_of(social)
    for case, acceptor in ((cases["营业执照"], staff["acceptor"]), (cases["社保登记"], hr["acceptor"])):
        spec = case.item.materials.get(name="申请书")
        services.request_correction(actor=acceptor, number=case.number, corrections=["申请书未签字"],
                                    materials=[spec.pk])  # fmt: skip
    answered = bundles.answer_bundle_corrections(actor=citizen.user, number=bundle_case.number,
                                                 files={"申请书": pdf("签字版.pdf")})  # fmt: skip
    assert {c.number for c in answered} == {cases["营业执照"].number, cases["社保登记"].number}
    for case in answered:
        case.refresh_from_db()
        assert case.status == CaseStatus.SUBMITTED
        assert case.materials.get(spec__name="申请书").file.name.endswith(".pdf")
    with pytest.raises(services.InvalidTransition):
        bundles.answer_bundle_corrections(actor=citizen.user, number=bundle_case.number, files={"申请书": pdf()})


def test_a_correction_of_one_member_keeps_the_file_the_others_share(
    clock, founding, citizen, staff, django_capture_on_commit_callbacks
):
    bundle, _items = founding
    bundle_case = submit(bundle, citizen).bundle_case
    case = members(bundle_case)["营业执照"]
    shared = case.materials.get(spec__name="申请书").file.name
    services.request_correction(actor=staff["acceptor"], number=case.number, corrections=["申请书未签字"],
                                materials=[case.item.materials.get(name="申请书").pk])  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        bundles.answer_bundle_corrections(actor=citizen.user, number=bundle_case.number, files={"申请书": pdf()})
    assert case.materials.get(spec__name="申请书").file.name != shared
    assert private_storage().exists(shared)  # 社保登记 and 印章刻制备案 still refer to it
    assert CaseMaterial.objects.filter(file=shared).count() == 2


def test_an_incomplete_answer_changes_no_member(clock, agency, social, founding, citizen, staff):
    bundle, _items = founding
    bundle_case = submit(bundle, citizen).bundle_case
    case = members(bundle_case)["营业执照"]
    spec = case.item.materials.get(name="申请书")
    services.request_correction(actor=staff["acceptor"], number=case.number, corrections=["申请书未签字"],
                                materials=[spec.pk])  # fmt: skip
    before = stored_files()
    with pytest.raises(services.MaterialsIncomplete) as refused:
        bundles.answer_bundle_corrections(actor=citizen.user, number=bundle_case.number, files={"场所证明": pdf()})
    assert refused.value.message.startswith("营业执照：")
    case.refresh_from_db()
    assert case.status == CaseStatus.CORRECTION and stored_files() == before


def test_only_the_applicant_answers_or_withdraws(clock, founding, citizen, staff):
    bundle, _items = founding
    bundle_case = submit(bundle, citizen).bundle_case
    with pytest.raises(PermissionDenied):
        bundles.withdraw_bundle(actor=staff["acceptor"], number=bundle_case.number)
    bundles.withdraw_bundle(actor=citizen.user, number=bundle_case.number, reason="不开了")
    run_ready_tasks()
    assert {c.status for c in members(bundle_case).values()} == {CaseStatus.WITHDRAWN}
    assert BundleCase.objects.get().status == BundleStatus.WITHDRAWN
