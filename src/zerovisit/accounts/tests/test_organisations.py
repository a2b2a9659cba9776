"""Organisations online: the legal representative claims the organisation's account through the market-entity
register and authorises agents (经办人), who apply for it and follow its cases of the items they may; an agent whose
authorisation ended, or who applies for another item, is refused with a code."""

import datetime

import pytest
from rest_framework.test import APIClient

from zerovisit.accounts.models import Applicant, OrganisationAgent
from zerovisit.accounts.services import authorise_agent, claim_organisation, revoke_agent
from zerovisit.accounts.tests.factories import verified_person
from zerovisit.cases.models import Case
from zerovisit.cases.tests.factories import pdf, publish
from zerovisit.catalog.models import MaterialSpec, ServiceItem
from zerovisit.core.errors import DomainError, NotFound
from zerovisit.core.models import AuditEntry
from zerovisit.notify.models import Message

from .fake_register import FakeEntityRegister

COMPANY = ("徐州市云龙数字科技有限公司", "91320303MA1YLKJ30Y")
LISI = ("李四", "320303198506120023")
WANGWU = ("王五", "320311199204150037")
CLAIM = {"name": COMPANY[0], "credit_code": COMPANY[1]}


@pytest.fixture
def entity_register(settings):
    fake = FakeEntityRegister({COMPANY[1]: (COMPANY[0], *LISI)})
    settings.ENTITY_REGISTER = "zerovisit.accounts.registers.HttpEntityRegister"
    settings.ENTITY_REGISTER_ENDPOINT, settings.ENTITY_REGISTER_SECRET = fake.url, fake.secret
    yield fake
    fake.close()


@pytest.fixture
def lisi(db):
    return verified_person(*LISI).user


@pytest.fixture
def wangwu(db):
    return verified_person(*WANGWU).user


@pytest.fixture
def company(lisi, entity_register):
    return claim_organisation(user=lisi, name=COMPANY[0], credit_code=COMPANY[1])


def signed_in(user) -> APIClient:
    api = APIClient()
    api.force_login(user)
    return api


def application(item, organisation=COMPANY):
    specs = list(MaterialSpec.objects.filter(item=item).order_by("order"))
    return {"item": item.impl_code, "applicant_kind": "organisation", "applicant_name": organisation[0],
            "credit_code": organisation[1], f"material_{specs[0].pk}": pdf(),
            f"later_{specs[1].pk}": "true"}  # fmt: skip


def test_the_legal_representative_claims_the_organisation_on_the_page(client, lisi, entity_register):
    client.force_login(lisi)
    response = client.post("/accounts/organisations/", {"name": COMPANY[0], "credit_code": COMPANY[1].lower()})

    company = Applicant.objects.get(credit_code=COMPANY[1])
    assert response.status_code == 302 and response["Location"] == f"/accounts/organisations/{company.pk}/agents/"
    assert company.user == lisi and company.representative_confirmed_at is not None
    entry = AuditEntry.objects.get(action="organisation.claim")
    assert entry.detail == {"credit_code": COMPANY[1], "via": "entity_register", "before": {"account": ""},
                            "after": {"account": lisi.username}}  # fmt: skip
    assert COMPANY[0] in client.get("/accounts/organisations/").content.decode()


@pytest.mark.parametrize("given, code, status", [
    ((COMPANY[0], "91320303MA1YLKJ41X"), "organisation_not_found", 400),
    (("徐州市别的公司", COMPANY[1]), "not_legal_representative", 403),
], ids=["unknown credit code", "another name"])  # fmt: skip
def test_the_register_refuses_and_nothing_is_made(lisi, entity_register, given, code, status):
    from zerovisit.core.identity import credit_code_check_char

    name, credit_code = given
    credit_code = credit_code[:17] + credit_code_check_char(credit_code[:17])
    response = signed_in(lisi).post("/api/v1/organisations/", {"name": name, "credit_code": credit_code},
                                    format="json")  # fmt: skip
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert not Applicant.objects.filter(kind="organisation").exists()
    assert AuditEntry.objects.get(action="organisation.claim").result == "refused"


