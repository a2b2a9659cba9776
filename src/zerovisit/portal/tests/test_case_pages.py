"""The applicant's pages: apply, follow, correct, withdraw."""

import pytest

from zerovisit.accounts.tests.factories import UserFactory, verified_person
from zerovisit.cases import services
from zerovisit.cases.models import Case, CaseStatus
from zerovisit.cases.tests.factories import apply, first_material, pdf, publish
from zerovisit.catalog.models import MaterialSpec
from zerovisit.org.tests.factories import AgencyFactory


@pytest.fixture
def item(db):
    return publish(AgencyFactory(name="徐州市行政审批局"))


def wangwu(**user_fields):
    """The account verified as 王五, the person form_data names."""
    return verified_person(name="王五", id_number="32030219900307123X", **user_fields).user


def form_data(item, **extra):
    specs = list(MaterialSpec.objects.filter(item=item).order_by("order"))
    page_key = "k-page-1"
    return {"applicant_kind": "person", "applicant_name": "王五", "id_number": "32030219900307123X",
            "phone": "13912345678", "idempotency_key": page_key, f"material_{specs[0].pk}": pdf(),
            f"later_{specs[1].pk}": "on", "confirm": "on", "delivery_method": "hall", **extra}  # fmt: skip


def test_applying_online_needs_an_account(client, item):
    response = client.get(f"/items/{item.impl_code}/apply/")
    assert response.status_code == 302 and "/accounts/login/" in response.headers["Location"]


def test_a_citizen_applies_online_and_follows_the_case(client, item):
    user = wangwu()
    client.force_login(user)
    page = client.get(f"/items/{item.impl_code}/apply/").content.decode()
    assert "申请书" in page and "容缺后补" in page
    response = client.post(f"/items/{item.impl_code}/apply/", form_data(item))
    case = Case.objects.get()
    assert response.status_code == 302 and response.headers["Location"] == f"/my/cases/{case.number}/"
    again = client.post(f"/items/{item.impl_code}/apply/", form_data(item))  # a double click
    assert again.headers["Location"] == f"/my/cases/{case.number}/" and Case.objects.count() == 1
    assert case.number in client.get("/my/cases/").content.decode()
    detail = client.get(f"/my/cases/{case.number}/").content.decode()
    assert "提交申请" in detail and "受理期限" in detail


def test_a_wrong_id_number_is_shown_on_the_form_and_nothing_is_filed(client, item):
    client.force_login(wangwu())
    page = client.post(f"/items/{item.impl_code}/apply/", form_data(item, id_number="320302199003071231")).content
    assert "这不是有效的居民身份证号码" in page.decode() and 'role="alert"' in page.decode()
    assert not Case.objects.exists()


def test_an_applicant_answers_a_correction_and_withdraws(client, item):
    from zerovisit.accounts.models import Role
    from zerovisit.accounts.services import applicant_for
    from zerovisit.accounts.tests.factories import editor

    user = UserFactory()
    applicant = applicant_for(kind="person", name="王五", id_number="32030219900307123X", account=user)
    case = apply(item, applicant)
    services.request_correction(actor=editor(item.agency, role=Role.ACCEPTOR), number=case.number,
                                materials=first_material(case), corrections=["申请书未签字"])  # fmt: skip
    client.force_login(user)
    assert "申请书未签字" in client.get(f"/my/cases/{case.number}/").content.decode()
    spec = MaterialSpec.objects.get(item=item, name="申请书")
    client.post(f"/my/cases/{case.number}/correction/", {f"material_{spec.pk}": pdf("签字.pdf"), "note": "已签"})
    assert Case.objects.get().status == CaseStatus.SUBMITTED
    client.post(f"/my/cases/{case.number}/withdraw/", {"reason": "不办了"})
    assert Case.objects.get().status == CaseStatus.WITHDRAWN


