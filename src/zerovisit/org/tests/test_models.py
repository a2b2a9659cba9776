import pytest
from django.core.exceptions import ValidationError

from zerovisit.org.models import Level, Region

from .factories import AgencyFactory, RegionFactory, make_credit_code


@pytest.mark.django_db
def test_a_region_code_has_twelve_digits_with_zeros_below_its_level():
    with pytest.raises(ValidationError):
        Region(code="3203", name="x", level=Level.CITY).clean()
    with pytest.raises(ValidationError):
        Region(code="320302000000", name="x", level=Level.CITY).clean()
    Region(code="320300000000", name="徐州市", level=Level.CITY).clean()


@pytest.mark.django_db
def test_a_region_sits_inside_its_parent():
    city = RegionFactory()
    with pytest.raises(ValidationError):
        Region(code="320102000000", name="玄武区", level=Level.COUNTY, parent=city).clean()
    Region(code="320302000000", name="鼓楼区", level=Level.COUNTY, parent=city).clean()
    assert city.prefix == "3203"


@pytest.mark.django_db
def test_a_credit_code_with_a_wrong_check_character_needs_staff_confirmation():
    code = make_credit_code(77)
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    agency = AgencyFactory.build(credit_code=wrong, region=RegionFactory())
    with pytest.raises(ValidationError) as raised:
        agency.clean()
    assert "credit_code" in raised.value.message_dict
    agency.credit_code_override = True
    agency.clean()


@pytest.mark.django_db
def test_a_malformed_credit_code_is_refused_even_with_confirmation():
    agency = AgencyFactory.build(credit_code="11320300I4000000X1", credit_code_override=True, region=RegionFactory())
    with pytest.raises(ValidationError):
        agency.clean()
