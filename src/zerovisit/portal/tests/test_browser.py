"""The portal in a real browser: Debian's Chromium driven by Playwright, against a live test server (the browser
fixtures are in conftest.py)."""

import pytest

from zerovisit.catalog.tests.factories import published_item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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
    page.get_by_text("菜单").click()  # on a phone the header's preferences are in its menu
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
    page.get_by_text("菜单").click()
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "High-frequency items" in page.content()
    page.goto(live_server.url + "/api/v1/docs/")
    page.wait_for_selector(".swagger-ui", timeout=10_000)
    assert outside == []


def test_a_citizen_applies_step_by_step_and_reviews_before_submitting(live_server, browser_page):
    from zerovisit.accounts.tests.factories import PASSWORD, verified_person
    from zerovisit.cases.models import Case
    from zerovisit.cases.tests.factories import publish
    from zerovisit.org.tests.factories import AgencyFactory

    item = publish(AgencyFactory(name="徐州市行政审批局"), name="食品经营许可", form_fields=[
        {"label": "经营面积（平方米）", "type": "decimal", "required": True, "choices": []}])  # fmt: skip
    user = verified_person(name="王五", id_number="32030219900307123X").user
    page = browser_page
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/items/{item.impl_code}/apply/")
    visible_step = page.locator("fieldset[data-step]:visible")
    assert visible_step.count() == 1 and "事项" in visible_step.locator("> legend").inner_text()
    visible_step.get_by_role("button", name="下一步").click()

    page.get_by_label("姓名或单位名称").fill("")  # an empty required name keeps the applicant on this step
    page.locator("fieldset[data-step]:visible").get_by_role("button", name="下一步").click()
    assert "申请人" in page.locator("fieldset[data-step]:visible > legend").inner_text()
    assert page.locator("#id_credit_code").is_hidden()  # a person gives an ID number, not a credit code
    page.get_by_label("姓名或单位名称").fill("王五")
    page.fill("#id_id_number", "32030219900307123X")
    page.fill("#id_phone", "13912345678")
    page.locator("fieldset[data-step]:visible").get_by_role("button", name="下一步").click()

    page.get_by_label("经营面积（平方米）").fill("35.5")
    page.locator("fieldset[data-step]:visible").get_by_role("button", name="下一步").click()

    page.locator("input[type=file]").first.set_input_files(
        files=[{"name": "申请书.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7 test"}]
    )
    page.get_by_label("容缺后补", exact=False).check()
    page.locator("fieldset[data-step]:visible").get_by_role("button", name="下一步").click()

    review = page.locator("[data-review-list]").inner_text()
    assert "王五" in review and "35.5" in review and "申请书.pdf" in review and "32030219900307123X" in review
    page.locator("#id_confirm").check()
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_url("**/my/cases/*/")
    case = Case.objects.get()
    assert case.form_data == {"经营面积（平方米）": "35.5"} and case.applicant.name == "王五"
    assert "35.5" in page.locator("main").inner_text()
