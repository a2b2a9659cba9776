"""The pages' phone furniture as HTML: the tab bar and its current tab, the 我的 page, cards for my cases, the
guide's materials as labelled cards, and Chinese content marked as Chinese on English pages."""

import pytest
from django.conf import settings

from zerovisit.accounts.services import applicant_for
from zerovisit.accounts.tests.factories import UserFactory
from zerovisit.cases.tests.factories import apply, publish
from zerovisit.org.tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(db):
    return publish(AgencyFactory(name="徐州市行政审批局"), name="食品经营许可", is_high_frequency=True)


def test_the_tab_bar_marks_the_current_tab(client, item):
    home = client.get("/").content.decode()
    assert 'class="tab-bar"' in home and home.count('aria-current="page"><svg') == 1
    guide = client.get(f"/items/{item.impl_code}/").content.decode()
    assert 'aria-current="true"><svg' in guide  # the guide belongs to 办事 without being its page
    assert '<p class="apply-bar"><a class="button"' in guide


def test_the_workbench_has_no_tab_bar(client, item):
    from zerovisit.accounts.models import Role
    from zerovisit.accounts.tests.factories import editor

    client.force_login(editor(item.agency, role=Role.ACCEPTOR))
    page = client.get("/workbench/").content.decode()
    assert 'class="site-header"' in page and 'class="tab-bar"' not in page


def test_me_lists_ones_own_pages_and_needs_an_account(client):
    assert client.get("/my/").status_code == 302
    client.force_login(UserFactory())
    page = client.get("/my/").content.decode()
    assert "/my/cases/" in page and "/my/licenses/" in page and "/my/messages/settings/" in page


def test_my_cases_gives_each_case_its_status_step_and_deadline_as_labelled_cells(client, item):
    user = UserFactory()
    case = apply(item, applicant_for(kind="person", name="王五", id_number="32030219900307123X", account=user))
    client.force_login(user)
    page = client.get("/my/cases/").content.decode()
    assert 'class="materials cases-table cards-on-phone"' in page
    assert 'data-label="状态" class="case-status"><strong>' + case.get_status_display() in page
    assert 'data-label="当前期限" class="case-due">' + case.due.isoformat() in page
    assert 'data-label="当前环节" class="case-step"><span>' + case.stage.name in page


def test_english_pages_mark_the_chinese_content_as_chinese(client, item):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    guide = client.get(f"/items/{item.impl_code}/").content.decode()
    assert '<h1 lang="zh-Hans">食品经营许可</h1>' in guide and '<span lang="zh-Hans">徐州市行政审批局</span>' in guide
    assert '<th scope="row" lang="zh-Hans">申请书</th>' in guide
    listing = client.get("/items/").content.decode()
    assert 'class="item-name" lang="zh-Hans">食品经营许可' in listing
    home = client.get("/").content.decode()
    assert '<span lang="zh-Hans">食品经营许可' in home
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    assert 'lang="zh-Hans"' not in client.get(f"/items/{item.impl_code}/").content.decode()
