"""The 403, 404, 500 and CSRF-failure pages: in the site's style, in Chinese with English available, a way back,
and nothing of the server's internals."""

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client

from zerovisit.accounts.tests.factories import UserFactory


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def assert_no_internals(page: str):
    assert "Traceback" not in page and "secret detail" not in page and "django" not in page.lower()


def assert_ways_back(page: str):
    assert 'role="search"' in page and 'action="/items/"' in page and 'href="/"' in page


@pytest.mark.django_db
def test_a_missing_page_answers_404_in_chinese_with_a_search_box_and_the_site_around_it(client):
    response = client.get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="zh-hans"' in page and "页面不存在" in page
    assert 'class="site-header"' in page and 'name="language" value="en"' in page  # the site's language switch
    assert_ways_back(page)
    assert_no_internals(page)


@pytest.mark.django_db
def test_a_missing_page_is_in_english_when_the_reader_chose_english(client):
    page = english(client).get("/items/NO-SUCH-ITEM/").content.decode()
    assert '<html lang="en"' in page and "Page not found" in page and "页面不存在" not in page


@pytest.mark.django_db
def test_a_page_the_user_may_not_open_answers_403_with_a_way_back(client):
    client.force_login(UserFactory())
    response = client.get("/workbench/")
    page = response.content.decode()
    assert response.status_code == 403
    assert "无权访问" in page and 'class="site-header"' in page
    assert_ways_back(page)
    assert_no_internals(page)
    assert "Access denied" in english(client).get("/workbench/").content.decode()


@pytest.mark.django_db
def test_a_post_without_a_csrf_token_gets_the_expired_form_page_in_both_languages():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/display/large-text/", {"on": "1", "next": "/"})
    page = response.content.decode()
    assert response.status_code == 403
    assert '<html lang="zh-hans"' in page and "表单已失效" in page
    assert '<section class="other-language" lang="en"' in page and "This form has expired" in page
    assert "portal/portal.css" in page and 'class="site-header"' in page
    assert_ways_back(page)
    assert_no_internals(page)


@pytest.mark.django_db
def test_the_expired_form_page_of_an_english_reader_has_the_chinese_below_marked_as_chinese():
    client = english(Client(enforce_csrf_checks=True))
    page = client.post("/display/large-text/", {"on": "1"}).content.decode()
    assert '<html lang="en"' in page and page.index("This form has expired") < page.index("表单已失效")
    assert '<section class="other-language" lang="zh-Hans"' in page


@pytest.mark.django_db
@pytest.mark.urls("zerovisit.portal.tests.error_urls")
def test_a_server_error_answers_500_without_a_stack_trace():
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    page = response.content.decode()
    assert response.status_code == 500
    assert "服务器出错了" in page and "Something went wrong on our side" in page
    assert_ways_back(page)
    assert_no_internals(page)
    english_page = english(client).get("/boom/").content.decode()
    assert '<html lang="en"' in english_page and '<section class="other-language" lang="zh-Hans"' in english_page


def test_the_server_error_page_renders_without_a_request_or_the_database():
    # No django_db mark: any query here would fail the test.
    page = render_to_string("500.html")
    assert "服务器出错了" in page and 'href="/"' in page