def test_someone_who_is_not_the_representative_is_refused(wangwu, entity_register):
    response = signed_in(wangwu).post("/api/v1/organisations/", CLAIM,
                                      format="json")  # fmt: skip
    assert response.status_code == 403 and response.json()["code"] == "not_legal_representative"


def test_a_register_that_is_down_changes_nothing(lisi, entity_register):
    entity_register.fail_with = 500
    response = signed_in(lisi).post("/api/v1/organisations/", CLAIM,
                                    format="json")  # fmt: skip
    assert response.status_code == 503 and response.json()["code"] == "register_unavailable"
    assert not Applicant.objects.filter(kind="organisation").exists()


def test_an_unverified_account_cannot_claim(db, entity_register):
    from zerovisit.accounts.tests.factories import UserFactory

    response = signed_in(UserFactory(assurance_level=1)).post("/api/v1/organisations/", CLAIM, format="json")
    assert response.status_code == 403 and response.json()["code"] == "verify_first"


def test_a_new_representative_takes_the_organisation_over_and_the_former_is_told(company, lisi, wangwu,
                                                                                 entity_register):  # fmt: skip
    entity_register.entities[COMPANY[1]] = (COMPANY[0], *WANGWU)
    claim_organisation(user=wangwu, name=COMPANY[0], credit_code=COMPANY[1])
    company.refresh_from_db()
    assert company.user == wangwu
    assert Message.objects.filter(event="account.organisation_moved", recipient=lisi).exists()


def test_the_representative_authorises_an_agent_on_the_page_and_the_agent_is_told(client, company, lisi, wangwu,
                                                                                  clock):  # fmt: skip
    client.force_login(lisi)
    page = f"/accounts/organisations/{company.pk}/agents/"
    missing = client.post(page, {"name": "赵六", "id_number": "320322197809230048", "valid_until": "2027-06-30"})
    assert missing.status_code == 200 and "320322197809230048" in missing.content.decode(), "the form keeps it"
    assert 'aria-invalid="true"' in missing.content.decode()

    response = client.post(page, {"name": WANGWU[0], "id_number": WANGWU[1], "valid_until": "2027-06-30"})

    assert response.status_code == 302
    authorisation = OrganisationAgent.objects.get()
    assert (authorisation.agent, authorisation.item_codes) == (wangwu, [])
    assert Message.objects.filter(event="account.agent_granted", recipient=wangwu).exists()
    entry = AuditEntry.objects.get(action="organisation.agent_grant")
    assert entry.detail["agent"] == "3203**********0037" and entry.detail["items"] == "all"
    assert "王五" in client.get(page).content.decode()


def test_an_agent_applies_for_the_organisation_and_both_see_the_case(clock, company, lisi, wangwu, agency):
    item = publish(agency)
    authorise_agent(actor=lisi, organisation_id=company.pk, name=WANGWU[0], id_number=WANGWU[1],
                    valid_until=datetime.date(2027, 6, 30))  # fmt: skip
    agent = signed_in(wangwu)

    filed = agent.post("/api/v1/cases/", application(item), format="multipart")

    assert filed.status_code == 201, filed.json()
    case = Case.objects.get()
    assert case.applicant == company and case.submitted_by == wangwu
    assert agent.get("/api/v1/cases/").json()["count"] == 1
    assert signed_in(lisi).get(f"/api/v1/cases/{case.number}/").status_code == 200, "the representative too"
    stranger = signed_in(verified_person("孙七", "320382199501010052").user)
    assert stranger.get(f"/api/v1/cases/{case.number}/").status_code == 404
    again = stranger.post("/api/v1/cases/", application(item), format="multipart")
    assert again.status_code == 403 and again.json()["code"] == "not_authorised_for_applicant"


def test_an_agent_for_chosen_items_applies_and_sees_only_those(clock, company, lisi, wangwu, agency):
    chosen, other = publish(agency), publish(agency)
    authorise_agent(actor=lisi, organisation_id=company.pk, name=WANGWU[0], id_number=WANGWU[1],
                    item_codes=[chosen.impl_code], valid_until=datetime.date(2027, 6, 30))  # fmt: skip
    signed_in(lisi).post("/api/v1/cases/", application(other), format="multipart")
    agent = signed_in(wangwu)

    refused = agent.post("/api/v1/cases/", application(other), format="multipart")
    filed = agent.post("/api/v1/cases/", application(chosen), format="multipart")

    assert refused.status_code == 403 and refused.json()["code"] == "not_authorised_for_applicant"
    assert filed.status_code == 201
    assert [c["number"] for c in agent.get("/api/v1/cases/").json()["results"]] == [filed.json()["number"]]


