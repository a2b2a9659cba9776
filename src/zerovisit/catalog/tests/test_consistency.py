"""The catalogue's consistency rules, each with its message (docs/catalogue-format.md)."""

import pytest
from django.core.exceptions import ValidationError

from zerovisit.catalog.models import ItemType
from zerovisit.org.tests.factories import AgencyFactory

from .factories import ServiceItemFactory


def errors_of(**fields):
    item = ServiceItemFactory.build(**fields)
    return item.consistency_errors()


@pytest.mark.django_db
def test_a_factory_item_is_consistent():
    assert errors_of() == {}


@pytest.mark.django_db
def test_the_promised_limit_may_not_exceed_the_legal_limit():
    assert "promised_days" in errors_of(legal_days=10, promised_days=11)
    assert "promised_days" not in errors_of(legal_days=10, promised_days=10)
    # An item type other than 行政许可 without a legal limit is bound by none (test_legal_limits.py has Art. 42).
    service = ItemType.objects.get(code="20")
    assert "promised_days" not in errors_of(item_type=service, base_code="200001000100", legal_days=None,
                                            promised_days=30)  # fmt: skip


@pytest.mark.django_db
def test_visits_need_a_reason():
    assert "visits_reason" in errors_of(visits_required=1, online_level=3)
    assert "visits_reason" not in errors_of(visits_required=1, online_level=3, visits_reason="现场采集指纹")


@pytest.mark.django_db
def test_zero_visits_without_online_handling_needs_mail_in():
    assert "mail_materials" in errors_of(online_available=False, mail_materials=False)
    assert "mail_materials" not in errors_of(online_available=False, mail_materials=True)


@pytest.mark.django_db
def test_fees_need_items_and_basis():
    assert "fee_basis" in errors_of(fee_required=True, fee_items="工本费")
    assert "fee_basis" not in errors_of(fee_required=True, fee_items="工本费", fee_basis="发改价格〔2017〕1186号")


@pytest.mark.django_db
def test_level_four_online_depth_means_zero_visits():
    assert "visits_required" in errors_of(online_level=4, visits_required=1, visits_reason="核验原件")


@pytest.mark.django_db
def test_instant_items_are_promised_in_zero_days_and_promised_items_in_at_least_one():
    assert "promised_days" in errors_of(case_kind="instant", promised_days=3)
    assert "promised_days" in errors_of(case_kind="promised", promised_days=0)


@pytest.mark.django_db
def test_base_codes_have_twelve_digits_and_start_with_the_item_type():
    assert "base_code" in errors_of(base_code="0100010001")
    assert "base_code" in errors_of(base_code="070001000100")  # type 01 item with a 07 code


@pytest.mark.django_db
def test_the_implementation_code_is_credit_code_level_and_base_code():
    item = ServiceItemFactory.build(agency=AgencyFactory())
    assert item.consistency_errors() == {}
    item.impl_code = item.impl_code[:-1] + "9"
    assert "impl_code" in item.consistency_errors()


@pytest.mark.django_db
def test_clean_reports_every_rule_at_once():
    item = ServiceItemFactory.build(legal_days=1, promised_days=2, fee_required=True, visits_required=1, online_level=4)
    with pytest.raises(ValidationError) as raised:
        item.clean()
    assert {"promised_days", "fee_basis", "visits_required", "visits_reason"} <= set(raised.value.message_dict)


@pytest.mark.django_db
def test_a_commitment_item_names_how_and_when_the_commitment_is_checked():
    assert "verification_method" in errors_of(reform_mode="commitment")
    assert "verification_method" not in errors_of(reform_mode="commitment", verification_method="site",
                                                  verification_days=20)  # fmt: skip
