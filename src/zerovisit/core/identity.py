"""Checks for the national identity numbers the platform meets (DESIGN.md §4, "Identity checks").

Pure functions, no Django: they are used by model validators, import rows and API serializers alike.
"""

import datetime
import re

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
ID_PATTERN = re.compile(r"^\d{17}[\dX]$")

CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CREDIT_PATTERN = re.compile(rf"^[{CREDIT_ALPHABET}]{{18}}$")


def id_number_is_valid(value: str) -> bool:
    """A 居民身份证号 (GB 11643-1999): 18 characters, a real birth date, and the MOD 11-2 check character."""
    value = value.strip().upper()
    if not ID_PATTERN.match(value):
        return False
    try:
        datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    total = sum(int(digit) * weight for digit, weight in zip(value[:17], ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11] == value[17]


def credit_code_check_char(first17: str) -> str:
    total = sum(CREDIT_ALPHABET.index(ch) * w for ch, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def credit_code_is_well_formed(value: str) -> bool:
    """18 characters of the credit-code alphabet (no I, O, Z, S, V). Says nothing of the check character."""
    return bool(CREDIT_PATTERN.match(value))


def credit_code_check_passes(value: str) -> bool:
    """The GB 32100-2015 check character. Some early codes are legal yet fail it: callers treat a failure as a
    warning that staff may override, never as proof that the code is false."""
    return credit_code_is_well_formed(value) and credit_code_check_char(value[:17]) == value[17]


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
