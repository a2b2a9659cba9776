"""The supervisors' pages in Debian's Chromium, at a phone's width and a desktop's: nothing scrolls sideways, and
axe finds no serious or critical accessibility problem."""

import pytest

from zerovisit.accounts.models import Role
from zerovisit.accounts.tests.factories import editor
from zerovisit.cases.tests.factories import apply
from zerovisit.feedback import services as feedback
from zerovisit.org.tests.factories import AgencyFactory, xuzhou_places
from zerovisit.portal.tests.conftest import DESKTOP, PHONE
from zerovisit.portal.tests.test_browser_mobile import AXE, RUN_AXE, assert_no_sideways_scrolling, log_in

from ..alerts import raise_alerts
from ..services import apply_rollup_queue
from .factories import decided


@pytest.fixture
def supervised(transactional_db, clock, agency, item, citizen, staff):
    """A city supervisor, a decided and badly rated case, and an open one past its deadline."""
    city = xuzhou_places()["city"]
    agency.region = city
    agency.save(update_fields=["region"])
    supervisor = editor(AgencyFactory(name="徐州市政务服务管理办公室", region=city), role=Role.REGION_SUPERVISOR,
                        username="shi_jiandu")  # fmt: skip
    case = decided(item, citizen, staff, clock, on=(2026, 11, 2))
    feedback.evaluate_case(actor=citizen.user, number=case.number, rating=1, comment="态度差")
    clock.set(2026, 11, 3)
    apply(item, citizen)
    clock.set(2026, 11, 20)
    apply_rollup_queue()
    raise_alerts()
    return {"user": supervisor, "item": item, "rectification": case.evaluations.get().rectification}


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_supervisors_pages_fit_the_screen_and_pass_axe(live_server, chromium, supervised, viewport):
    if not AXE.exists():
        pytest.skip("axe-core is not installed (npm ci --prefix tools/a11y)")
    context = chromium.new_context(viewport=viewport, bypass_csp=True)
    page = context.new_page()
    log_in(page, live_server, supervised["user"])
    pages = {
        "dashboard": "/supervision/?start=2026-11-01&end=2026-11-30",
        "an item's cases": f"/supervision/?item={supervised['item'].pk}&start=2026-11-01&end=2026-11-30",
        "a period that makes no sense": "/supervision/?start=2026-11-30&end=2026-11-01",
        "alerts": "/supervision/alerts/",
        "rectifications": "/feedback/rectifications/",
        "a rectification": f"/feedback/rectifications/{supervised['rectification'].pk}/",
        "published figures": "/figures/",
    }
    found = {}
    for what, path in pages.items():
        page.goto(live_server.url + path)
        assert "/accounts/login/" not in page.url and page.locator("h1").count() == 1, what
        assert_no_sideways_scrolling(page, what)
        page.add_script_tag(path=str(AXE))
        if problems := page.evaluate(RUN_AXE):
            found[what] = problems
    context.close()
    assert not found, found
