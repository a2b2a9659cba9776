"""The directory of service apps (特色服务应用): listed by category, opened through the portal, which counts them."""

import pytest
from django.core.exceptions import ValidationError

from zerovisit.accounts.tests.factories import UserFactory
from zerovisit.catalog.tests.factories import placed_catalogue
from zerovisit.org.tests.factories import xuzhou_places
from zerovisit.portal.models import AppCategory, AppLink, IdentityLevel, ServiceApp

from .factories import ServiceAppFactory


def test_the_directory_lists_apps_by_category_and_filters_them(client, db):
    ServiceAppFactory(name="公积金提取", category=AppCategory.HOUSING_FUND)
    ServiceAppFactory(name="水费缴纳", category=AppCategory.BILLS, available=False, unavailable_note="系统维护中")
    page = client.get("/apps/").content.decode()
    assert "智慧公积金" in page and "公积金提取" in page and "水费缴纳" in page and "系统维护中" in page
    only = client.get("/apps/", {"category": "bills"}).content.decode()
    assert "水费缴纳" in only and "公积金提取" not in only
    assert "公积金提取" in client.get("/apps/", {"category": "nonsense"}).content.decode()  # read as “all”


def test_opening_an_app_counts_it_and_leads_to_its_page(client, db):
    app = ServiceAppFactory(path="/licenses/verify/")
    response = client.get(f"/apps/{app.pk}/")
    assert response.status_code == 302 and response["Location"] == "/licenses/verify/"
    client.get(f"/apps/{app.pk}/")
    app.refresh_from_db()
    assert app.uses == 2


def test_an_app_of_an_item_opens_the_guide_of_the_office_that_serves_the_reader(client, db):
    places = xuzhou_places()
    items = placed_catalogue(places)
    app = ServiceAppFactory(link=AppLink.ITEM, path="", base_code="013010200100")
    client.post("/place/", {"region": "320381000000"})
    assert client.get(f"/apps/{app.pk}/")["Location"] == f"/items/{items['sole_trader_xinyi'].impl_code}/"
    client.post("/place/", {"region": "320302000000"})  # no office serves 鼓楼区: a search for the item
    assert client.get(f"/apps/{app.pk}/")["Location"] == "/items/?q=013010200100"


def test_an_outside_app_leads_to_its_address(client, db):
    app = ServiceAppFactory(link=AppLink.OUTSIDE, path="", url="https://www.xz.gov.cn/")
    assert client.get(f"/apps/{app.pk}/")["Location"] == "https://www.xz.gov.cn/"


def test_an_app_that_needs_an_identity_asks_for_the_sign_in_first(client, db):
    app = ServiceAppFactory(identity_level=IdentityLevel.REAL_NAME)
    response = client.get(f"/apps/{app.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=/apps/")
    app.refresh_from_db()
    assert app.uses == 0
    client.force_login(UserFactory())
    assert client.get(f"/apps/{app.pk}/")["Location"] == "/my/licenses/"


def test_an_unavailable_app_says_why_and_is_not_counted(client, db):
    app = ServiceAppFactory(available=False, unavailable_note="系统升级维护中")
    response = client.get(f"/apps/{app.pk}/")
    assert response.status_code == 503 and "系统升级维护中" in response.content.decode()
    app.refresh_from_db()
    assert app.uses == 0


def test_a_missing_app_is_a_404(client, db):
    assert client.get("/apps/999999/").status_code == 404


@pytest.mark.parametrize(
    "fields,field",
    [
        ({"link": AppLink.PAGE, "path": "//evil.example/"}, "path"),
        ({"link": AppLink.PAGE, "path": "https://evil.example/"}, "path"),
        ({"link": AppLink.OUTSIDE, "url": "http://www.xz.gov.cn/"}, "url"),
        ({"link": AppLink.ITEM, "base_code": "12345"}, "base_code"),
        ({"available": False, "unavailable_note": " "}, "unavailable_note"),
    ],
)
def test_an_app_that_would_lead_astray_is_refused(db, fields, field):
    app = ServiceAppFactory.build(**fields)
    with pytest.raises(ValidationError) as refused:
        app.full_clean()
    assert field in refused.value.message_dict


def test_the_home_page_features_apps(client, db):
    ServiceAppFactory(name="市民卡服务", featured=True)
    ServiceAppFactory(name="不上首页", featured=False)
    page = client.get("/").content.decode()
    assert "市民卡服务" in page and "不上首页" not in page


def test_the_api_lists_the_directory_for_the_mobile_app(client, db):
    ServiceAppFactory(name="公积金提取", category=AppCategory.HOUSING_FUND, featured=True)
    ServiceAppFactory(name="水费缴纳", category=AppCategory.BILLS)
    found = client.get("/api/v1/apps/", {"category": "housing_fund"}).json()
    [app] = found["results"]
    assert app["name"] == "公积金提取" and app["category_name"] == "智慧公积金"
    assert app["open_url"] == f"/apps/{app['id']}/"
    refused = client.get("/api/v1/apps/", {"category": "nope"})
    assert refused.status_code == 400 and refused.json()["code"] == "invalid_filter"
    assert client.get("/api/v1/apps/", {"agency": 999999}).json()["count"] == 0  # an agency with none
    assert client.get("/api/v1/apps/", {"agency": "1.5"}).status_code == 400


def test_the_demo_has_a_directory_of_more_than_twenty_apps(db):
    from zerovisit import demo_data

    demo_data.load_organisation()
    assert demo_data.load_apps() >= 20
    assert ServiceApp.objects.count() >= 20 and ServiceApp.objects.filter(available=False).exists()
    assert ServiceApp.objects.filter(featured=True).count() >= 6
