import pytest

from zerovisit.accounts.models import Role
from zerovisit.accounts.tests.factories import editor
from zerovisit.cases.tests import conftest as cases
from zerovisit.org.tests.factories import xuzhou_places
from zerovisit.supervision.tests.factories import decided

# The case fixtures (an agency with its seal and staff, a published item, a citizen, a settable clock), shared.
agency, citizen, clock, item, staff = cases.agency, cases.citizen, cases.clock, cases.item, cases.staff


@pytest.fixture
def concluded(item, citizen, staff, clock):
    """zhangsan's case, approved on Monday 2026-11-02."""
    return decided(item, citizen, staff, clock, on=(2026, 11, 2))


@pytest.fixture
def agency_supervisor(agency):
    return editor(agency, role=Role.SUPERVISOR, username="jiandu")


@pytest.fixture
def city_supervisor(db, agency):
    """The regional supervisor of the city the agency belongs to, in another agency (the 政务服务管理办公室)."""
    from zerovisit.org.tests.factories import AgencyFactory

    city = xuzhou_places()["city"]
    agency.region = city
    agency.save(update_fields=["region"])
    office = AgencyFactory(name="徐州市政务服务管理办公室", region=city)
    return editor(office, role=Role.REGION_SUPERVISOR, username="shi_jiandu")
