"""The staff workbench: queues, the case page and each step as a form."""

import pytest

from zerovisit.accounts.models import Role
from zerovisit.accounts.services import applicant_for
from zerovisit.accounts.tests.factories import UserFactory, editor
from zerovisit.cases.models import CaseStatus
from zerovisit.cases.tests.factories import apply, publish
from zerovisit.org.tests.factories import AgencyFactory


@pytest.fixture
def setup(db):
    agency = AgencyFactory(name="徐州市行政审批局")
    item = publish(agency)
    applicant = applicant_for(kind="person", name="王五", id_number="32030219900307123X", account=UserFactory())
    staff = {r: editor(agency, role=r, username=r) for r in (Role.ACCEPTOR, Role.REVIEWER, Role.DECIDER)}
    return item, applicant, staff


def test_the_workbench_is_for_staff_only(client, setup):
    client.force_login(UserFactory())
    assert client.get("/workbench/").status_code == 403


def test_staff_take_a_case_from_the_inbox_to_the_decision(client, setup):
    item, applicant, staff = setup
    case = apply(item, applicant)
    client.force_login(staff[Role.ACCEPTOR])
    assert case.number in client.get("/workbench/?queue=unclaimed").content.decode()
    page = client.get(f"/workbench/cases/{case.number}/").content.decode()
    assert ("受理" in page and "一次性" in page) or "补正" in page
    client.post(f"/workbench/cases/{case.number}/accept/", {"opinion": "材料齐全"})
    client.force_login(staff[Role.REVIEWER])
    client.post(f"/workbench/cases/{case.number}/review/", {"opinion": "符合条件"})
    client.force_login(staff[Role.DECIDER])
    response = client.post(f"/workbench/cases/{case.number}/decide/", {"approve": "1", "reasons": "准予许可"},
                           follow=True)  # fmt: skip
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED
    assert "已完成" in response.content.decode() or "Done" in response.content.decode()


def test_a_refused_step_is_explained_on_the_page(client, setup):
    item, applicant, _staff = setup
    case = apply(item, applicant)
    both = editor(item.agency, role=Role.ACCEPTOR, username="both")
    both.roles.create(role=Role.REVIEWER)
    client.force_login(both)
    client.post(f"/workbench/cases/{case.number}/accept/", {})
    response = client.post(f"/workbench/cases/{case.number}/review/", {"opinion": "同意"}, follow=True)
    assert "您受理了此件，不能再审查或决定（三分开）" in response.content.decode()
    case.refresh_from_db()
    assert case.stage_order == 2


def test_a_step_with_a_missing_field_says_which(client, setup):
    item, applicant, staff = setup
    case = apply(item, applicant)
    client.force_login(staff[Role.ACCEPTOR])
    response = client.post(f"/workbench/cases/{case.number}/refuse/", {"reason": ""}, follow=True)
    assert "理由" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED


def test_online_duty_marks_applications_left_unclaimed_too_long(client, setup, settings):
    import datetime
    from unittest import mock

    from django.utils import timezone

    from zerovisit.cases.tests.factories import SHANGHAI

    item, applicant, staff = setup
    settings.ONLINE_DUTY_HOURS = 4
    with mock.patch.object(timezone, "now", lambda: datetime.datetime(2026, 11, 4, 9, 30, tzinfo=SHANGHAI)):
        old = apply(item, applicant)
    with mock.patch.object(timezone, "now", lambda: datetime.datetime(2026, 11, 4, 14, 0, tzinfo=SHANGHAI)):
        fresh = apply(item, applicant)
        client.force_login(staff[Role.ACCEPTOR])
        page = client.get("/workbench/online-duty/").content.decode()
    assert old.number in page and fresh.number in page
    assert page.count('class="overdue"') == 1 and "4.5" in page


def test_a_commitment_is_verified_from_the_case_page(client, setup):
    from zerovisit.cases import services

    item, applicant, staff = setup
    commitment = publish(item.agency, template="commitment", case_kind="instant", promised_days=0,
                         reform_mode="commitment", base_code="010009000100", verification_method="site",
                         verification_days=20)  # fmt: skip
    case = apply(commitment, applicant, commitment_signed=True)
    services.accept_case(actor=staff[Role.ACCEPTOR], number=case.number)
    services.decide_case(actor=staff[Role.DECIDER], number=case.number, approve=True, reasons="依承诺准予")
    client.force_login(staff[Role.REVIEWER])
    page = client.get(f"/workbench/cases/{case.number}/").content.decode()
    assert "核查" in page
    client.post(f"/workbench/cases/{case.number}/verify/", {"passed": "1", "note": "属实", "correction_days": 20})
    case.verification.refresh_from_db()
    assert case.verification.status == "passed"