def test_the_correction_form_offers_only_the_materials_of_the_notice_and_keeps_the_note(client, item):
    from zerovisit.accounts.models import Role
    from zerovisit.accounts.services import applicant_for
    from zerovisit.accounts.tests.factories import editor

    user = UserFactory()
    applicant = applicant_for(kind="person", name="王五", id_number="32030219900307123X", account=user)
    case = apply(item, applicant)
    asked, other = MaterialSpec.objects.filter(item=item).order_by("order")[:2]
    services.request_correction(actor=editor(item.agency, role=Role.ACCEPTOR), number=case.number,
                                materials=[asked.pk], corrections=["申请书未签字"])  # fmt: skip
    client.force_login(user)
    page = client.get(f"/my/cases/{case.number}/").content.decode()
    assert f'name="material_{asked.pk}"' in page and f'name="material_{other.pk}"' not in page
    due = case.events.get(action="request_correction").data["answer_due"]
    assert f"请于 {due} 前补正" in page and "视为撤回申请" in page

    sent_nothing = client.post(f"/my/cases/{case.number}/correction/", {"note": "已签"})
    page = sent_nothing.content.decode()
    assert sent_nothing.status_code == 400 and 'role="alert"' in page and "已签" in page
    assert f'id="id_material_{asked.pk}"' in page and "aria-invalid" in page
    assert Case.objects.get().status == CaseStatus.CORRECTION

    kept = case.materials.get(spec=other)
    client.post(f"/my/cases/{case.number}/correction/", {f"material_{asked.pk}": pdf(), f"material_{other.pk}": pdf()})
    assert Case.objects.get().status == CaseStatus.SUBMITTED
    assert case.materials.get(spec=other) == kept  # a material the notice did not name stays as the office checked it


def test_others_cannot_see_a_case_or_its_files(client, item):
    from zerovisit.accounts.services import applicant_for

    owner = UserFactory()
    applicant = applicant_for(kind="person", name="王五", id_number="32030219900307123X", account=owner)
    case = apply(item, applicant)
    material = case.materials.exclude(file="").get()
    client.force_login(UserFactory())
    assert client.get(f"/my/cases/{case.number}/").status_code == 404
    assert client.get(f"/my/cases/{case.number}/materials/{material.pk}/").status_code == 404
    client.force_login(owner)
    download = client.get(f"/my/cases/{case.number}/materials/{material.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")


def test_the_form_asks_the_item_s_own_questions_and_refuses_a_wrong_answer(client, db):
    shop = publish(AgencyFactory(name="徐州市行政审批局"), form_fields=[
        {"label": "经营面积（平方米）", "type": "decimal", "required": True, "choices": []},
        {"label": "开业日期", "type": "date", "required": False, "choices": []},
    ])  # fmt: skip
    client.force_login(wangwu())
    page = client.get(f"/items/{shop.impl_code}/apply/").content.decode()
    assert "经营面积（平方米）" in page and 'type="date"' in page and "wizard.js" in page
    wrong = client.post(f"/items/{shop.impl_code}/apply/", form_data(shop, **{"form.经营面积（平方米）": "很大"}))
    assert wrong.status_code == 200 and "输入一个数字" in wrong.content.decode() and not Case.objects.exists()
    client.post(f"/items/{shop.impl_code}/apply/", form_data(shop, **{"form.经营面积（平方米）": "35.5",
                                                                       "form.开业日期": "2026-12-01"}))  # fmt: skip
    assert Case.objects.get().form_data == {"经营面积（平方米）": "35.5", "开业日期": "2026-12-01"}


def test_someone_applying_again_finds_their_details_filled_in(client, item):
    user = wangwu()
    client.force_login(user)
    client.post(f"/items/{item.impl_code}/apply/", form_data(item, email="ww@example.com"))
    page = client.get(f"/items/{item.impl_code}/apply/").content.decode()
    assert 'value="王五"' in page and 'value="13912345678"' in page and 'value="ww@example.com"' in page
    client.force_login(UserFactory())  # someone else sees an empty form
    assert 'value="王五"' not in client.get(f"/items/{item.impl_code}/apply/").content.decode()