def test_an_agent_whose_authorisation_ended_is_refused_with_a_code(clock, company, lisi, wangwu, agency):
    item = publish(agency)
    authorise_agent(actor=lisi, organisation_id=company.pk, name=WANGWU[0], id_number=WANGWU[1],
                    valid_until=datetime.date(2026, 11, 30))  # fmt: skip
    agent = signed_in(wangwu)
    number = agent.post("/api/v1/cases/", application(item), format="multipart").json()["number"]

    clock.set(2026, 12, 1)
    agent = signed_in(wangwu)  # a new session, the old one idle too long
    late = agent.post("/api/v1/cases/", application(item), format="multipart")

    assert late.status_code == 403 and late.json()["code"] == "agent_authorisation_ended"
    assert agent.get(f"/api/v1/cases/{number}/").status_code == 200, "their own submission stays theirs"


def test_a_revoked_agent_is_refused_and_the_api_manages_agents(clock, company, lisi, wangwu, agency):
    item = publish(agency)
    representative = signed_in(lisi)
    agent = {"name": WANGWU[0], "id_number": WANGWU[1], "item_codes": [], "valid_until": "2027-06-30"}
    granted = representative.post(f"/api/v1/organisations/{company.pk}/agents/", agent, format="json")
    assert granted.status_code == 201 and granted.json()["id_number"] == "3203**********0037"
    listed = representative.get("/api/v1/organisations/").json()
    assert [o["credit_code"] for o in listed["represented"]] == [COMPANY[1]]
    assert signed_in(wangwu).get("/api/v1/organisations/").json()["agent_for"][0]["organisation"]["name"] == COMPANY[0]

    assert (
        representative.delete(f"/api/v1/organisations/{company.pk}/agents/{granted.json()['id']}/").status_code == 204
    )

    late = signed_in(wangwu).post("/api/v1/cases/", application(item), format="multipart")
    assert late.status_code == 403 and late.json()["code"] == "agent_authorisation_ended"
    assert AuditEntry.objects.filter(action="organisation.agent_revoke").count() == 1
    other = signed_in(wangwu).get(f"/api/v1/organisations/{company.pk}/agents/")
    assert other.status_code == 404, "only the holder manages its agents"


def test_an_agent_must_be_another_verified_person_for_a_limited_time(company, lisi, wangwu, clock):
    def refusal(**given):
        fields = {"name": WANGWU[0], "id_number": WANGWU[1], "valid_until": datetime.date(2027, 1, 1), **given}
        with pytest.raises(DomainError) as refused:
            authorise_agent(actor=lisi, organisation_id=company.pk, **fields)
        return refused.value.code

    assert refusal(name=LISI[0], id_number=LISI[1]) == "agent_is_representative"
    assert refusal(name="王小五") == "agent_not_registered", "the name is the verified person's"
    assert refusal(valid_until=datetime.date(2030, 1, 1)) == "invalid_valid_until"
    assert refusal(valid_until=datetime.date(2026, 11, 1)) == "invalid_valid_until"
    assert refusal(item_codes=["no-such-item"]) == "unknown_item"
    with pytest.raises(NotFound):
        authorise_agent(actor=wangwu, organisation_id=company.pk, name=LISI[0], id_number=LISI[1],
                        valid_until=datetime.date(2027, 1, 1))  # fmt: skip
    assert not OrganisationAgent.objects.exists()