def test_the_window_checks_the_originals_of_a_case_approved_on_copies(client, setup):
    from zerovisit.cases import services

    _item, applicant, staff = setup
    item = publish(_item.agency, verify_originals=True, form_fields=[
        {"label": "经营面积（平方米）", "type": "decimal", "required": True, "choices": []}])  # fmt: skip
    case = apply(item, applicant, form_data={"经营面积（平方米）": "60"})
    services.accept_case(actor=staff[Role.ACCEPTOR], number=case.number)
    services.review_case(actor=staff[Role.REVIEWER], number=case.number, opinion="符合")
    services.decide_case(actor=staff[Role.DECIDER], number=case.number, approve=True, reasons="准予")
    client.force_login(staff[Role.ACCEPTOR])
    page = client.get(f"/workbench/cases/{case.number}/").content.decode()
    assert "先审后验" in page and "经营面积（平方米）" in page
    assert f"/workbench/cases/{case.number}/check-originals/" in page
    client.post(f"/workbench/cases/{case.number}/check-originals/", {"matched": "1", "note": ""})
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED and not case.originals_pending


def test_a_correction_request_names_the_materials_of_the_case(client, setup):
    from zerovisit.catalog.models import MaterialSpec

    item, applicant, staff = setup
    case = apply(item, applicant)
    client.force_login(staff[Role.ACCEPTOR])
    page = client.get(f"/workbench/cases/{case.number}/").content.decode()
    first, second = MaterialSpec.objects.filter(item=item).order_by("order")
    assert f'value="{first.pk}"' in page and f'value="{second.pk}"' in page and "场所证明" in page
    client.post(f"/workbench/cases/{case.number}/request-correction/",
                {"corrections": "申请书未签字", "materials": [first.pk]})  # fmt: skip
    case.refresh_from_db()
    asked = case.events.get(action="request_correction").data
    assert case.status == CaseStatus.CORRECTION and asked["materials"] == [first.pk]
    assert asked["material_names"] == ["申请书"]


def test_a_member_of_a_bundle_shows_where_the_other_members_stand(client, db):
    from zerovisit.cases.services.bundles import submit_bundle
    from zerovisit.cases.tests.factories import founding_bundle, pdf
    from zerovisit.org.services import issue_seal

    bureau, police, social = (AgencyFactory(name=name) for name in ("徐州市行政审批局", "徐州市公安局", "徐州市人社局"))
    for agency in (bureau, police, social):
        issue_seal(agency=agency)
    bundle, _items = founding_bundle(bureau, police, social)
    citizen = applicant_for(kind="person", name="张三", id_number="32030219900307123X", account=UserFactory())
    filed = submit_bundle(actor=citizen.user, bundle=bundle, channel="web", delivery_method="hall",
                          applicant={"kind": "person", "name": "张三", "id_number": "32030219900307123X"},
                          form_data={"企业名称": "徐州云龙小馆餐饮有限公司"}, files={"申请书": pdf()},
                          later=["场所证明"]).bundle_case  # fmt: skip
    member = filed.members.get(item__name="社保登记")
    client.force_login(editor(social, role=Role.ACCEPTOR))
    inbox = client.get("/workbench/?queue=unclaimed").content.decode()
    assert member.number in inbox and "一件事" in inbox
    page = client.get(f"/workbench/cases/{member.number}/").content.decode()
    assert filed.number in page and "企业开办" in page
    assert all(name in page for name in ("营业执照", "印章刻制备案", "徐州市公安局", "等待前置事项结果"))
    assert "在营业执照之后办理" in page  # what the waiting member waits for
    assert 'aria-current="true"' in page


def test_a_case_filed_on_its_own_shows_no_bundle(client, setup):
    item, applicant, staff = setup
    case = apply(item, applicant)
    client.force_login(staff[Role.ACCEPTOR])
    page = client.get(f"/workbench/cases/{case.number}/").content.decode()
    assert "bundle-h" not in page
