"""Applying names an applicant by ID number or credit code: that must never hand someone else's cases, files or
messages to the caller, and a refused application changes nothing at all."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from zerovisit.accounts.models import Applicant
from zerovisit.accounts.services import applicant_for
from zerovisit.accounts.tests.factories import UserFactory, verified_person
from zerovisit.cases.models import Case, CaseStatus
from zerovisit.core import crypto
from zerovisit.core.models import AuditEntry
from zerovisit.core.tests.helpers import at_once

from .factories import apply
from .test_api import application, as_user

VICTIM_ID = "32030219900307123X"


def naming_the_victim(item, **extra):
    return application(item, applicant_name="张三", id_number=VICTIM_ID, **extra)


def without_materials(data):
    return {k: v for k, v in data.items() if not k.startswith("material_")}


def test_a_refused_application_naming_someone_else_links_nothing_and_changes_nothing(clock, item, citizen):
    case = apply(item, citizen)
    material = case.materials.exclude(file="").get()
    attacker = as_user(UserFactory())
    refused = attacker.post("/api/v1/cases/", without_materials(naming_the_victim(item, phone="13900000000")),
                            format="multipart")  # fmt: skip
    assert refused.status_code == 403 and refused.json()["code"] == "not_authorised_for_applicant"
    again = attacker.post("/api/v1/cases/", without_materials(naming_the_victim(item, phone="13700000000",
                          email="evil@example.com")), format="multipart")  # fmt: skip
    assert again.status_code == 403
    citizen.refresh_from_db()
    assert citizen.user.username == "zhangsan" and crypto.decrypt(citizen.phone_encrypted) == "13812341234"
    assert not citizen.email_encrypted
    assert attacker.get(f"/api/v1/cases/{case.number}/").status_code == 404
    assert attacker.get("/api/v1/cases/").json()["count"] == 0
    assert attacker.post(f"/api/v1/cases/{case.number}/withdraw/", {}, format="json").status_code == 404
    assert Case.objects.get(pk=case.pk).status == CaseStatus.SUBMITTED
    pages = Client()
    pages.force_login(attacker.handler._force_user)
    assert pages.get(f"/my/cases/{case.number}/materials/{material.pk}/").status_code == 404


def test_a_refused_application_does_not_link_a_walk_in_applicant_to_the_caller(clock, item, staff):
    walk_in = applicant_for(kind="person", name="张三", id_number=VICTIM_ID, phone="13812341234")
    case = apply(item, walk_in, actor=staff["acceptor"], channel="window")  # filed for them at the window
    material = case.materials.exclude(file="").get()
    user = UserFactory()
    attacker = as_user(user)
    for phone in ("13900000000", "13700000000"):
        refused = attacker.post("/api/v1/cases/", without_materials(naming_the_victim(item, phone=phone)),
                                format="multipart")  # fmt: skip
        assert refused.status_code in (400, 403)
    walk_in.refresh_from_db()
    assert walk_in.user is None and walk_in.phone_masked == "138****1234"
    assert attacker.get(f"/api/v1/cases/{case.number}/").status_code == 404
    assert attacker.post(f"/api/v1/cases/{case.number}/withdraw/", {}, format="json").status_code == 404
    pages = Client()
    pages.force_login(user)
    assert pages.get(f"/my/cases/{case.number}/materials/{material.pk}/").status_code == 404
    assert Case.objects.get(pk=case.pk).status == CaseStatus.SUBMITTED


def test_a_complete_application_for_someone_who_gave_no_authorisation_is_refused(clock, item, citizen):
    attacker = as_user(UserFactory())
    response = attacker.post("/api/v1/cases/", naming_the_victim(item, phone="13900000000"), format="multipart")
    assert response.status_code == 403 and response.json()["code"] == "not_authorised_for_applicant"
    citizen.refresh_from_db()
    assert citizen.user.username == "zhangsan" and citizen.phone_masked == "138****1234"
    assert Case.objects.count() == 0


def test_an_applicant_nobody_acts_for_is_not_taken_by_the_first_account_that_names_it(clock, item):
    walk_in = applicant_for(kind="person", name="张三", id_number=VICTIM_ID, phone="13812341234")  # at a window
    response = as_user(UserFactory()).post("/api/v1/cases/", naming_the_victim(item), format="multipart")
    assert response.status_code == 403 and response.json()["code"] == "not_authorised_for_applicant"
    walk_in.refresh_from_db()
    assert walk_in.user is None and walk_in.phone_masked == "138****1234"


def test_a_refused_application_creates_no_applicant(clock, item, staff):
    at_window = as_user(staff["acceptor"])
    response = at_window.post("/api/v1/cases/", without_materials(application(item, channel="window")),
                              format="multipart")  # fmt: skip
    assert response.status_code == 400
    assert not Applicant.objects.exists() and not Case.objects.exists()
    assert not AuditEntry.objects.filter(action="applicant.create").exists()


def test_an_account_applies_only_as_the_person_it_is_verified_as(clock, item):
    unverified = UserFactory()
    refused = as_user(unverified).post("/api/v1/cases/", application(item), format="multipart")
    assert refused.status_code == 403 and refused.json()["code"] == "not_authorised_for_applicant"
    assert not Applicant.objects.exists() and not Case.objects.exists()
    person = verified_person(name="李四", id_number="11010519491231002X")
    filed = as_user(person.user).post("/api/v1/cases/", application(item, applicant_name="王五"), format="multipart")
    assert filed.status_code == 201 and Case.objects.get().applicant == person
    assert Applicant.objects.get().name == "李四"  # the verified name, not what the form said


def test_the_own_account_changes_its_contact_details_and_the_change_is_audited(clock, item, citizen):
    owner = as_user(citizen.user)
    assert owner.post("/api/v1/cases/", naming_the_victim(item, phone="13700000000"),
                      format="multipart").status_code == 201  # fmt: skip
    citizen.refresh_from_db()
    assert citizen.phone_masked == "137****0000"
    change = AuditEntry.objects.get(action="applicant.contact_change")
    assert change.actor == citizen.user and change.detail["fields"] == ["phone_encrypted", "phone_masked"]
    assert change.detail["before"]["phone"] == "138****1234" and change.detail["after"]["phone"] == "137****0000"


@pytest.mark.django_db(transaction=True)
def test_parallel_requests_with_one_idempotency_key_make_one_case_and_one_201(clock, item):
    client = as_user(verified_person().user)

    def post():
        return client.post("/api/v1/cases/", application(item), format="multipart", HTTP_IDEMPOTENCY_KEY="same")

    codes = [response.status_code for response in at_once(post, 8)]
    assert sorted(codes) == [200] * 7 + [201]
    assert Case.objects.count() == 1 and Applicant.objects.count() == 1


def test_a_system_s_token_cannot_apply_for_anyone(clock, item, citizen, agency):
    from zerovisit.accounts.services import create_api_client
    from zerovisit.accounts.tests.factories import legacy_api_client, system_token

    client, secret = create_api_client(name="部门系统", agency=agency, scopes=["licenses:read"])
    legacy_api_client(agency, "zv_old")
    for token, code in [(system_token(client, secret), "insufficient_scope"), ("zv_old", "person_required")]:
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        refused = api.post("/api/v1/cases/", naming_the_victim(item, phone="13900000000"), format="multipart")
        assert refused.status_code == 403 and refused.json()["code"] == code
    citizen.refresh_from_db()
    assert citizen.phone_masked == "138****1234" and not Case.objects.exists()


def test_a_new_applicant_s_audit_entry_is_written_last_so_the_audit_head_is_locked_only_briefly(clock, item, staff):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    at_window = as_user(staff["acceptor"])
    with CaptureQueriesContext(connection) as queries:
        response = at_window.post("/api/v1/cases/", application(item, channel="window"), format="multipart")
    assert response.status_code == 201
    sql = [query["sql"] for query in queries.captured_queries]
    first_head = next(n for n, q in enumerate(sql) if "core_auditchainhead" in q)
    case_insert = next(n for n, q in enumerate(sql) if q.startswith('INSERT INTO "cases_case"'))
    assert case_insert < first_head
    assert AuditEntry.objects.filter(action="applicant.create").count() == 1
