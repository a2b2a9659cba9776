"""The reader's place in the portal: chosen in the header, remembered, and deciding which office's guide is shown."""

import re

import pytest

from zerovisit.accounts.tests.factories import UserFactory
from zerovisit.catalog.tests.factories import placed_catalogue
from zerovisit.org.models import HallKind, HallService
from zerovisit.org.tests.factories import ServiceHallFactory, xuzhou_places


@pytest.fixture
def places(db):
    return xuzhou_places()


@pytest.fixture
def catalogue(places):
    return placed_catalogue(places)


def choose(client, code, next_url="/items/"):
    return client.post("/place/", {"region": code, "next": next_url})


def cards(client, **query) -> list[str]:
    """The item cards of a list page, as text."""
    page = client.get("/items/", query).content.decode()
    return [re.sub(r"<[^>]+>", " ", card) for card in re.findall(r'<li class="item-card">(.*?)</li>', page, re.S)]


def test_the_header_names_the_city_until_a_place_is_chosen(client, catalogue):
    page = client.get("/").content.decode()
    assert 'class="place-link"' in page and "<span>徐州市</span>" in page


def test_choosing_a_place_is_remembered_in_a_cookie_and_shown_in_the_header(client, catalogue):
    response = choose(client, "320312000000")
    assert response.status_code == 302 and response["Location"] == "/items/"
    assert response.cookies["zv_place"]["samesite"] == "Lax"
    assert "<span>铜山区</span>" in client.get("/").content.decode()


def test_a_signed_in_person_keeps_their_place_on_every_device(client, catalogue, places):
    user = UserFactory()
    client.force_login(user)
    choose(client, "320381000000")
    user.refresh_from_db()
    assert user.place == places["xinyi"]
    client.cookies.clear()
    client.force_login(user)  # another device: no cookie, the account says where they live
    assert "<span>新沂市</span>" in client.get("/").content.decode()


def test_the_list_shows_one_implementation_the_one_that_serves_the_place(client, catalogue):
    choose(client, "320312000000")
    [card] = cards(client, q="个体工商户")
    assert "铜山区行政审批局" in card


def test_an_item_that_only_districts_implement_is_listed_once_for_the_city(client, catalogue):
    [card] = cards(client, q="个体工商户")
    assert "由各区县分别办理" in card and "行政审批局" not in card  # it stands in for the districts' copies


def test_a_place_named_in_the_address_overrides_the_remembered_one(client, catalogue):
    choose(client, "320312000000")
    [card] = cards(client, q="个体工商户", place="320381000000")
    assert "新沂市行政审批局" in card


def test_the_guide_of_another_place_points_to_the_readers_own_office(client, catalogue):
    choose(client, "320312000000")
    other = catalogue["sole_trader_xinyi"]
    page = client.get(f"/items/{other.impl_code}/").content.decode()
    assert "在铜山区，本事项由铜山区行政审批局办理" in page
    assert f"/items/{catalogue['sole_trader_tongshan'].impl_code}/" in page
    assert "在其他 1 个地区实施" in page  # the other places' implementations, on request


def test_the_guide_asks_for_a_place_when_no_office_serves_the_readers_place(client, catalogue):
    choose(client, "320302000000")  # 鼓楼区: neither it nor the city implements the item
    page = client.get(f"/items/{catalogue['sole_trader_xinyi'].impl_code}/").content.decode()
    assert "选择所在地" in page and "/place/?next=" in page


def test_the_guide_of_the_readers_own_office_says_nothing_about_places(client, catalogue):
    choose(client, "320312000000")
    page = client.get(f"/items/{catalogue['sole_trader_tongshan'].impl_code}/").content.decode()
    assert 'class="place-note"' not in page


def test_the_chooser_walks_down_the_region_tree(client, catalogue):
    top = client.get("/place/").content.decode()
    assert "铜山区" in top and "新沂市" in top and "柳新镇" not in top
    tongshan = client.get("/place/", {"at": "320312000000"}).content.decode()
    assert "柳新镇" in tongshan and 'value="320312000000"' in tongshan and "新沂市" not in tongshan


def test_choosing_a_place_that_does_not_exist_says_so_and_changes_nothing(client, catalogue):
    response = choose(client, "999999999999")
    assert response.status_code == 400 and 'role="alert"' in response.content.decode()
    assert "zv_place" not in response.cookies


def test_choosing_a_place_never_redirects_to_another_site(client, catalogue):
    assert choose(client, "320312000000", next_url="https://evil.example/")["Location"] == "/"


def test_a_cookie_that_names_no_region_falls_back_to_the_city(client, catalogue):
    for value in ("abc", "99999999", "1" * 40, "²", "-3"):  # ² is a digit to str.isdigit(), not to int()
        client.cookies["zv_place"] = value
        assert "<span>徐州市</span>" in client.get("/").content.decode()


def test_the_service_points_near_a_place_list_what_they_take_in(client, catalogue, places):
    town = ServiceHallFactory(name="柳新镇便民服务中心", region=places["liuxin"], kind=HallKind.TOWN, phone="0516-1")
    HallService.objects.create(hall=town, base_code="013010200100", mode="proxy")
    ServiceHallFactory(name="新沂市政务服务中心", region=places["xinyi"])
    choose(client, "320312000000")
    page = client.get("/service-points/").content.decode()
    assert "柳新镇便民服务中心" in page and "便民服务中心" in page and "新沂市政务服务中心" not in page
    assert f"/items/{catalogue['sole_trader_tongshan'].impl_code}/" in page and "代办" in page


def test_the_api_lists_the_items_for_a_place_and_refuses_an_unknown_one(client, catalogue):
    found = client.get("/api/v1/items/", {"place": "320381000000", "q": "个体工商户"}).json()
    assert [r["agency_name"] for r in found["results"]] == ["新沂市行政审批局"]
    refused = client.get("/api/v1/items/", {"place": "320399000000"})
    assert refused.status_code == 400 and refused.json()["code"] == "invalid_query"
