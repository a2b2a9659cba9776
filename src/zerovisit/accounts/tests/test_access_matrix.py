"""Who may reach what: every actor against every endpoint of a case, its materials, the licence it produced, the
message it sent and the courier shipment of its result. The case is an organisation's, filed by a proxy agent
(代办) under the organisation's proxy authorisation; the organisation's legal representative holds its account.

A cell says whether the actor gets the thing (200, and it is in the list) or does not (404, or absent from the
list; a list refuses the anonymous caller outright). Everything not marked as reachable must be unreachable."""

import datetime

import pytest
from django.test import Client
from rest_framework.test import APIClient

from zerovisit.accounts.models import OrganisationAgent, ProxyAuthorisation, Role
from zerovisit.accounts.services import applicant_for
from zerovisit.accounts.tests.factories import UserFactory, editor, verified_person
from zerovisit.cases import services as cases
from zerovisit.cases.tests.factories import apply, publish
from zerovisit.core.tests.helpers import run_ready_tasks
from zerovisit.delivery import services as delivery
from zerovisit.delivery.tests.factories import ADDRESS
from zerovisit.licenses.models import License
from zerovisit.licenses.tests.factories import LicenseTypeFactory
from zerovisit.notify.models import Message
from zerovisit.org.tests.factories import AgencyFactory

ACTORS = ["own", "other_person", "agent", "expired_agent", "proxy", "anonymous", "staff", "other_staff"]
# The actors that reach each object; the rest reach nothing.
REACHES = {
    "case": {"own", "agent", "proxy", "staff"},
    "licence": {"own", "agent"},  # the holder's wallet: its representative and its agents
    "message": {"own"},  # messages go to the organisation's holder alone
    "shipment": {"own", "agent", "proxy", "staff"},  # whoever sees the case follows its courier
}


@pytest.fixture
def world(clock, agency, staff):
    """The case, its licence, message and shipment, and an account for each actor."""
    item = publish(agency, name="食品经营许可", mail_results=True, result_type="license", result_name="食品经营许可证")
    LicenseTypeFactory(agency=agency, issuing_items=[item.impl_code])
    representative = verified_person("李四", "320303198506120023").user
    company = applicant_for(kind="organisation", name="徐州市云龙数字科技有限公司", credit_code="91320303MA1YLKJ30Y",
                            account=representative)  # fmt: skip
    agent = verified_person("王五", "320311199204150037").user
    expired_agent = verified_person("赵六", "320322197809230048").user
    today = clock.now.date()
    for who, until in ((agent, today + datetime.timedelta(days=30)), (expired_agent, today - datetime.timedelta(1))):
        OrganisationAgent.objects.create(organisation=company, agent=who, valid_until=until, granted_by=representative)
    proxy = UserFactory(username="daiban")
    ProxyAuthorisation.objects.create(applicant=company, agent=proxy, item_code=item.impl_code, valid_from=today,
                                      valid_until=today + datetime.timedelta(days=30))  # fmt: skip
    case = apply(item, company, actor=proxy, channel="proxy", delivery_method="courier", delivery_address=ADDRESS)
    cases.accept_case(actor=staff[Role.ACCEPTOR], number=case.number)
    cases.review_case(actor=staff[Role.REVIEWER], number=case.number, opinion="符合")
    cases.decide_case(actor=staff[Role.DECIDER], number=case.number, approve=True, reasons="准予")
    delivery.ship_approved_results()
    run_ready_tasks()
    return {
        "case": case,
        "material": case.materials.first(),
        "licence": License.objects.get(case=case),
        "message": Message.objects.filter(recipient=representative).first(),
        "actors": {
            "own": representative,
            "other_person": verified_person("孙七", "320382199501010052").user,
            "agent": agent,
            "expired_agent": expired_agent,
            "proxy": proxy,
            "anonymous": None,
            "staff": staff[Role.ACCEPTOR],
            "other_staff": editor(AgencyFactory(name="徐州市市场监督管理局"), role=Role.ACCEPTOR),
        },
    }


def reached(world, actor: str) -> dict[str, bool]:
    """What the actor gets of each object, through each endpoint that shows it."""
    user = world["actors"][actor]
    api, page = APIClient(), Client()
    if user is not None:
        api.force_login(user)
        page.force_login(user)
    case, licence, message = world["case"], world["licence"], world["message"]

    def listed(path, key, value, **query):
        response = api.get(path, query)
        if user is None:
            assert response.status_code in (401, 403), (path, response.status_code)
            return False
        assert response.status_code == 200, (path, response.status_code)
        body = response.json()
        rows = body["results"] if isinstance(body, dict) else body
        return any(row[key] == value for row in rows)

    def shown(client, path):
        status = client.get(path).status_code
        assert status in (200, 302, 403, 404), (path, status)
        return status == 200

    def marked_read():
        if user is None:
            return False
        return api.post("/api/v1/messages/read/", {"ids": [message.pk]}, format="json").json()["marked"] == 1

    staff = user is not None and user.agency_id is not None
    return {
        "case in the list": listed("/api/v1/cases/", "number", case.number),
        "case": shown(api, f"/api/v1/cases/{case.number}/"),
        "case page": shown(page, f"/workbench/cases/{case.number}/" if staff else f"/my/cases/{case.number}/"),
        "material file": None if staff else shown(page, f"/my/cases/{case.number}/materials/{world['material'].pk}/"),
        "licence in the wallet": listed("/api/v1/licenses/mine/", "number", licence.number),
        "licence file": shown(api, f"/api/v1/licenses/mine/{licence.pk}/file/"),
        "message in the list": listed("/api/v1/messages/", "id", message.pk),
        "message marked read": marked_read(),
        "shipment in the list": listed("/api/v1/shipments/", "case_number", case.number),
    }


OBJECT_OF = {
    "case in the list": "case", "case": "case", "case page": "case", "material file": "case",
    "licence in the wallet": "licence", "licence file": "licence",
    "message in the list": "message", "message marked read": "message",
    "shipment in the list": "shipment",
}  # fmt: skip


@pytest.mark.parametrize("actor", ACTORS)
def test_each_actor_reaches_what_is_theirs_and_nothing_else(world, actor):
    got = reached(world, actor)
    expected = {endpoint: actor in REACHES[OBJECT_OF[endpoint]] for endpoint in got if got[endpoint] is not None}
    assert {endpoint: got[endpoint] for endpoint in expected} == expected
