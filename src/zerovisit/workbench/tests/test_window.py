"""The application page at the window: staff of the item's agency file for a walk-in applicant (channel window),
and may accept a credit code whose check character fails with a reason; nobody else may use the page."""

import pytest

from zerovisit.accounts.models import Applicant, Role
from zerovisit.accounts.tests.factories import UserFactory, editor
from zerovisit.cases.models import Case, Channel
from zerovisit.cases.tests.factories import pdf, publish
from zerovisit.catalog.models import MaterialSpec
from zerovisit.core.models import AuditEntry
from zerovisit.org.tests.factories import AgencyFactory, make_credit_code

pytestmark = pytest.mark.django_db

GOOD = make_credit_code(9)
FAILING = GOOD[:17] + ("0" if GOOD[17] != "0" else "1")


@pytest.fixture
def item():
    return publish(AgencyFactory(name="徐州市行政审批局"))


@pytest.fixture
def acceptor(item):
    return editor(item.agency, role=Role.ACCEPTOR, username="window1")


def application(item, **applicant) -> dict:
    required, deferrable = MaterialSpec.objects.filter(item=item).order_by("order")
    return {"applicant_kind": "organisation", "applicant_name": "徐州老字号食品厂", "credit_code": GOOD,
            "id_number": "", "phone": "13812341234", "email": "", "idempotency_key": "k1",
            "delivery_method": item.delivery_methods()[0], "confirm": "on", f"material_{required.pk}": pdf(),
            f"later_{deferrable.pk}": "on", **applicant}  # fmt: skip


def url(item) -> str:
    return f"/workbench/window/{item.impl_code}/"


def test_staff_file_an_application_at_the_window(client, item, acceptor):
    client.force_login(acceptor)
    assert client.get("/workbench/window/", {"item": item.impl_code}).url == url(item)
    assert "check_override_reason" in client.get(url(item)).content.decode()
    response = client.post(url(item), application(item))
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    case = Case.objects.get()
    assert response.status_code == 302 and response.url == f"/workbench/cases/{case.number}/"
    assert case.channel == Channel.WINDOW and case.submitted_by == acceptor and case.applicant.user is None


def test_a_failing_check_character_needs_the_reason_and_is_then_accepted(client, item, acceptor):
    client.force_login(acceptor)
    refused = client.post(url(item), application(item, credit_code=FAILING))
    assert refused.status_code == 200 and refused.context["form"].errors["check_override_reason"]
    assert not Case.objects.exists() and not Applicant.objects.exists()

    client.post(url(item), application(item, credit_code=FAILING, check_override_reason="营业执照原件所载"))
    applicant = Case.objects.get().applicant
    assert applicant.credit_code == FAILING and applicant.credit_code_override_reason == "营业执照原件所载"
    assert applicant.credit_code_overridden_by == acceptor
    assert AuditEntry.objects.get(action="applicant.credit_code_override").detail["via"] == "window"


def test_a_code_outside_the_alphabet_is_shown_on_its_field(client, item, acceptor):
    client.force_login(acceptor)
    refused = client.post(url(item), application(item, credit_code=GOOD[:10] + "Z" + GOOD[11:],
                                                 check_override_reason="证书"))  # fmt: skip
    assert refused.status_code == 200 and refused.context["form"].errors["credit_code"]
    assert not Applicant.objects.exists()


def test_only_acceptors_of_the_items_agency_use_the_page(client, item):
    client.force_login(UserFactory())
    assert client.get(url(item)).status_code == 403
    assert client.post(url(item), application(item)).status_code == 403
    client.force_login(editor(item.agency, role=Role.REVIEWER))
    assert client.get(url(item)).status_code == 403
    client.force_login(editor(AgencyFactory(name="别的局"), role=Role.ACCEPTOR))
    assert client.get(url(item)).status_code == 404
    assert client.post(url(item), application(item, credit_code=FAILING, check_override_reason="x")).status_code == 404
    client.logout()
    assert client.get(url(item)).status_code == 302  # to the login page
    assert not Case.objects.exists() and not Applicant.objects.exists()
