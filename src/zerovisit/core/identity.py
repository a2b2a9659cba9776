"""Checks for the national identity numbers the platform meets (DESIGN.md §4, "Identity checks").

Pure functions, no Django: they are used by model validators, import rows and API serializers alike.

The check characters are computed by python-stdnum (`stdnum.cn.ric`, `stdnum.cn.uscc`). Its `validate()` functions
are not used, for they decide differently from the national rules as this platform applies them: `cn.uscc`
refuses every code whose registering authority is a letter (A 中央军委改革和编制办公室, N 农业 for the 农村集体经济组织,
Y 其他), and `cn.ric` refuses a number whose region code is missing from its bundled list of counties (a stale
list would turn citizens away) while it accepts a birth date in the future. What is legal is decided here.
"""

import datetime
import enum
import re

from stdnum.cn import ric, uscc

ID_PATTERN = re.compile(r"^\d{17}[\dX]$")
EARLIEST_BIRTH_YEAR = 1900
# China keeps one time zone and no daylight saving time: "today" for a birth date is today in Beijing.
CHINA = datetime.timezone(datetime.timedelta(hours=8), "CST")

CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_LENGTH = 18
CREDIT_PATTERN = re.compile(rf"^[{CREDIT_ALPHABET}]{{{CREDIT_LENGTH}}}$")


def today_in_china() -> datetime.date:
    return datetime.datetime.now(CHINA).date()


def id_number_birth_date(value: str) -> datetime.date | None:
    """The birth date in digits 7–14 of an ID number, None when they are not a date."""
    try:
        return datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


def id_number_is_valid(value: str, *, today: datetime.date | None = None) -> bool:
    """A 居民身份证号 (GB 11643-1999): 18 characters, a real birth date from 1900 to today (in China), and the
    MOD 11-2 check character."""
    value = value.strip().upper()
    if not ID_PATTERN.match(value):
        return False
    born = id_number_birth_date(value)
    if born is None or born.year < EARLIEST_BIRTH_YEAR or born > (today or today_in_china()):
        return False
    return ric.calc_check_digit(value) == value[17]


class CreditCodeProblem(enum.StrEnum):
    """What is wrong with a unified social credit code, in the order it is checked."""

    LENGTH = "length"  # not 18 characters
    CHARACTERS = "characters"  # a character outside the alphabet (I, O, S, V, Z, lower case, punctuation …)
    CHECK = "check"  # well formed, but the check character does not match: a warning staff may override


def credit_code_problem(value: str) -> CreditCodeProblem | None:
    """None for a code that passes every check (GB 32100-2015)."""
    if len(value) != CREDIT_LENGTH:
        return CreditCodeProblem.LENGTH
    if not CREDIT_PATTERN.match(value):
        return CreditCodeProblem.CHARACTERS
    if credit_code_check_char(value[:17]) != value[17]:
        return CreditCodeProblem.CHECK
    return None


def credit_code_check_char(first17: str) -> str:
    """The check character of the first 17 characters of a credit code (they must be of its alphabet)."""
    return uscc.calc_check_digit(first17[:17])


def credit_code_is_well_formed(value: str) -> bool:
    """18 characters of the credit-code alphabet (no I, O, Z, S, V). Says nothing of the check character."""
    return bool(CREDIT_PATTERN.match(value))


def credit_code_check_passes(value: str) -> bool:
    """The GB 32100-2015 check character. Some early codes are legal yet fail it: callers treat a failure as a
    warning that staff may override, never as proof that the code is false."""
    return credit_code_problem(value) is None


def mask_id_number(value: str) -> str:
    """Display mask for ID numbers: the first 4 and last 4 characters."""
    return value[:4] + "*" * max(len(value) - 8, 0) + value[-4:] if len(value) > 8 else "*" * len(value)


def mask_email(value: str) -> str:
    """Display mask for e-mail addresses: z***@example.com."""
    local, _at, domain = value.partition("@")
    return f"{local[:1]}***@{domain}"


def mask_phone(value: str) -> str:
    """Display mask for phone numbers: 138****1234."""
    return value[:3] + "****" + value[-4:] if len(value) >= 11 else value[:2] + "****"
