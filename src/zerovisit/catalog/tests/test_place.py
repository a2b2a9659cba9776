"""一级开发、多级使用: for a reader's place, one implementation of each base item, the one that serves them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zerovisit.catalog.selectors import ItemFilters, implementation_for, implementations, search_items
from zerovisit.org.models import Level
from zerovisit.org.tests.factories import xuzhou_places

from .factories import placed_catalogue, published_item


@pytest.fixture
def places(db):
    return xuzhou_places()


@pytest.fixture
def catalogue(places):
    return placed_catalogue(places)


def shown(place, query=""):
    return {(item.name, item.region.name) for item in search_items(query, ItemFilters(place=place))[0:50]}


def test_a_county_sees_its_own_implementation_before_the_citys(places, catalogue):
    assert shown(places["tongshan"]) == {
        ("个体工商户设立登记", "铜山区"),
        ("食品经营许可", "铜山区"),
        ("老年人优待证办理", "柳新镇"),  # no office of 铜山区 or above has it: its town's stands in
    }


def test_a_county_without_its_own_implementation_is_served_by_the_city(places, catalogue):
    assert shown(places["xinyi"]) == {("个体工商户设立登记", "新沂市"), ("食品经营许可", "徐州市")}


def test_a_district_that_no_office_serves_does_not_see_other_districts_copies(places, catalogue):
    assert shown(places["gulou"]) == {("食品经营许可", "徐州市")}


def test_a_village_is_served_by_the_nearest_office_above_it(places, catalogue):
    assert shown(places["village"]) == {
        ("个体工商户设立登记", "铜山区"),
        ("食品经营许可", "铜山区"),
        ("老年人优待证办理", "柳新镇"),
    }


def test_the_city_sees_every_base_item_once(places, catalogue):
    found = [item.name for item in search_items("", ItemFilters(place=places["city"]))[0:50]]
    assert sorted(found) == ["个体工商户设立登记", "老年人优待证办理", "食品经营许可"]
    assert shown(places["city"]) >= {("食品经营许可", "徐州市"), ("个体工商户设立登记", "铜山区")}  # the lowest id


def test_search_keeps_one_implementation_per_place(places, catalogue):
    assert shown(places["tongshan"], "个体工商户") == {("个体工商户设立登记", "铜山区")}
    assert shown(places["xinyi"], "gtgsh") == {("个体工商户设立登记", "新沂市")}
    assert shown(places["xinyi"], "食品") == {("食品经营许可", "徐州市")}
    assert shown(places["gulou"], "个体工商户") == set()


def test_a_place_combines_with_the_other_filters(places, catalogue):
    filters = ItemFilters(place=places["tongshan"], level=Level.COUNTY)
    assert {i.name for i in search_items("", filters)[0:50]} == {"个体工商户设立登记", "食品经营许可"}


def test_implementation_for_names_the_office_that_serves_the_place_or_none(places, catalogue):
    assert implementation_for("013010200100", places["tongshan"]) == catalogue["sole_trader_tongshan"]
    assert implementation_for("013010100100", places["xinyi"]) == catalogue["food_city"]
    assert implementation_for("013010200100", places["gulou"]) is None
    assert implementation_for("013010200100", places["city"]) is None  # only districts implement it


def test_implementations_lists_every_place_by_region_code(places, catalogue):
    assert [i.region.name for i in implementations("013010200100")] == ["铜山区", "新沂市"]


def test_a_placed_list_reads_its_page_without_a_query_per_item(places, catalogue):
    for n in range(20):
        published_item(name=f"城市事项{n}", agency=catalogue["food_city"].agency)
    with CaptureQueriesContext(connection) as placed:
        list(search_items("", ItemFilters(place=places["tongshan"]))[0:20])
    with CaptureQueriesContext(connection) as unplaced:
        list(search_items("")[0:20])
    assert len(placed) == len(unplaced) + 2  # the place and its chain, read once and cached
