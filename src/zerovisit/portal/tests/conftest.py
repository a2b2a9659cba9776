"""Browser fixtures of the portal's tests: Debian's Chromium driven by Playwright, against a live test server.

Skipped with a clear message where no Chromium is installed, unless ZV_REQUIRE_BROWSER=1 (as in CI).
"""

import os
import shutil

import pytest
from django.db import connections

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture
def chromium():
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
        yield browser
        browser.close()
        # Inside Playwright's context Django has a connection of its own (connections are per context), which
        # nothing else would close: left open, PostgreSQL could not drop the test database at the end.
        connections.close_all()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def browser_page(chromium):
    return chromium.new_page(viewport=PHONE)  # a phone first