def test_an_agent_sees_the_organisations_licences_while_authorised(clock, company, lisi, wangwu, agency):
    from zerovisit.licenses.services import issue_license
    from zerovisit.licenses.tests.factories import LicenseTypeFactory

    license_type = LicenseTypeFactory(
        agency=agency, holder_kind="organisation", name="食品经营许可证", number_prefix="JY"
    )
    issue_license(license_type=license_type, holder_kind="organisation", holder_name=COMPANY[0],
                  holder_code=COMPANY[1], holder=company, data={})  # fmt: skip
    authorisation = authorise_agent(actor=lisi, organisation_id=company.pk, name=WANGWU[0], id_number=WANGWU[1],
                                    valid_until=datetime.date(2027, 6, 30))  # fmt: skip
    agent = signed_in(wangwu)
    assert [x["holder_code"] for x in agent.get("/api/v1/licenses/mine/").json()] == [COMPANY[1]]

    revoke_agent(actor=lisi, organisation_id=company.pk, authorisation_id=authorisation.pk)
    assert agent.get("/api/v1/licenses/mine/").json() == []


def test_the_admin_shows_an_organisations_agents_and_changes_none(admin_client, company, lisi, wangwu, clock):
    authorise_agent(actor=lisi, organisation_id=company.pk, name=WANGWU[0], id_number=WANGWU[1],
                    valid_until=datetime.date(2027, 6, 30))  # fmt: skip
    page = admin_client.get(f"/admin/accounts/applicant/{company.pk}/change/").content.decode()
    assert "2027" in page and 'name="agents-0-valid_until"' not in page, "shown, not editable"


def test_claims_are_limited_per_account_and_day(settings, lisi, entity_register):
    settings.ORGANISATION_CLAIMS_PER_DAY = 1
    api = signed_in(lisi)
    assert api.post("/api/v1/organisations/", CLAIM, format="json").status_code == 201
    again = api.post("/api/v1/organisations/", CLAIM, format="json")
    assert again.status_code == 429 and again.json()["code"] == "too_many_claims"


def test_an_agent_for_an_item_follows_its_power_transfer_and_keeps_the_cases_filed_before(
    clock, company, lisi, wangwu, agency
):
    from zerovisit.catalog import transfers
    from zerovisit.org.tests.factories import AgencyFactory

    department = AgencyFactory(name="徐州市市场监督管理局", region=agency.region)
    chosen, other = publish(department), publish(department)
    authorise_agent(actor=lisi, organisation_id=company.pk, name=WANGWU[0], id_number=WANGWU[1],
                    item_codes=[chosen.impl_code], valid_until=datetime.date(2027, 6, 30))  # fmt: skip
    ended = OrganisationAgent.objects.create(
        organisation=company, agent=lisi, item_codes=[chosen.impl_code], valid_until=datetime.date(2027, 6, 30),
        granted_by=lisi, revoked_at=datetime.datetime(2026, 10, 1, tzinfo=datetime.UTC),
    )  # fmt: skip
    agent = signed_in(wangwu)
    before = agent.post("/api/v1/cases/", application(chosen), format="multipart").json()["number"]
    transfer = transfers.plan_transfer(
        actor=None, kind="consolidation", document="关于相对集中行政许可权改革的实施方案",
        document_number="徐政发〔2026〕18号", effective_on=datetime.date(2026, 11, 2), from_agency=department,
        to_agency=agency, impl_codes=[chosen.impl_code, other.impl_code],
    )  # fmt: skip
    assert transfers.carry_out(transfer.pk)
    moved = transfers.moved_to(chosen.impl_code)

    authorisation = OrganisationAgent.objects.get(agent=wangwu)
    assert authorisation.item_codes == sorted([chosen.impl_code, moved])
    ended.refresh_from_db()
    assert ended.item_codes == [chosen.impl_code], "an authorisation that ended is left as it was"
    entry = AuditEntry.objects.get(action="organisation.agent_follow_transfer")
    assert entry.detail == {"organisation": COMPANY[1], "from": chosen.impl_code, "to": moved}
    after = agent.post("/api/v1/cases/", application(ServiceItem.objects.published().get(impl_code=moved)),
                       format="multipart")  # fmt: skip
    assert after.status_code == 201, after.json()
    assert Case.objects.get(number=after.json()["number"]).agency == agency
    other = ServiceItem.objects.published().get(impl_code=transfers.moved_to(other.impl_code))
    refused = agent.post("/api/v1/cases/", application(other), format="multipart")
    assert refused.status_code == 403, "an item the authorisation did not cover stays uncovered"
    assert {c["number"] for c in agent.get("/api/v1/cases/").json()["results"]} == {before, after.json()["number"]}
