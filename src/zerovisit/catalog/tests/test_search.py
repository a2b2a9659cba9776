"""Search by Chinese words, full pinyin, initials and 1–2 character queries, ranked as the portal promises."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zerovisit.catalog.selectors import ItemFilters, search_items
from zerovisit.org.models import Level
from zerovisit.org.tests.factories import AgencyFactory, RegionFactory

from .factories import published_item


def names(query, filters=None):
    return [item.name for item in search_items(query, filters)[0:50]]


@pytest.fixture
def catalogue(db):
    published_item(name="个体工商户营业执照核发")
    published_item(name="营业执照补领", is_high_frequency=True)
    published_item(name="普通护照签发", item_type_id="20", base_code="200001000100", result_name="护照")
    published_item(name="食品经营许可证核发", result_name="食品经营许可证")
    published_item(name="公共场所卫生许可", result_name="卫生许可证")


@pytest.mark.parametrize("query", ["yyzz", "yingyezhizhao", "营业执照", "营业", "YYZZ", "yingye"])
def test_business_licence_items_are_found_by_words_pinyin_and_initials(catalogue, query):
    assert set(names(query)) == {"个体工商户营业执照核发", "营业执照补领"}


def test_high_frequency_items_come_first_among_equals(catalogue):
    assert names("yyzz")[0] == "营业执照补领"


@pytest.mark.parametrize("query,expected", [("护照", "普通护照签发"), ("照", None), ("证", None)])
def test_one_and_two_character_queries_match_anywhere_in_a_name(catalogue, query, expected):
    found = names(query)
    assert found
    assert all(query in name for name in found) or expected in found
    if expected:
        assert found[0] == expected


def test_an_exact_name_ranks_first(catalogue):
    published_item(name="卫生许可", is_high_frequency=False)
    assert names("卫生许可")[0] == "卫生许可"


def test_name_matches_rank_before_other_fields(catalogue):
    # "许可证" is in the result name of 公共场所卫生许可 but in the item name of 食品经营许可证核发.
    assert names("许可证")[0] == "食品经营许可证核发"


def test_several_words_must_all_match(catalogue):
    assert names("营业执照 补领") == ["营业执照补领"]
    assert names("营业执照 护照") == []


def test_a_long_chinese_query_falls_back_to_its_words(catalogue):
    assert names("食品许可") == ["食品经营许可证核发"]


def test_nothing_matches_nonsense(catalogue):
    assert names("zzzzqqq") == []


def test_filters_narrow_the_results(catalogue):
    assert names("", ItemFilters(item_type="20")) == ["普通护照签发"]
    assert names("zz", ItemFilters(item_type="20")) == []


@pytest.mark.django_db
def test_region_filter_includes_regions_below():
    city = RegionFactory()
    county = RegionFactory(code="320382000000", name="邳州市", level=Level.COUNTY, parent=city)
    published_item(name="县级事项", agency=AgencyFactory(region=county), level=4)
    published_item(name="市级事项", agency=AgencyFactory(region=city))
    assert set(names("", ItemFilters(region=city))) == {"县级事项", "市级事项"}
    assert names("事项", ItemFilters(region=county)) == ["县级事项"]


def test_zero_visit_and_focus_filters(catalogue):
    published_item(name="需到场事项", visits_required=1, visits_reason="采集指纹", online_level=3)
    assert "需到场事项" not in names("", ItemFilters(zero_visits=True))
    assert names("", ItemFilters(focus="high_frequency")) == ["营业执照补领"]


def test_a_search_page_costs_the_same_queries_for_any_page_size(catalogue):
    for n in range(30):
        published_item(name=f"许可事项{n}")
    counts = []
    for size in (5, 25):
        with CaptureQueriesContext(connection) as queries:
            results = search_items("许可")
            len(results)
            list(results[0:size])
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 3
