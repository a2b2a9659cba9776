"""Licence identifiers and their ISO/IEC 7064 MOD 37,36 check character."""

import pytest

from zerovisit.licenses import identifiers

ISSUER = "11320300MB1234567X"


def test_the_check_character_detects_every_single_character_error_and_adjacent_swap():
    body = "JY" + ISSUER + "00000042" + "001"
    check = identifiers.check_character(body)
    for i, char in enumerate(body):
        for other in identifiers.ALPHABET:
            if other != char:
                assert identifiers.check_character(body[:i] + other + body[i + 1 :]) != check
    for i in range(len(body) - 1):
        if body[i] != body[i + 1]:
            swapped = body[:i] + body[i + 1] + body[i] + body[i + 2 :]
            assert identifiers.check_character(swapped) != check


def test_the_hybrid_system_validates_its_own_output():
    # In ISO/IEC 7064 hybrid systems, running the algorithm over body + check leaves the state at 1.
    body = "SPJY" + ISSUER + "12345678" + "002"
    full = body + identifiers.check_character(body)
    p = 36
    for char in full:
        s = (p + identifiers.ALPHABET.index(char)) % 36 or 36
        p = (2 * s) % 37
    assert s % 36 == 1


def test_an_identifier_is_made_and_recognised():
    identifier = identifiers.make("JY", ISSUER, 42, 1)
    assert identifier.startswith(f"1.2.156.3005.2.JY.{ISSUER}.00000042.001.")
    assert identifiers.is_valid(identifier)


@pytest.mark.parametrize("mangle", [
    lambda s: s[:-1] + ("0" if s[-1] != "0" else "1"),  # wrong check character
    lambda s: s.replace(".00000042.", ".00000043."),  # wrong serial
    lambda s: s.replace("1.2.156.3005.2.", "1.2.156.3005.3."),  # not a licence identifier
    lambda s: s.lower(),
    lambda s: "",
])  # fmt: skip
def test_a_wrong_identifier_is_refused(mangle):
    assert not identifiers.is_valid(mangle(identifiers.make("JY", ISSUER, 42, 1)))
