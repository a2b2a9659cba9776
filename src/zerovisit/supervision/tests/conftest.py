# The case fixtures (an agency with its seal and staff, a published item, a citizen, a settable clock), shared
# rather than copied.
from zerovisit.cases.tests.conftest import agency, citizen, clock, item, staff  # noqa: F401
from zerovisit.portal.tests.conftest import chromium  # noqa: F401
