"""The portal in a real browser: Debian's Chromium driven by Playwright, against a live test server.

Skipped with a clear message where no Chromium is installed, unless ZV_REQUIRE_BROWSER=1 (as in CI).
"""

import os
import shutil

import pytest
from django.db import connections

from zerovisit.catalog.tests.factories import published_item

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def browser_page():
    if not CHROMIUM:
        if os.environ.get("ZV_REQUIRE_BROWSER") == "1":
            pytest.fail("ZV_REQUIRE_BROWSER=1 but no chromium on PATH (apt-get install chromium)")
        pytest.skip("browser tests need Debian's chromium on PATH (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread, which makes Django refuse ORM calls; the tests
    # use the ORM only to set up data before driving the browser.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone first
        yield page
        browser.close()
        # Inside Playwright's context Django has a connection of its own (connections are per context), which
        # nothing else would close: left open, PostgreSQL could not drop the test database at the end.
        connections.close_all()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def test_a_citizen_finds_the_business_licence_by_initials_and_reads_its_guide(live_server, browser_page):
    item = published_item(name="个体工商户营业执照核发", is_high_frequency=True)
    published_item(name="普通护照签发")
    page = browser_page
    page.goto(live_server.url)
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.get_by_role("searchbox").fill("yyzz")
    page.keyboard.press("Enter")
    page.wait_for_url("**/items/?q=yyzz")
    results = page.locator(".item-list .item-name")
    assert results.all_inner_texts() == ["个体工商户营业执照核发"]
    results.first.click()
    page.wait_for_url(f"**/items/{item.impl_code}/")
    assert page.get_by_role("heading", level=1).inner_text() == "个体工商户营业执照核发"
    assert page.get_by_role("table").locator("tbody tr").count() == 1
    assert page.locator(".flow li").count() >= 3


def test_the_portal_works_from_the_keyboard_and_in_large_text(live_server, browser_page):
    published_item(name="营业执照补领")
    page = browser_page
    page.goto(live_server.url)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "跳到主要内容"
    page.get_by_role("button", name="大字模式").click()
    page.wait_for_load_state()
    assert "large-text" in page.locator("html").get_attribute("class")
    assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == "21px"


def test_the_portal_switches_to_english_and_loads_nothing_from_outside(live_server, browser_page):
    page = browser_page
    outside = []
    page.on(
        "request", lambda request: outside.append(request.url) if not request.url.startswith(live_server.url) else None
    )
    page.goto(live_server.url)
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "High-frequency items" in page.content()
    page.goto(live_server.url + "/api/v1/docs/")
    page.wait_for_selector(".swagger-ui", timeout=10_000)
    assert outside == []
