"""The licence wallet costs a fixed number of queries, whatever the number of licences: the portal page and
`GET /api/v1/licenses/mine/`, each with 2 and with 10 licences (a row that costs a query of its own makes the
10-licence run fail)."""

import pytest
from rest_framework.test import APIClient

from zerovisit.core.tests.helpers import run_ready_tasks
from zerovisit.licenses import importer
from zerovisit.licenses.models import License

from .test_issuing import approve

HEADER = "证照类型代码,证照编号,持证主体,持证主体代码,持证主体代码类型,发证日期,有效期至,状态,证面信息"


@pytest.fixture
def wallet_of(clock, food_item, food_license_type, company, staff):
    """The company holds `n` licences: one issued on approval (sealed PDF), the others from the library's import,
    some of them expired, each with the seal and the document of the first."""

    def make(n):
        issued = License.objects.get(case=approve(food_item, company, staff))
        run_ready_tasks()
        issued.refresh_from_db()
        rows = [f"{food_license_type.code},JY-OLD-{k:03d},{company.name},{company.credit_code},001,"
                f"20{15 + k % 10}-03-01,{'2020-12-31' if k % 3 == 0 else ''},有效," for k in range(n - 1)]  # fmt: skip
        report = importer.import_file(("\n".join([HEADER, *rows]) + "\n").encode("utf-8-sig"), "证照.csv")
        assert report.ok, report.lines()
        License.objects.exclude(pk=issued.pk).update(holder=company, seal=issued.seal, file=issued.file.name)
        assert License.objects.filter(holder=company).count() == n
        return company.user

    return make


@pytest.mark.parametrize("n", [2, 10])
def test_the_wallet_page_costs_the_same_queries_for_any_number_of_licences(
    client, wallet_of, n, django_assert_num_queries
):
    client.force_login(wallet_of(n))
    # Two of them find the city the header names (org.selectors.home_region), cached for later pages.
    with django_assert_num_queries(11):
        page = client.get("/my/licenses/").content.decode()
    assert page.count("JY-OLD-") == n - 1


@pytest.mark.parametrize("n", [2, 10])
def test_the_wallet_api_costs_the_same_queries_for_any_number_of_licences(wallet_of, n, django_assert_num_queries):
    api = APIClient()
    api.force_login(wallet_of(n))
    with django_assert_num_queries(8):
        body = api.get("/api/v1/licenses/mine/").json()
    assert len(body) == n and all(entry["file_url"] for entry in body)
