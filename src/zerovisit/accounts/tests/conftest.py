from zerovisit.cases.tests import conftest as cases

# The case fixtures (an agency with its seal and staff, a published item, a citizen, a settable clock), shared.
agency, citizen, clock, item, staff = cases.agency, cases.citizen, cases.clock, cases.item, cases.staff
