"""/api/v1/bundles/ and /api/v1/bundle-cases/: the catalogue's 一件事, applying once, following the members,
answering the corrections once, and the error shape."""

from rest_framework.test import APIClient

from zerovisit.accounts.tests.factories import UserFactory
from zerovisit.cases import services
from zerovisit.cases.models import BundleCase, Case

from .factories import pdf


def as_user(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def application(**extra):
    return {
        "bundle": "qiye-kaiban", "applicant_kind": "person", "applicant_name": "张三",
        "id_number": "32030219900307123X", "form_data": '{"企业名称": "徐州云龙小馆餐饮有限公司"}',
        "material_申请书": pdf(), "later_场所证明": "true", **extra,
    }  # fmt: skip


def test_the_catalogue_offers_the_bundle_with_its_materials_merged(founding):
    client = APIClient()
    listed = client.get("/api/v1/bundles/").json()
    assert [b["code"] for b in listed["results"]] == ["qiye-kaiban"]
    detail = client.get("/api/v1/bundles/qiye-kaiban/").json()
    assert [m["name"] for m in detail["members"]] == ["营业执照", "印章刻制备案", "社保登记"]
    materials = {m["name"]: m for m in detail["materials"]}
    # one 申请书 for the three members; the 营业执照 comes from the first member's result, so it is not asked for
    assert set(materials) == {"申请书", "场所证明"} and len(materials["申请书"]["members"]) == 3
    assert materials["场所证明"]["may_follow"] and not materials["申请书"]["may_follow"]
    assert "hall" in detail["delivery_methods"]
    assert client.get("/api/v1/bundles/nope/").status_code == 404
    assert client.get("/api/v1/bundles/?region=999999999999").json()["count"] == 0


def test_applying_once_files_every_member_and_a_retry_returns_the_same(clock, founding, citizen):
    client = as_user(citizen.user)
    first = client.post("/api/v1/bundle-cases/", application(), format="multipart", HTTP_IDEMPOTENCY_KEY="b-1")
    assert first.status_code == 201, first.json()
    body = first.json()
    assert body["status"] == "open" and body["due"] == "2026-11-12"
    assert [(m["item_name"], m["status"]) for m in body["members"]] == [
        ("营业执照", "submitted"), ("印章刻制备案", "waiting"), ("社保登记", "submitted"),
    ]  # fmt: skip
    assert body["members"][1]["waits_for"] == ["营业执照"]
    again = client.post("/api/v1/bundle-cases/", application(), format="multipart", HTTP_IDEMPOTENCY_KEY="b-1")
    assert again.status_code == 200 and again.json()["number"] == body["number"]
    assert client.get("/api/v1/bundle-cases/").json()["count"] == 1
    assert Case.objects.count() == 3


def test_bad_input_is_a_clear_error_and_files_nothing(clock, founding, citizen):
    client = as_user(citizen.user)
    missing = application()
    del missing["material_申请书"]
    answer = client.post("/api/v1/bundle-cases/", missing, format="multipart")
    assert answer.status_code == 400 and answer.json()["code"] == "materials_incomplete"
    assert answer.json()["errors"][0]["field"] == "materials.申请书"
    nul = client.post("/api/v1/bundle-cases/", application(form_data='{"企业名称": "a\\u0000b"}'), format="multipart")
    assert nul.status_code == 400
    unknown = client.post("/api/v1/bundle-cases/", application(bundle="nope"), format="multipart")
    assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"
    assert not BundleCase.objects.exists() and not Case.objects.exists()


def test_nobody_else_sees_the_application(clock, founding, citizen):
    number = as_user(citizen.user).post("/api/v1/bundle-cases/", application(), format="multipart").json()["number"]
    stranger = as_user(UserFactory())
    assert stranger.get(f"/api/v1/bundle-cases/{number}/").status_code == 404
    assert stranger.get("/api/v1/bundle-cases/").json()["count"] == 0
    assert APIClient().get(f"/api/v1/bundle-cases/{number}/").status_code in (401, 403)
    assert stranger.post(f"/api/v1/bundle-cases/{number}/withdraw/", {}).status_code == 404


def test_a_correction_is_shown_once_and_answered_once(clock, founding, citizen, staff):
    client = as_user(citizen.user)
    number = client.post("/api/v1/bundle-cases/", application(), format="multipart").json()["number"]
    case = Case.objects.get(bundle_case__number=number, item__name="营业执照")
    spec = case.item.materials.get(name="申请书")
    services.request_correction(actor=staff["acceptor"], number=case.number, corrections=["申请书未签字"],
                                materials=[spec.pk])  # fmt: skip
    detail = client.get(f"/api/v1/bundle-cases/{number}/").json()
    assert detail["corrections"] == [{"name": "申请书", "reasons": ["申请书未签字"], "members": ["营业执照"]}]
    answered = client.post(f"/api/v1/bundle-cases/{number}/resubmit/", {"material_申请书": pdf()}, format="multipart")
    assert answered.status_code == 200, answered.json()
    assert answered.json()["corrections"] == [] and answered.json()["members"][0]["status"] == "submitted"
    again = client.post(f"/api/v1/bundle-cases/{number}/resubmit/", {"material_申请书": pdf()}, format="multipart")
    assert again.status_code == 409 and again.json()["code"] == "no_correction_asked"


def test_the_applicant_withdraws_the_whole_application(clock, founding, citizen):
    client = as_user(citizen.user)
    number = client.post("/api/v1/bundle-cases/", application(), format="multipart").json()["number"]
    path = "/api/v1/bundle-cases/{}/withdraw/"
    withdrawn = client.post(path.format(number), {"reason": "不开了"}, format="json")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    assert {m["status"] for m in withdrawn.json()["members"]} == {"withdrawn"}
    assert client.post(path.format(number), {}, format="json").json()["code"] == "bundle_concluded"
