"""Applicants: found by identity, linked to the account that files for them, and whose contact details only that
account may change."""

import pytest

from zerovisit.accounts.services import applicant_for, own_applicants
from zerovisit.core import crypto
from zerovisit.org.tests.factories import make_credit_code

from .factories import UserFactory

ID = "32030219900307123X"


@pytest.mark.django_db
def test_the_own_account_updates_the_contact_details_and_an_agent_cannot():
    citizen, agent = UserFactory(), UserFactory()
    first = applicant_for(kind="person", name="张三", id_number=ID, phone="13812341234", account=citizen)
    assert first.user == citizen and own_applicants(citizen) == [first]

    applicant_for(kind="person", name="张三", id_number=ID, phone="13900000000", email="x@example.com", account=agent)
    first.refresh_from_db()
    assert crypto.decrypt(first.phone_encrypted) == "13812341234" and not first.email_encrypted

    applicant_for(kind="person", name="张三", id_number=ID, phone="13700000000", email="zs@example.com",
                  account=citizen)  # fmt: skip
    first.refresh_from_db()
    assert first.phone_masked == "137****0000" and crypto.decrypt(first.email_encrypted) == "zs@example.com"


@pytest.mark.django_db
def test_an_organisation_has_contact_details_too():
    company = applicant_for(kind="organisation", name="徐州云龙食品有限公司", credit_code=make_credit_code(7),
                            phone="13812341234", account=UserFactory())  # fmt: skip
    assert company.phone_masked == "138****1234"
