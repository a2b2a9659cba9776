import datetime

import pytest
from stdnum.cn import ric

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


def _id_number(born: datetime.date, region: str = "320302", sequence: str = "123") -> str:
    body = f"{region}{born:%Y%m%d}{sequence}"
    return body + ric.calc_check_digit(body + "0")


def test_an_id_number_born_today_in_china_is_valid_and_one_born_tomorrow_is_not():
    today = datetime.date(2026, 10, 1)
    assert identity.id_number_is_valid(_id_number(today), today=today)
    assert not identity.id_number_is_valid(_id_number(today + datetime.timedelta(days=1)), today=today)
    assert not identity.id_number_is_valid(_id_number(datetime.date(2999, 1, 1)))


def test_an_id_number_born_before_1900_is_invalid():
    assert identity.id_number_is_valid(_id_number(datetime.date(1900, 1, 1)))
    assert not identity.id_number_is_valid(_id_number(datetime.date(1899, 12, 31)))
    assert not identity.id_number_is_valid(_id_number(datetime.date(1066, 10, 14)))


def test_today_is_the_date_in_beijing_whatever_the_server_clock_zone():
    assert identity.today_in_china() == datetime.datetime.now(datetime.UTC).astimezone(identity.CHINA).date()


def test_the_check_characters_agree_with_the_national_rules_written_out():
    weights, check_chars = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2), "10X98765432"
    for number in ("11010519491231002X", "32030219900307123X", _id_number(datetime.date(2001, 2, 28))):
        assert check_chars[sum(int(d) * w for d, w in zip(number, weights, strict=False)) % 11] == number[17]
    alphabet = identity.CREDIT_ALPHABET
    weights = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    for first17 in ("91350100M000100Y4", "N2320382MF1234567", "Y1110000600037341"):
        total = sum(alphabet.index(c) * w for c, w in zip(first17, weights, strict=True))
        assert identity.credit_code_check_char(first17) == alphabet[(31 - total % 31) % 31]


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("91350100M000100Y43", None),
        ("91350100M000100Y44", identity.CreditCodeProblem.CHECK),
        ("91350100M000100Y4", identity.CreditCodeProblem.LENGTH),
        ("91350100M000100Y433", identity.CreditCodeProblem.LENGTH),
        *[(f"91350100M000100{c}43", identity.CreditCodeProblem.CHARACTERS) for c in "IOSVZ"],
        ("91350100m000100Y43", identity.CreditCodeProblem.CHARACTERS),  # callers upper-case first
        ("91350100M000100-43", identity.CreditCodeProblem.CHARACTERS),
    ],
)
def test_a_credit_code_problem_is_told_apart_from_the_others(code, problem):
    assert identity.credit_code_problem(code) == problem
    assert identity.credit_code_is_well_formed(code) == (problem in (None, identity.CreditCodeProblem.CHECK))


def test_a_credit_code_of_a_registering_authority_written_as_a_letter_is_valid():
    # N: 农业 (the 农村集体经济组织), Y: other authorities; python-stdnum's own validate() refuses them.
    for first17 in ("N2320382MF1234567", "Y1320300MA1234567"):
        assert identity.credit_code_check_passes(first17 + identity.credit_code_check_char(first17))
