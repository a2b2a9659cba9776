"""Personal data at rest (DESIGN.md §4): ID numbers and phones are stored encrypted, with a keyed hash for exact
lookup ("find the applicant with this ID number") that reveals nothing without the key.

Two kinds of key, configured apart (settings.py, docs/security.md "Personal data keys"):

- ZV_DATA_KEYS: comma-separated Fernet keys, newest first. New values are encrypted with the newest; every key
  listed still decrypts, so a key is rotated by putting a new one first, running `zerovisit rotate_data_keys`
  (which re-encrypts every stored value with the newest, `rotate()`), and then removing the old one.
- ZV_LOOKUP_KEY: the key of the lookup hashes. It does not rotate with the data keys: a lookup hash is compared with
  stored ones, so a new lookup key needs every stored hash recomputed (the migrations that introduced it did so).

Without them, a key is made once in the data directory (for a single host and the demo only).
"""

import hashlib
import hmac
from collections.abc import Callable
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.signals import setting_changed


@cache
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in settings.DATA_KEYS])


@cache
def _newest() -> Fernet:
    return Fernet(settings.DATA_KEYS[0])


def lookup_hasher(secret: str) -> Callable[[str], str]:
    """lookup_hash() under another secret: for the migrations that recompute stored hashes (before the lookup key
    had its own setting, the secret was the newest data key)."""
    # Derived, so that the HMAC key is never the configured string itself (nor equal to any other key made from it).
    key = hashlib.sha256(b"zerovisit lookup hash\0" + secret.encode()).digest()

    def lookup_hash(value: str) -> str:
        normalised = "".join(value.split()).upper()
        return hmac.new(key, normalised.encode(), hashlib.sha256).hexdigest()

    return lookup_hash


@cache
def _lookup_hash() -> Callable[[str], str]:
    return lookup_hasher(settings.LOOKUP_KEY)


def _forget_keys(*, setting, **kwargs) -> None:
    if setting in ("DATA_KEYS", "LOOKUP_KEY"):
        _fernet.cache_clear()
        _newest.cache_clear()
        _lookup_hash.cache_clear()


setting_changed.connect(_forget_keys)


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("cannot decrypt: wrong key or damaged value") from exc


def rotate(token: str) -> str:
    """The same value encrypted with the newest key."""
    try:
        return _fernet().rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("cannot decrypt: wrong key or damaged value") from exc


def is_current(token: str) -> bool:
    """Whether the value is encrypted with the newest key (what `rotate_data_keys` need not touch)."""
    try:
        _newest().decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def lookup_hash(value: str) -> str:
    """A keyed hash (settings.LOOKUP_KEY) of a normalised value (upper case, no spaces) for exact-match lookup."""
    return _lookup_hash()(value)
