from zerovisit.cases.tests import conftest as case_fixtures

# The case fixtures, shared: the clock, the approval bureau with its seal, its staff, an item and a citizen.
clock, agency, staff = case_fixtures.clock, case_fixtures.agency, case_fixtures.staff
item, citizen = case_fixtures.item, case_fixtures.citizen
