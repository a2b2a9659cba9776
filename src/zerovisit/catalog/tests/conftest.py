from zerovisit.cases.tests import conftest as cases
from zerovisit.licenses.tests import conftest as licences

# The case fixtures (the approval bureau with its seal and staff, a citizen, a settable clock) and the licences'
# company, shared.
agency, citizen, clock, staff = cases.agency, cases.citizen, cases.clock, cases.staff
company = licences.company
