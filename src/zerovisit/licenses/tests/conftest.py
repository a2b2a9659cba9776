import pytest

from zerovisit.accounts.services import applicant_for
from zerovisit.accounts.tests.factories import UserFactory
from zerovisit.cases.tests import conftest as case_fixtures
from zerovisit.cases.tests.factories import publish
from zerovisit.org.tests.factories import make_credit_code

from .factories import LicenseTypeFactory

# The case fixtures, shared: the clock, the approval bureau with its seal, and its staff.
clock, agency, staff = case_fixtures.clock, case_fixtures.agency, case_fixtures.staff

SHOP_FIELDS = [
    {"label": "经营场所", "type": "text", "required": True, "choices": []},
    {"label": "主体业态", "type": "choice", "required": True, "choices": ["食品销售经营者", "餐饮服务经营者"]},
]
ANSWERS = {"经营场所": "徐州市云龙区和平路88号", "主体业态": "餐饮服务经营者"}


@pytest.fixture
def company(db):
    owner = UserFactory(username="boss")
    return applicant_for(kind="organisation", name="徐州云龙餐饮有限公司", credit_code=make_credit_code(77),
                         phone="13812341234", account=owner)  # fmt: skip


@pytest.fixture
def food_item(agency):
    return publish(agency, name="食品经营许可", form_fields=SHOP_FIELDS)


@pytest.fixture
def food_license_type(agency, food_item):
    return LicenseTypeFactory(agency=agency, issuing_items=[food_item.impl_code])
