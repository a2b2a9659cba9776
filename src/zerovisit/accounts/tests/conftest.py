from zerovisit.cases.tests import conftest as cases
from zerovisit.notify.tests import conftest as notify
from zerovisit.portal.tests import conftest as portal

# The case fixtures (an agency with its seal and staff, a published item, a citizen, a settable clock), and the
# browser's and the SMS gateway's, shared.
agency, citizen, clock, item, staff = cases.agency, cases.citizen, cases.clock, cases.item, cases.staff
browser_page, chromium = portal.browser_page, portal.chromium
gateway = notify.gateway
