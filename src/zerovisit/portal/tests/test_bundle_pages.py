"""一件事 on the portal: listed on the home page and in search, its guide, one form for every item, the files kept
when the application is refused, one page to follow it and answer its corrections."""

import pytest

from zerovisit.accounts.tests.factories import UserFactory, verified_person
from zerovisit.cases import services
from zerovisit.cases.models import BundleCase, Case, CaseStatus
from zerovisit.cases.tests.factories import founding_bundle, pdf, staff_of
from zerovisit.org.tests.factories import AgencyFactory


@pytest.fixture
def founding(db):
    return founding_bundle(AgencyFactory(name="徐州市行政审批局"), AgencyFactory(name="徐州市公安局"),
                           AgencyFactory(name="徐州市人力资源和社会保障局"))  # fmt: skip


def zhangsan():
    return verified_person(name="张三", id_number="32030219900307123X").user


def form_data(**extra):
    return {"applicant_kind": "person", "applicant_name": "张三", "id_number": "32030219900307123X",
            "idempotency_key": "k-bundle-1", "form.企业名称": "徐州云龙小馆餐饮有限公司", "material_申请书": pdf(),
            "later_场所证明": "on", "confirm": "on", "delivery_method": "hall", **extra}  # fmt: skip


def test_the_home_page_and_search_list_the_bundle(client, founding):
    assert "/bundles/qiye-kaiban/" in client.get("/").content.decode()
    found = client.get("/items/", {"q": "开办企业"}).content.decode()
    assert "/bundles/qiye-kaiban/" in found and "印章刻制备案" in found
    assert "/bundles/qiye-kaiban/" not in client.get("/items/", {"q": "出生"}).content.decode()


def test_the_guide_names_every_item_its_agency_and_each_material_once(client, founding):
    page = client.get("/bundles/qiye-kaiban/").content.decode()
    assert "徐州市公安局" in page and "徐州市人力资源和社会保障局" in page
    assert page.count("<h3>申请书</h3>") == 1 and "/bundles/qiye-kaiban/apply/" in page
    assert "营业执照出具后自动启动" in page  # 印章刻制备案 waits for it
    assert client.get("/bundles/nope/").status_code == 404


def test_a_citizen_applies_once_and_follows_every_item_on_one_page(client, founding):
    client.force_login(zhangsan())
    page = client.get("/bundles/qiye-kaiban/apply/").content.decode()
    assert "企业名称" in page and "容缺后补" in page
    response = client.post("/bundles/qiye-kaiban/apply/", form_data())
    bundle_case = BundleCase.objects.get()
    assert response.status_code == 302 and response.headers["Location"] == f"/my/bundles/{bundle_case.number}/"
    again = client.post("/bundles/qiye-kaiban/apply/", form_data())  # a double click
    assert again.headers["Location"] == response.headers["Location"] and Case.objects.count() == 3
    detail = client.get(f"/my/bundles/{bundle_case.number}/").content.decode()
    assert "印章刻制备案" in detail and "等待前置事项结果" in detail and bundle_case.due.isoformat() in detail
    assert bundle_case.number in client.get("/my/cases/").content.decode()
    member = Case.objects.filter(bundle_case=bundle_case).first()
    assert f"/my/bundles/{bundle_case.number}/" in client.get(f"/my/cases/{member.number}/").content.decode()


def test_a_refused_application_keeps_the_answers_and_the_files(client, founding):
    client.force_login(zhangsan())
    refused = client.post("/bundles/qiye-kaiban/apply/", form_data(**{"form.企业名称": "x" * 201}))
    assert refused.status_code == 200 and not BundleCase.objects.exists()
    page = refused.content.decode()
    assert 'role="alert"' in page and 'class="notice kept-file"' in page
    draft = refused.context["draft"]
    assert draft is not None and draft.materials.count() == 1
    data = form_data(draft=draft.pk)
    del data["material_申请书"]  # not chosen again: the draft's file is used
    sent = client.post("/bundles/qiye-kaiban/apply/", data)
    assert sent.status_code == 302
    assert Case.objects.filter(materials__spec__name="申请书", materials__source="upload").count() == 3
    assert not type(draft).objects.filter(pk=draft.pk).exists()


def test_one_correction_answer_serves_every_item_that_asked(client, founding):
    client.force_login(zhangsan())
    client.post("/bundles/qiye-kaiban/apply/", form_data())
    bundle_case = BundleCase.objects.get()
    for name in ("营业执照", "社保登记"):
        case = Case.objects.get(bundle_case=bundle_case, item__name=name)
        spec = case.item.materials.get(name="申请书")
        services.request_correction(actor=staff_of(case.agency)["acceptor"], number=case.number,
                                    corrections=[f"{name}：申请书未签字"], materials=[spec.pk])  # fmt: skip
    page = client.get(f"/my/bundles/{bundle_case.number}/").content.decode()
    assert page.count('name="material_申请书"') == 1
    assert "营业执照：申请书未签字" in page and "社保登记：申请书未签字" in page
    incomplete = client.post(f"/my/bundles/{bundle_case.number}/correction/", {"note": "已签字"})
    assert incomplete.status_code == 400 and 'role="alert"' in incomplete.content.decode()
    answered = client.post(f"/my/bundles/{bundle_case.number}/correction/", {"material_申请书": pdf()})
    assert answered.status_code == 302
    statuses = set(Case.objects.filter(bundle_case=bundle_case).values_list("status", flat=True))
    assert statuses == {CaseStatus.SUBMITTED, CaseStatus.WAITING}


def test_nobody_else_sees_the_application(client, founding):
    client.force_login(zhangsan())
    client.post("/bundles/qiye-kaiban/apply/", form_data())
    number = BundleCase.objects.get().number
    client.force_login(UserFactory())
    assert client.get(f"/my/bundles/{number}/").status_code == 404
    assert client.post(f"/my/bundles/{number}/withdraw/").status_code == 404
