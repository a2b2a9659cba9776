import pytest

from zerovisit.core import identity


@pytest.mark.parametrize("number", ["11010519491231002X", "32030219900307123X"])
def test_a_valid_id_number_passes(number):
    assert identity.id_number_is_valid(number)


@pytest.mark.parametrize(
    "number",
    [
        "110105194912310021",  # wrong check character
        "11010519491331002X",  # month 13
        "11010519490230002X",  # 30 February
        "1101051949123100",  # too short
        "11010519491231002Y",  # not a digit or X
    ],
)
def test_an_invalid_id_number_fails(number):
    assert not identity.id_number_is_valid(number)


def test_a_lower_case_x_is_accepted():
    assert identity.id_number_is_valid("11010519491231002x")


def test_credit_code_check_character_follows_gb_32100():
    assert identity.credit_code_check_passes("91350100M000100Y43")
    assert not identity.credit_code_check_passes("91350100M000100Y44")


def test_credit_codes_use_only_their_alphabet():
    assert not identity.credit_code_is_well_formed("91350100M000100I43")  # I is not in the alphabet
    assert not identity.credit_code_is_well_formed("91350100M000100Y4")


def test_masks_show_only_what_the_design_allows():
    assert identity.mask_id_number("11010519491231002X") == "1101**********002X"
    assert identity.mask_phone("13812341234") == "138****1234"
