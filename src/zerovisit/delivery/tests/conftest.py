import pytest

from zerovisit.cases.tests import conftest as case_fixtures
from zerovisit.cases.tests.factories import publish

# The case fixtures, shared: the clock, the approval bureau with its seal, its staff, an item and a citizen.
clock, agency, staff = case_fixtures.clock, case_fixtures.agency, case_fixtures.staff
item, citizen = case_fixtures.item, case_fixtures.citizen
police, social = case_fixtures.police, case_fixtures.social


@pytest.fixture
def courier_item(agency):
    return publish(agency, name="食品经营许可", mail_results=True, result_type="license", result_name="食品经营许可证")
