from unittest import mock

import pytest
from django.utils import timezone

from zerovisit.accounts.models import Role
from zerovisit.accounts.services import applicant_for
from zerovisit.accounts.tests.factories import UserFactory, editor
from zerovisit.org.tests.factories import AgencyFactory

from .factories import Clock, publish


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
