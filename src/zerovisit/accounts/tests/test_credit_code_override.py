"""A credit code whose check character fails (some early codes are legal yet fail it) is a warning that staff at a
window or an administrator may override with a reason, recorded on the applicant and audited; a citizen online
gets the hard refusal, and a code of the wrong length or alphabet is refused for everyone, each with its code."""

import pytest

from zerovisit.accounts.models import Applicant, Role
from zerovisit.accounts.services import InvalidIdentity, applicant_for
from zerovisit.core import audit
from zerovisit.core.models import AuditEntry
from zerovisit.org.tests.factories import AgencyFactory, make_credit_code

from .factories import UserFactory, editor

pytestmark = pytest.mark.django_db

GOOD = make_credit_code(5)
FAILING = GOOD[:17] + ("0" if GOOD[17] != "0" else "1")  # well formed, wrong check character
ADMIN = "/admin/accounts/applicant/"


@pytest.fixture
def acceptor():
    return editor(AgencyFactory(), role=Role.ACCEPTOR)


def organisation(**kwargs):
    return applicant_for(kind="organisation", name="徐州老字号食品厂", **kwargs)


def refusal(**kwargs) -> str:
    with pytest.raises(InvalidIdentity) as refused:
        organisation(**kwargs)
    return refused.value.code


def test_a_credit_code_with_a_character_outside_the_alphabet_is_refused_as_such(acceptor):
    for letter in "IOSVZ":
        code = refusal(credit_code=GOOD[:10] + letter + GOOD[11:], actor=acceptor, check_override_reason="证书")
        assert code == "invalid_credit_code_characters"
    assert refusal(credit_code=GOOD[:17], actor=acceptor) == "invalid_credit_code"
    assert not Applicant.objects.exists()


def test_a_citizen_online_is_refused_a_failing_check_even_with_a_reason():
    citizen = UserFactory()
    assert refusal(credit_code=FAILING, account=citizen, actor=citizen, check_override_reason="我确定") == (
        "credit_code_check_failed"
    )
    assert not Applicant.objects.exists()


def test_only_an_acceptor_of_an_agency_may_override(acceptor):
    reviewer, proxy_agent = editor(acceptor.agency, role=Role.REVIEWER), UserFactory()
    for actor in (reviewer, proxy_agent):
        assert refusal(credit_code=FAILING, actor=actor, check_override_reason="营业执照所载") == (
            "credit_code_check_failed"
        )
    assert not Applicant.objects.exists()


def test_staff_at_the_window_must_give_a_reason(acceptor):
    assert refusal(credit_code=FAILING, actor=acceptor) == "credit_code_check_failed"
    assert refusal(credit_code=FAILING, actor=acceptor, check_override_reason="  ") == "credit_code_check_failed"
    assert refusal(credit_code=FAILING, actor=acceptor, check_override_reason="法定代表人 13812341234") == (
        "personal_data_in_reason"
    )
    assert refusal(credit_code=FAILING, actor=acceptor, check_override_reason="长" * 501) == (
        "check_override_reason_too_long"
    )
    assert not Applicant.objects.exists()


def test_an_override_at_the_window_is_recorded_on_the_applicant_and_audited(acceptor):
    applicant = organisation(credit_code=FAILING, actor=acceptor, check_override_reason="2015年营业执照原件所载")
    applicant.refresh_from_db()
    assert applicant.credit_code == FAILING and applicant.credit_code_override_reason == "2015年营业执照原件所载"
    assert applicant.credit_code_overridden_by == acceptor and applicant.credit_code_overridden_at is not None
    entry = AuditEntry.objects.get(action="applicant.credit_code_override")
    assert entry.actor == acceptor and entry.object_id == str(applicant.pk)
    assert entry.detail == {"applicant": FAILING, "via": "window", "reason": "2015年营业执照原件所载"}
    assert AuditEntry.objects.filter(action="applicant.create", object_id=str(applicant.pk)).exists()
    assert audit.verify_chain() is None


def test_once_staff_confirmed_a_code_its_organisation_may_apply_online(acceptor):
    confirmed = organisation(credit_code=FAILING, actor=acceptor, check_override_reason="营业执照原件所载")
    owner = UserFactory()
    assert organisation(credit_code=FAILING, account=owner, actor=owner) == confirmed
    assert AuditEntry.objects.filter(action="applicant.credit_code_override").count() == 1


def test_a_passing_code_records_no_override(acceptor):
    applicant = organisation(credit_code=GOOD, actor=acceptor, check_override_reason="无需")
    assert applicant.credit_code_overridden_at is None and not applicant.credit_code_override_reason
    assert not AuditEntry.objects.filter(action="applicant.credit_code_override").exists()


def test_an_administrator_registers_an_organisation_with_a_failing_code_and_the_reason(admin_client):
    assert admin_client.get(f"{ADMIN}add/").status_code == 200
    form = {"name": "徐州老字号食品厂", "credit_code": FAILING.lower()}
    refused = admin_client.post(f"{ADMIN}add/", form)
    assert refused.status_code == 200 and "check_override_reason" in refused.context["adminform"].form.errors
    assert not Applicant.objects.exists()
    response = admin_client.post(f"{ADMIN}add/", {**form, "check_override_reason": "市场监管局出具的证明"})
    assert response.status_code == 302, response.content.decode()[:2000]
    applicant = Applicant.objects.get()
    assert applicant.kind == "organisation" and applicant.credit_code == FAILING
    assert applicant.credit_code_override_reason == "市场监管局出具的证明"
    assert applicant.credit_code_overridden_by.username == "admin"
    entry = AuditEntry.objects.get(action="applicant.credit_code_override")
    assert entry.detail["via"] == "admin" and entry.actor.username == "admin"
    page = admin_client.get(f"{ADMIN}{applicant.pk}/change/").content.decode()
    assert "市场监管局出具的证明" in page
    assert admin_client.post(f"{ADMIN}add/", {**form, "check_override_reason": "再次"}).status_code == 200
    assert Applicant.objects.count() == 1


def test_the_admin_refuses_a_code_outside_the_alphabet(admin_client):
    response = admin_client.post(f"{ADMIN}add/", {"name": "某公司", "credit_code": GOOD[:10] + "O" + GOOD[11:],
                                                  "check_override_reason": "证书"})  # fmt: skip
    assert response.status_code == 200 and "credit_code" in response.context["adminform"].form.errors
    assert not Applicant.objects.exists()
