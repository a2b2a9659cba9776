"""The item guide tells the applicant the limits the law sets: Art. 42's 20 working days for a licensing item whose
law sets none, and for a 告知承诺 item how and when the commitment is checked and how long the normal procedure
takes."""

import pytest

from zerovisit.catalog.models import ItemType, ProcessTemplate
from zerovisit.catalog.tests.factories import published_item

pytestmark = pytest.mark.django_db


def guide(client, item):
    return client.get(f"/items/{item.impl_code}/").content.decode()


def test_a_licensing_item_without_a_legal_limit_shows_the_20_working_days_of_art_42(client):
    page = guide(client, published_item(legal_days=None))
    assert "20个工作日（《行政许可法》第四十二条）" in page
    assert "法律未规定" not in page


def test_an_item_that_is_not_a_licence_and_has_no_legal_limit_says_so(client):
    item = published_item(item_type=ItemType.objects.get(code="20"), base_code="200001000100", legal_days=None)
    page = guide(client, item)
    assert "法律未规定" in page and "第四十二条" not in page


def test_a_commitment_item_shows_how_and_when_the_commitment_is_checked_and_the_normal_procedure(client):
    item = published_item(reform_mode="commitment", case_kind="instant", promised_days=0, verification_method="site",
                          verification_days=40, normal_promised_days=10,
                          process_template=ProcessTemplate.objects.get(code="commitment"))  # fmt: skip
    page = guide(client, item)
    for text in ("事后核查方式", "实地核查", "事后核查时限", "决定之日起40个工作日内", "一般程序", "10个工作日"):
        assert text in page, text
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = guide(client, item)
    assert "Site inspection" in english and "within 40 working days of the decision" in english
    assert "10 working days, by the normal procedure" in english


def test_an_item_without_a_commitment_shows_no_post_verification(client):
    assert "事后核查方式" not in guide(client, published_item())
