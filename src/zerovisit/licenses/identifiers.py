"""Licence identifiers (电子证照标识, GB/T 36903): `1.2.156.3005.2.{type}.{issuer}.{serial}.{version}.{check}`.

The check character is ISO/IEC 7064 MOD 37,36 (the hybrid system over 0-9A-Z) computed over the type code, the
issuer's credit code, the serial and the version written one after the other.
"""

import re

PREFIX = "1.2.156.3005.2"
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
SERIAL_DIGITS = 8
VERSION_DIGITS = 3
PATTERN = re.compile(
    r"^1\.2\.156\.3005\.2\.(?P<type>[0-9A-Z]{2,32})\.(?P<issuer>[0-9A-Z]{18})"
    rf"\.(?P<serial>\d{{{SERIAL_DIGITS}}})\.(?P<version>\d{{{VERSION_DIGITS}}})\.(?P<check>[0-9A-Z])$"
)


def check_character(body: str) -> str:
    """ISO/IEC 7064 MOD 37,36: M = 36 over the 36 characters 0-9A-Z."""
    m, p = 36, 36
    for char in body:
        s = (p + ALPHABET.index(char)) % m or m
        p = (2 * s) % (m + 1)
    return ALPHABET[(m + 1 - p) % m]


def make(type_code: str, issuer_code: str, serial: int, version: int) -> str:
    serial_text, version_text = f"{serial:0{SERIAL_DIGITS}d}", f"{version:0{VERSION_DIGITS}d}"
    check = check_character(type_code + issuer_code + serial_text + version_text)
    return f"{PREFIX}.{type_code}.{issuer_code}.{serial_text}.{version_text}.{check}"


def is_valid(identifier: str) -> bool:
    """Well formed and its check character right (so a mistyped identifier is refused before any lookup)."""
    match = PATTERN.match(identifier or "")
    if not match:
        return False
    parts = match.groupdict()
    return check_character(parts["type"] + parts["issuer"] + parts["serial"] + parts["version"]) == parts["check"]
