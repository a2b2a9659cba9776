"""The portal on a phone (390×844) and on a desktop (1366×900) in Chromium: no page scrolls sideways, my cases
shows each case's status and deadline, and the guide's 网上申请 button is on screen without scrolling."""

import os
import re
from pathlib import Path

import pytest

from zerovisit.accounts.services import applicant_for
from zerovisit.accounts.tests.factories import PASSWORD, UserFactory, authenticator_code, verified_person
from zerovisit.cases.models import Case
from zerovisit.cases.services import bundles
from zerovisit.cases.tests.factories import apply, founding_bundle, pdf, publish
from zerovisit.catalog.tests.factories import MaterialSpecFactory, placed_catalogue
from zerovisit.notify import services as notify
from zerovisit.org.tests.factories import AgencyFactory, xuzhou_places

from .conftest import DESKTOP, PHONE
from .factories import ServiceAppFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_NOTE = "申请人应当如实提交有关材料和反映真实情况，并对其申请材料实质内容的真实性负责" * 3
OVERFLOWING = """() => [...document.querySelectorAll("body *")]
    .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1 && el.closest(".table-scroll") === null)
    .slice(0, 5).map(el => el.tagName + "." + el.className + ": " + (el.textContent || "").trim().slice(0, 40))"""


@pytest.fixture
def portal(db):
    """An item with a long guide, and an applicant with a case and a message."""
    agency = AgencyFactory(name="徐州市铜山区行政审批局")
    item = publish(
        agency, name="个体工商户设立登记（经营者住所与经营场所不一致）", is_high_frequency=True, conditions=LONG_NOTE
    )
    MaterialSpecFactory(
        item=item, name="经营场所使用证明（房屋产权证明或租赁协议）", notes=LONG_NOTE, order=3, necessity="optional"
    )
    user = UserFactory()
    applicant = applicant_for(kind="person", name="王五", id_number="32030219900307123X", account=user)
    case = apply(item, applicant)
    notify.notify(user_id=user.pk, event="case.accept",
                  values={"n": case.number, "item": item.name, "decision_due": "2026-12-10"})  # fmt: skip
    ServiceAppFactory(name="公积金缴存明细与贷款进度查询（住房公积金管理中心）", description=LONG_NOTE, featured=True)
    bundle, _items = founding_bundle(agency, AgencyFactory(name="徐州市公安局"), AgencyFactory(name="徐州市人社局"))
    bundle_case = bundles.submit_bundle(
        actor=user, bundle=bundle, channel="web", applicant={"kind": "person", "name": "王五",
                                                             "id_number": "32030219900307123X"},
        form_data={"企业名称": "徐州市铜山区王五个体餐饮店有限公司"}, files={"申请书": pdf()}, later=["场所证明"],
        delivery_method="hall",
    ).bundle_case  # fmt: skip
    return {"item": item, "user": user, "case": case, "bundle": bundle, "bundle_case": bundle_case}


def new_page(chromium, viewport):
    return chromium.new_page(viewport=viewport)


def log_in(page, live_server, user):
    """Through the login page; staff go on through the second factor, enrolling at their first sign-in."""
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    if "/accounts/2fa/" in page.url:
        enrolling = "/setup/" in page.url
        page.fill("input[name=token]", authenticator_code(user))
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state()
        if enrolling:  # the backup codes, shown once
            page.locator("main a.button").click()
            page.wait_for_load_state()


def assert_no_sideways_scrolling(page, what):
    fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert fits, f"{what} scrolls sideways at {page.viewport_size['width']}px: {page.evaluate(OVERFLOWING)}"


def public_pages(portal) -> dict[str, str]:
    item = portal["item"]
    return {
        "home": "/",
        "search": "/items/?q=%E4%B8%AA%E4%BD%93",
        "item guide": f"/items/{item.impl_code}/",
        "bundle guide": f"/bundles/{portal['bundle'].code}/",
        "departments": "/agencies/",
        "place chooser": "/place/",
        "service points": "/service-points/",
        "service apps": "/apps/",
        "offline": "/offline/",
        "sign-in": "/accounts/login/",
        "not found": "/no-such-page/",
    }


