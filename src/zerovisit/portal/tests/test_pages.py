"""The public pages: what a citizen sees, in Chinese by default and in English on request."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from zerovisit.catalog import services
from zerovisit.catalog.tests.factories import MaterialSpecFactory, published_item


@pytest.fixture
def items(db):
    return [
        published_item(name="个体工商户营业执照核发", is_high_frequency=True),
        published_item(
            name="普通护照签发",
            fee_required=True,
            fee_items="护照工本费",
            fee_basis="发改价格〔2017〕1186号",
            visits_required=1,
            visits_reason="现场采集指纹和人像",
            online_level=3,
        ),
    ]


def test_the_home_page_shows_search_themes_departments_and_the_zero_visit_share(client, items):
    page = client.get("/").content.decode()
    assert 'role="search"' in page and "个体工商户营业执照核发" in page
    assert "50.0%" in page
    assert "生育收养" in page and "设立变更" in page
    assert items[0].agency.name in page


def test_typing_pinyin_initials_lists_the_business_licence_item(client, items):
    page = client.get("/items/", {"q": "yyzz"}).content.decode()
    assert "个体工商户营业执照核发" in page and "普通护照签发" not in page


def test_the_list_paginates(client, db):
    for n in range(25):
        published_item(name=f"许可事项{n:02d}")
    first = client.get("/items/").content.decode()
    second = client.get("/items/", {"page": 2}).content.decode()
    assert 'aria-current="page">1<' in first and "许可事项24" in second


def test_a_bad_filter_says_what_to_fix(client, items):
    page = client.get("/items/", {"type": "99"}).content.decode()
    assert 'role="alert"' in page and "事项类型" in page


def test_the_guide_shows_every_element(client, items):
    item = items[1]
    page = client.get(f"/items/{item.impl_code}/").content.decode()
    for text in (
        "普通护照签发",
        item.impl_code,
        "设定依据",
        "法定办结时限",
        "20个工作日",
        "现场采集指纹和人像",
        "护照工本费",
        "发改价格〔2017〕1186号",
        "0516-83735000",
        "12345",
        "受理条件",
        "申请材料",
    ):
        assert text in page, text
    assert 'class="flow"' in page


def test_the_guide_offers_blank_forms_and_samples_for_download(client, db):
    item = published_item()
    draft = services.item_new_draft(actor=None, item=item)
    MaterialSpecFactory(
        item=draft,
        name="申请书",
        blank_form=SimpleUploadedFile("blank.pdf", b"%PDF-1.4 blank"),
        sample=SimpleUploadedFile("sample.pdf", b"%PDF-1.4 sample"),
    )
    services.item_publish(actor=None, item=draft)
    page = client.get(f"/items/{item.impl_code}/").content.decode()
    assert "blank.pdf" in page and "sample.pdf" in page and "download" in page
    material = draft.materials.get(name="申请书")
    assert len(material.blank_form_sha256) == 64


def test_an_unpublished_item_is_not_found(client, db):
    assert client.get("/items/nothing/").status_code == 404


def test_large_text_mode_is_remembered(client, items):
    response = client.post("/display/large-text/", {"on": "1", "next": "/items/"})
    assert response.status_code == 302 and response.headers["Location"] == "/items/"
    assert 'class="large-text"' in client.get("/").content.decode()


def test_large_text_refuses_to_redirect_elsewhere(client, db):
    response = client.post("/display/large-text/", {"on": "1", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"


def test_pages_switch_to_english(client, items):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert 'lang="en"' in page and "High-frequency items" in page


def test_the_pages_cost_the_same_queries_for_any_number_of_items(client, db, django_assert_max_num_queries):
    for n in range(30):
        published_item(name=f"许可事项{n:02d}", is_high_frequency=True)
    with django_assert_max_num_queries(12):
        client.get("/")
    with django_assert_max_num_queries(12):
        client.get("/items/", {"q": "许可"})
    url = f"/items/{published_item().impl_code}/"
    with django_assert_max_num_queries(8):
        client.get(url)


def test_pages_open_in_chinese_whatever_the_browser_prefers(client, db):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-hans"' in page
