"""The home page's high-frequency items come from real demand: cases filed in the last 90 days per base item,
then the catalogue's own flag; never simply alphabetical."""

import datetime

import pytest
from django.utils import timezone

from zerovisit.accounts.services import applicant_for
from zerovisit.accounts.tests.factories import UserFactory
from zerovisit.cases.models import Case
from zerovisit.cases.tests.factories import apply, publish
from zerovisit.org.tests.factories import AgencyFactory
from zerovisit.portal import selectors

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant(db):
    return applicant_for(kind="person", name="王五", id_number="32030219900307123X", account=UserFactory())


def item(name, **fields):
    return publish(AgencyFactory(), name=name, **fields)


def file_cases(item, applicant, n):
    return [apply(item, applicant) for _ in range(n)]


def names(items):
    return [i.name for i in items]


def test_items_with_most_recent_cases_come_first_then_the_flagged_ones_by_name(applicant):
    busy, quieter = item("食品经营许可"), item("道路运输经营许可")
    item("爱心企业认定", is_high_frequency=True)
    item("不动产登记", is_high_frequency=True)
    item("安全生产许可")  # neither filed nor flagged
    file_cases(quieter, applicant, 1)
    file_cases(busy, applicant, 3)
    assert names(selectors.high_frequency_items()) == ["食品经营许可", "道路运输经营许可", "不动产登记", "爱心企业认定"]


def test_cases_older_than_90_days_do_not_count(applicant):
    old, recent = item("旧热门许可"), item("新热门许可")
    stale = file_cases(old, applicant, 3)
    Case.objects.filter(pk__in=[c.pk for c in stale]).update(submitted_at=timezone.now() - datetime.timedelta(days=91))
    file_cases(recent, applicant, 1)
    assert names(selectors.high_frequency_items()) == ["新热门许可"]


def test_the_district_copies_of_one_base_item_count_together_and_show_once(applicant):
    city = item("个体工商户设立登记", base_code="010990000000", is_high_frequency=True)
    district = item("个体工商户设立登记", base_code="010990000000", is_high_frequency=True)
    other = item("食品经营许可")
    file_cases(other, applicant, 2)
    file_cases(city, applicant, 1)
    file_cases(district, applicant, 2)  # 3 for the base item in all
    ranked = selectors.high_frequency_items()
    assert names(ranked) == ["个体工商户设立登记", "食品经营许可"]
    assert ranked[0].pk == min((city, district), key=lambda i: (i.level, i.impl_code)).pk


@pytest.mark.parametrize("n", [2, 10])
def test_the_list_costs_the_same_few_queries_whatever_its_length_and_is_then_cached(
    applicant, n, django_assert_num_queries
):
    for k in range(n):
        file_cases(item(f"热门事项{k:02d}"), applicant, 1)
        item(f"标记事项{k:02d}", is_high_frequency=True)
    with django_assert_num_queries(3):  # the demand, its items, the flagged items to fill the list
        first = selectors.high_frequency_items(limit=2 * n + 1)
    assert len(first) == 2 * n
    with django_assert_num_queries(0):
        assert names(selectors.high_frequency_items(limit=2 * n + 1)) == names(first)


def test_the_home_page_lists_them_in_order_of_demand(client, applicant):
    file_cases(item("乙类许可"), applicant, 2)
    item("甲类许可", is_high_frequency=True)
    page = client.get("/").content.decode()
    assert page.index("乙类许可") < page.index("甲类许可")