def own_pages(portal) -> dict[str, str]:
    """The pages of someone signed in (portal["user"])."""
    return {
        "my cases": "/my/cases/",
        "a case": f"/my/cases/{portal['case'].number}/",
        "messages": "/my/messages/",
        "licences wallet": "/my/licenses/",
        "me": "/my/",
        "my drafts": "/my/drafts/",
        "apply": f"/items/{portal['item'].impl_code}/apply/",
        "apply for a bundle": f"/bundles/{portal['bundle'].code}/apply/",
        "a bundle application": f"/my/bundles/{portal['bundle_case'].number}/",
        "my account": "/accounts/",
        "my organisations": "/accounts/organisations/",
    }


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_no_portal_page_scrolls_sideways(live_server, chromium, portal, viewport):
    page = new_page(chromium, viewport)
    item = portal["item"]
    for what, path in public_pages(portal).items():
        page.goto(live_server.url + path)
        assert_no_sideways_scrolling(page, what)
    log_in(page, live_server, portal["user"])
    for what, path in own_pages(portal).items():
        page.goto(live_server.url + path)
        assert_no_sideways_scrolling(page, what)

    page.goto(f"{live_server.url}/items/{item.impl_code}/apply/")
    step = page.locator("fieldset[data-step]:visible")
    for number in range(1, 6):
        assert_no_sideways_scrolling(page, f"apply step {number}")
        if number == 2:
            page.get_by_label("姓名或单位名称").fill("王五")
            page.fill("#id_id_number", "32030219900307123X")
            page.fill("#id_phone", "13912345678")
        if number == 4:
            page.locator("input[type=file]").first.set_input_files(
                files=[{"name": "申请书.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7 test"}]
            )
            for later in page.get_by_label("容缺后补", exact=False).all():
                later.check()
        next_button = step.get_by_role("button", name="下一步")
        if number < 5:
            next_button.click()
    assert "5." in step.locator("> legend").inner_text()


def test_my_cases_shows_status_step_and_deadline_on_a_phone(live_server, browser_page, portal):
    page, case = browser_page, portal["case"]
    log_in(page, live_server, portal["user"])
    page.goto(live_server.url + "/my/cases/")
    card = page.locator("tbody tr").first
    for cell, text in ((".case-status", case.get_status_display()), (".case-due", case.due.isoformat())):
        shown = card.locator(cell)
        assert shown.is_visible() and text in shown.inner_text()
        box = shown.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, f"{cell} is off-screen: {box}"
    assert card.locator(".case-step").is_visible()
    assert page.locator(".tab-bar [aria-current]").inner_text() == "办件"


def test_the_apply_button_is_on_screen_without_scrolling_on_a_phone(live_server, browser_page, portal):
    page = browser_page
    page.goto(f"{live_server.url}/items/{portal['item'].impl_code}/")
    button = page.get_by_role("link", name="网上申请")
    assert button.is_visible()
    box = button.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= 844, f"the apply button is below the fold: {box}"
    # Not hidden under the tab bar either: the element at its centre is the button itself.
    centre = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert page.evaluate("([x, y]) => document.elementFromPoint(x, y).textContent.trim()", list(centre)) == "网上申请"
    assert page.locator(".tab-bar [aria-current]").inner_text() == "办事"


def test_the_phone_header_is_compact_and_its_menu_opens(live_server, browser_page, portal):
    page = browser_page
    page.goto(live_server.url)
    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= 844 / 8, f"the header takes {header['height']}px of the screen"
    assert page.get_by_role("link", name="全部事项").is_hidden()
    page.get_by_text("菜单").click()
    assert page.get_by_role("link", name="全部事项").is_visible()
    assert page.locator(".tab-bar").is_visible() and page.locator(".tab-bar a").count() == 5
    assert page.locator(".tab-bar [aria-current=page]").inner_text() == "首页"
    assert page.locator(".icon-grid .tile").first.is_visible()


def test_the_desktop_keeps_its_header_and_has_no_tab_bar(live_server, chromium, portal):
    page = new_page(chromium, DESKTOP)
    page.goto(live_server.url)
    assert page.get_by_role("link", name="全部事项").is_visible() and page.get_by_text("菜单").is_hidden()
    assert page.locator(".tab-bar").is_hidden() and page.locator(".icon-grid .tile").first.is_hidden()
    page.goto(f"{live_server.url}/items/{portal['item'].impl_code}/")
    assert page.get_by_role("table").locator("thead").is_visible()  # the materials stay a table


def test_on_a_phone_a_newcomer_chooses_their_district_and_finds_its_one_office(live_server, chromium):
    places = xuzhou_places()
    own = placed_catalogue(places)["sole_trader_tongshan"]
    page = new_page(chromium, PHONE)
    page.goto(live_server.url + "/items/?q=%E4%B8%AA%E4%BD%93%E5%B7%A5%E5%95%86%E6%88%B7")
    assert page.locator(".item-card").count() == 1  # the districts' copies shown once, for the city
    page.get_by_role("link", name="所在地：徐州市，点击更换").click()
    page.get_by_role("button", name="选择铜山区").click()
    assert page.locator(".place-link").inner_text() == "铜山区"
    cards = page.locator(".item-card")
    assert cards.count() == 1 and "铜山区行政审批局" in cards.inner_text()
    cards.get_by_role("link").click()
    assert page.url.endswith(f"/items/{own.impl_code}/") and page.locator(".place-note").count() == 0
    assert_no_sideways_scrolling(page, "the guide of the reader's office")


