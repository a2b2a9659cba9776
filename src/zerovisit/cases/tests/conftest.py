from unittest import mock

import pytest
from django.utils import timezone

from zerovisit.accounts.models import Role
from zerovisit.accounts.services import applicant_for
from zerovisit.accounts.tests.factories import UserFactory, editor
from zerovisit.org.tests.factories import AgencyFactory

from .factories import Clock, founding_bundle, publish


@pytest.fixture
def clock():
    c = Clock()
    with mock.patch.object(timezone, "now", lambda: c.now):
        yield c


@pytest.fixture
def agency(db):
    """The approval bureau, with its seal for the notices it issues."""
    from zerovisit.org.services import issue_seal

    bureau = AgencyFactory(name="徐州市行政审批局", kind="approval_bureau")
    issue_seal(agency=bureau)
    return bureau


@pytest.fixture
def staff(agency):
    return {role: editor(agency, role=role, username=role) for role in (Role.ACCEPTOR, Role.REVIEWER, Role.DECIDER)}


@pytest.fixture
def item(agency):
    return publish(agency)


@pytest.fixture
def citizen(db):
    user = UserFactory(username="zhangsan")
    return applicant_for(kind="person", name="张三", id_number="32030219900307123X", phone="13812341234", account=user)


@pytest.fixture
def police(db):
    from zerovisit.org.services import issue_seal

    agency = AgencyFactory(name="徐州市公安局")
    issue_seal(agency=agency)
    return agency


@pytest.fixture
def social(db):
    from zerovisit.org.services import issue_seal

    agency = AgencyFactory(name="徐州市人力资源和社会保障局")
    issue_seal(agency=agency)
    return agency


@pytest.fixture
def founding(agency, police, social):
    """(企业开办 in small, its items by name): see factories.founding_bundle."""
    return founding_bundle(agency, police, social)
