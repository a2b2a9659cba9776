"""/api/v1/cases/ and /api/v1/inbox/: apply, see only what one may, act, and the error shape."""

import datetime

from rest_framework.test import APIClient

from zerovisit.accounts.models import Role
from zerovisit.accounts.tests.factories import UserFactory, editor, verified_person
from zerovisit.cases.models import Case, CaseStatus
from zerovisit.catalog.models import MaterialSpec
from zerovisit.org.tests.factories import AgencyFactory

from .factories import apply, first_material, pdf


def as_user(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def application(item, **extra):
    specs = list(MaterialSpec.objects.filter(item=item).order_by("order"))
    return {
        "item": item.impl_code, "applicant_kind": "person", "applicant_name": "李四",
        "id_number": "11010519491231002X", "phone": "13812341234",
        f"material_{specs[0].pk}": pdf(), f"later_{specs[1].pk}": "true", **extra,
    }  # fmt: skip


def lisi():
    """The account verified as 李四, the person application() names."""
    return verified_person(name="李四", id_number="11010519491231002X").user


def test_a_citizen_applies_and_a_retry_with_the_same_key_returns_the_same_case(clock, item):
    user = lisi()
    client = as_user(user)
    first = client.post("/api/v1/cases/", application(item), format="multipart", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201, first.json()
    body = first.json()
    assert body["status"] == "submitted" and body["acceptance_due"] == "2026-11-09"
    assert [m["source"] for m in body["materials"]] == ["upload", "later"]
    again = client.post("/api/v1/cases/", application(item), format="multipart", HTTP_IDEMPOTENCY_KEY="k-1")
    assert again.status_code == 200 and again.json()["number"] == body["number"]
    assert Case.objects.count() == 1
    assert client.get("/api/v1/cases/").json()["count"] == 1


def test_an_invalid_id_number_or_missing_material_is_a_clear_error(clock, item):
    client = as_user(lisi())
    bad_id = client.post("/api/v1/cases/", application(item, id_number="110105194912310021"), format="multipart")
    assert bad_id.status_code == 400 and bad_id.json()["code"] == "invalid_id_number"
    data = application(item)
    data = {k: v for k, v in data.items() if not k.startswith("material_")}
    missing = client.post("/api/v1/cases/", data, format="multipart")
    assert missing.status_code == 400 and missing.json()["code"] == "materials_incomplete"
    assert "申请书" in missing.json()["message"]
    assert not Case.objects.exists()


def test_applicants_see_only_their_own_cases_and_staff_only_their_agencys(clock, item, citizen, staff):
    case = apply(item, citizen)
    stranger, other_staff = UserFactory(), editor(AgencyFactory(), role=Role.ACCEPTOR)
    assert as_user(citizen.user).get(f"/api/v1/cases/{case.number}/").status_code == 200
    assert as_user(staff["acceptor"]).get(f"/api/v1/cases/{case.number}/").status_code == 200
    for outsider in (stranger, other_staff):
        response = as_user(outsider).get(f"/api/v1/cases/{case.number}/")
        assert response.status_code == 404 and response.json()["code"] == "not_found"
        assert as_user(outsider).get("/api/v1/cases/").json()["count"] == 0
    assert APIClient().get("/api/v1/cases/").status_code in (401, 403)


def test_staff_act_through_the_api_and_get_codes_for_refused_steps(clock, item, citizen, staff):
    case = apply(item, citizen)
    acceptor, reviewer, decider = (as_user(staff[r]) for r in (Role.ACCEPTOR, Role.REVIEWER, Role.DECIDER))
    early = decider.post(f"/api/v1/cases/{case.number}/decide/", {"approve": True, "reasons": "x"}, format="json")
    assert early.status_code == 409 and early.json()["code"] == "invalid_transition"
    assert acceptor.post(f"/api/v1/cases/{case.number}/accept/", {}, format="json").status_code == 200
    sod = acceptor.post(f"/api/v1/cases/{case.number}/review/", {"opinion": "同意"}, format="json")
    assert sod.status_code == 403 and sod.json()["code"] in ("permission_denied", "separation_of_duties")
    assert reviewer.post(f"/api/v1/cases/{case.number}/review/", {"opinion": "同意"}, format="json").status_code == 200
    decided = decider.post(f"/api/v1/cases/{case.number}/decide/", {"approve": True, "reasons": "符合条件"},
                           format="json")  # fmt: skip
    assert decided.status_code == 200 and decided.json()["status"] == CaseStatus.APPROVED
    assert [e["action"] for e in decided.json()["events"]] == ["submit", "accept", "review", "decide"]


def test_a_correction_goes_back_and_forth_through_the_api(clock, item, citizen, staff):
    case = apply(item, citizen)
    asked = as_user(staff["acceptor"]).post(f"/api/v1/cases/{case.number}/request-correction/",
                                            {"corrections": ["申请书未签字"], "materials": first_material(case)},
                                            format="json")  # fmt: skip
    assert asked.json()["status"] == "correction"
    spec = MaterialSpec.objects.get(item=item, name="申请书")
    answered = as_user(citizen.user).post(f"/api/v1/cases/{case.number}/resubmit/",
                                          {f"material_{spec.pk}": pdf("签字.pdf"), "note": "已签字"},
                                          format="multipart")  # fmt: skip
    assert answered.status_code == 200 and answered.json()["status"] == "submitted"


def test_the_inbox_shows_each_role_its_work_by_deadline(clock, item, citizen, staff):
    first, second = apply(item, citizen), apply(item, citizen)
    unclaimed = as_user(staff["acceptor"]).get("/api/v1/inbox/?queue=unclaimed").json()
    assert [c["number"] for c in unclaimed["results"]] == [first.number, second.number]
    assert as_user(staff["reviewer"]).get("/api/v1/inbox/?queue=unclaimed").json()["count"] == 0
    as_user(staff["acceptor"]).post(f"/api/v1/cases/{first.number}/claim/")
    mine = as_user(staff["acceptor"]).get("/api/v1/inbox/?queue=mine").json()
    assert [c["number"] for c in mine["results"]] == [first.number]
    clock.now += datetime.timedelta(days=10)
    overdue = as_user(staff["acceptor"]).get("/api/v1/inbox/?queue=overdue").json()
    assert overdue["count"] == 2
    bad = as_user(staff["acceptor"]).get("/api/v1/inbox/?queue=everything")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_queue"


def test_the_inbox_costs_the_same_queries_for_any_page_size(clock, item, citizen, staff, django_assert_max_num_queries):
    for _ in range(12):
        apply(item, citizen)
    client = as_user(staff["acceptor"])
    for size in (2, 12):
        with django_assert_max_num_queries(8):
            assert len(client.get(f"/api/v1/inbox/?page_size={size}").json()["results"]) == size


def test_the_items_own_questions_are_checked_and_kept_with_the_case(clock, agency):
    from .factories import publish

    shop = publish(agency, form_fields=[
        {"label": "经营面积（平方米）", "type": "decimal", "required": True, "choices": []},
        {"label": "经营类别", "type": "choice", "required": True, "choices": ["预包装食品销售", "热食类食品制售"]},
    ])  # fmt: skip
    client = as_user(lisi())
    wrong = client.post("/api/v1/cases/", application(shop, form_data='{"经营面积（平方米）": "很大"}'),
                        format="multipart")  # fmt: skip
    assert wrong.status_code == 400 and wrong.json()["code"] == "invalid_form"
    assert {e["field"] for e in wrong.json()["errors"]} == {"form.经营面积（平方米）", "form.经营类别"}
    assert not Case.objects.exists()
    answers = '{"经营面积（平方米）": "86.0", "经营类别": "热食类食品制售"}'
    done = client.post("/api/v1/cases/", application(shop, form_data=answers), format="multipart")
    assert done.status_code == 201, done.json()
    assert done.json()["form_data"] == {"经营面积（平方米）": "86", "经营类别": "热食类食品制售"}


def test_an_e_mail_address_is_kept_encrypted_and_every_step_is_also_mailed(clock, item, mailoutbox):
    from zerovisit.accounts.models import Applicant
    from zerovisit.core.tests.helpers import run_ready_tasks

    client = as_user(lisi())
    response = client.post("/api/v1/cases/", application(item, email="lisi@example.com"), format="multipart")
    assert response.status_code == 201
    applicant = Applicant.objects.get()
    assert applicant.email_masked == "l***@example.com" and "lisi" not in applicant.email_encrypted
    run_ready_tasks()
    assert [m.to for m in mailoutbox] == [["lisi@example.com"]]