def test_on_a_phone_a_mistake_found_by_the_server_loses_no_uploaded_file(live_server, browser_page, portal):
    page, item = browser_page, portal["item"]
    log_in(page, live_server, portal["user"])
    page.goto(f"{live_server.url}/items/{item.impl_code}/apply/")
    step = page.locator("fieldset[data-step]:visible")
    for number in range(1, 5):
        if number == 2:
            page.fill("#id_id_number", "320302199003071231")  # well-formed, but the check character is wrong
        if number == 4:
            page.locator("input[type=file]").first.set_input_files(
                files=[{"name": "申请书.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7 test"}]
            )
            for later in page.get_by_label("容缺后补", exact=False).all():
                later.check()
        step.get_by_role("button", name="下一步").click()
    page.locator("#id_confirm").check()
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_load_state()
    summary = page.locator(".error-summary")
    assert summary.is_visible() and "这不是有效的居民身份证号码" in summary.inner_text()
    assert "已上传并保留：申请书.pdf" in page.content()
    summary.get_by_role("link").first.click()  # the summary's link opens the step of the field
    page.fill("#id_id_number", "32030219900307123X")
    for _ in range(3):
        step.get_by_role("button", name="下一步").click()
    page.locator("#id_confirm").check()
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_url(re.compile(r"/my/cases/[^/]+/"))
    assert Case.objects.filter(submitted_by=portal["user"], bundle_case=None).count() == 2  # the fixture's and this one
    assert Case.objects.latest("id").materials.filter(spec__name="申请书").exclude(file="").exists()


def test_the_installed_app_shows_my_cases_with_status_and_deadline_offline(live_server, browser_page, portal):
    page, case = browser_page, portal["case"]
    log_in(page, live_server, portal["user"])
    page.goto(live_server.url + "/my/cases/")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now under the worker, which keeps this copy
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.context.set_offline(True)
    try:
        page.goto(live_server.url + "/my/cases/")
        assert page.locator(".offline-note").is_visible()
        card = page.locator("tbody tr").first
        assert case.get_status_display() in card.locator(".case-status").inner_text()
        assert case.due.isoformat() in card.locator(".case-due").inner_text()
        page.goto(live_server.url + "/items/")  # not kept: the offline page says what can be read
        assert page.locator("h1").inner_text() == "您已离线"
    finally:
        page.context.set_offline(False)


AXE = Path(__file__).resolve().parents[4] / "tools" / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
RUN_AXE = """() => axe.run(document, {resultTypes: ["violations"]}).then(result => result.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map(n => n.target.join(" ")).join("; ")}`))"""


@pytest.mark.parametrize("large_text", [False, True], ids=["standard", "large-text"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_axe_finds_no_serious_or_critical_violation_on_any_portal_page(
    live_server, chromium, portal, viewport, large_text
):
    if not AXE.exists():
        if os.environ.get("ZV_REQUIRE_BROWSER") == "1":
            pytest.fail(f"ZV_REQUIRE_BROWSER=1 but {AXE} is missing (npm ci --prefix tools/a11y)")
        pytest.skip("axe-core is not installed (npm ci --prefix tools/a11y)")
    # The page's own CSP allows no inline script; axe is the test's, not the page's.
    context = chromium.new_context(viewport=viewport, bypass_csp=True)
    if large_text:
        context.add_cookies([{"name": "zv_large_text", "value": "1", "url": live_server.url}])
    page = context.new_page()
    found = {}
    pages = list(public_pages(portal).items())
    for signed_in in (False, True):
        if signed_in:
            log_in(page, live_server, portal["user"])
            pages = list(own_pages(portal).items())
        for what, path in pages:
            page.goto(live_server.url + path)
            page.add_script_tag(path=str(AXE))
            if problems := page.evaluate(RUN_AXE):
                found[what] = problems
    context.close()
    assert not found, found


def test_on_a_phone_the_courier_address_is_a_cascade_and_the_recipient_is_the_applicant(live_server, browser_page):
    xuzhou_places()
    user = verified_person(name="王五", id_number="32030219900307123X").user
    item = publish(AgencyFactory(name="徐州市行政审批局"), name="食品经营许可", mail_results=True)
    page = browser_page
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/items/{item.impl_code}/apply/")
    step = page.locator("fieldset[data-step]:visible")
    step.get_by_role("button", name="下一步").click()
    page.get_by_label("姓名或单位名称").fill("王五")
    page.fill("#id_id_number", "32030219900307123X")
    page.fill("#id_phone", "13912345678")
    for _ in range(3):
        step.get_by_role("button", name="下一步").click()
    page.get_by_label("快递送达", exact=False).check()
    assert page.locator("#id_delivery_name").input_value() == "王五"
    assert page.locator("#id_delivery_phone").input_value() == "13912345678"
    assert page.locator("#id_delivery_region").is_hidden()
    page.get_by_label("市", exact=True).select_option(label="徐州市")
    page.get_by_label("区（县）").select_option(label="铜山区")
    page.get_by_label("乡镇（街道）").select_option(label="柳新镇")
    assert page.locator("#id_delivery_region").input_value() == "320312102000"
    page.get_by_label("区（县）").select_option(label="新沂市")  # a new choice above clears the one below
    assert page.locator("#id_delivery_region").input_value() == "320381000000"
    assert_no_sideways_scrolling(page, "the courier address")
