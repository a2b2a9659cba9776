"""Personal data at rest (DESIGN.md §4): ID numbers and phones are stored encrypted, with a keyed hash for exact
lookup ("find the applicant with this ID number") that reveals nothing without the key.

Keys come from ZV_DATA_KEYS (comma-separated Fernet keys, newest first, so a key can be rotated: old values stay
readable and `rotate()` re-encrypts them with the newest), or from a key made once in the data directory.
"""

import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


@cache
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in settings.DATA_KEYS])


@cache
def _lookup_key() -> bytes:
    # The lookup hash has its own key, derived from the newest data key, so it never equals an encryption key.
    return hashlib.sha256(b"zerovisit lookup hash\0" + settings.DATA_KEYS[0].encode()).digest()


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("cannot decrypt: wrong key or damaged value") from exc


def rotate(token: str) -> str:
    """The same value encrypted with the newest key."""
    return _fernet().rotate(token.encode()).decode()


def lookup_hash(value: str) -> str:
    """A keyed hash of a normalised value (upper case, no spaces) for exact-match lookup."""
    normalised = "".join(value.split()).upper()
    return hmac.new(_lookup_key(), normalised.encode(), hashlib.sha256).hexdigest()