def test_someone_acting_for_themselves_and_their_company_chooses_whose_details_to_fill_in(client, item):
    from zerovisit.accounts.services import applicant_for
    from zerovisit.org.tests.factories import make_credit_code

    user = UserFactory()
    person = applicant_for(kind="person", name="王五", id_number="32030219900307123X", account=user)
    company = applicant_for(kind="organisation", name="王五餐饮有限公司", credit_code=make_credit_code(3), account=user)
    newest = client.force_login(user) or client.get(f"/items/{item.impl_code}/apply/").content.decode()
    assert f'value="{company.credit_code}"' in newest and f"?as={person.pk}" in newest
    chosen = client.get(f"/items/{item.impl_code}/apply/?as={person.pk}").content.decode()
    assert 'value="32030219900307123X"' in chosen and f'value="{company.credit_code}"' not in chosen
    stranger = UserFactory()
    client.force_login(stranger)  # another account cannot fill in someone else's details by guessing an id
    assert "32030219900307123X" not in client.get(f"/items/{item.impl_code}/apply/?as={person.pk}").content.decode()


def test_an_application_page_naming_someone_else_takes_over_nothing(client, item):
    from zerovisit.accounts.models import Role
    from zerovisit.accounts.services import applicant_for
    from zerovisit.accounts.tests.factories import editor
    from zerovisit.core import crypto

    victim = applicant_for(kind="person", name="王五", id_number="32030219900307123X", phone="13812341234")
    case = apply(item, victim, actor=editor(item.agency, role=Role.ACCEPTOR), channel="window")  # a walk-in
    client.force_login(verified_person().user)  # 李四, verified
    specs = list(MaterialSpec.objects.filter(item=item).order_by("order"))
    incomplete = {k: v for k, v in form_data(item, phone="13700000000").items() if k != f"material_{specs[0].pk}"}
    for data in (form_data(item, phone="13900000000"), incomplete):
        page = client.post(f"/items/{item.impl_code}/apply/", data).content.decode()
        assert 'role="alert"' in page and 'value="王五"' in page  # told what is wrong, with what was typed kept
        assert "只能以本人名义、为您持有账户或担任经办人的单位、或凭申请人的代办授权申请" in page
    victim.refresh_from_db()
    assert victim.user is None and crypto.decrypt(victim.phone_encrypted) == "13812341234"
    assert Case.objects.count() == 1
    assert client.get(f"/my/cases/{case.number}/").status_code == 404
    assert case.number not in client.get("/my/cases/").content.decode()


def test_every_message_of_a_refused_application_is_tied_to_its_field(client, item):
    import re

    client.force_login(wangwu())
    page = client.post(f"/items/{item.impl_code}/apply/", form_data(item, id_number="320302199003071231",
                                                                    phone="123")).content.decode()  # fmt: skip
    ids = set(re.findall(r'\bid="([^"]+)"', page))
    described = [ref for refs in re.findall(r'aria-describedby="([^"]+)"', page) for ref in refs.split()]
    assert described and set(described) <= ids, set(described) - ids
    assert re.search(r'aria-invalid="true"[^>]*aria-describedby="[^"]*id_phone_error', page)
    assert 'href="#id_phone"' in page  # the summary links to the field


def test_the_application_form_filled_in_online_is_not_asked_for_again_as_a_file(client, item):
    spec = MaterialSpec.objects.filter(item=item, name="申请书").get()
    spec.source = "online_form"
    spec.save(update_fields=["source"])
    client.force_login(wangwu())
    page = client.get(f"/items/{item.impl_code}/apply/").content.decode()
    assert "申请书</strong>：随本申请在线填写，无需上传。" in page and f'name="material_{spec.pk}"' not in page
    data = form_data(item)
    data.pop(f"material_{spec.pk}")
    assert client.post(f"/items/{item.impl_code}/apply/", data).status_code == 302
    assert Case.objects.get().materials.get(spec=spec).reference == "form_data"
