import pytest
from cryptography.fernet import Fernet

from zerovisit.core import crypto


@pytest.fixture
def keys(settings):
    crypto._fernet.cache_clear()
    crypto._lookup_hash.cache_clear()
    yield settings
    crypto._fernet.cache_clear()
    crypto._lookup_hash.cache_clear()


def test_a_value_comes_back_from_its_encryption(keys):
    token = crypto.encrypt("32030219900307123X")
    assert "32030219900307123X" not in token
    assert crypto.decrypt(token) == "32030219900307123X"


def test_the_lookup_hash_matches_exactly_and_ignores_case_and_spaces(keys):
    assert crypto.lookup_hash("32030219900307123x") == crypto.lookup_hash(" 32030219900307123X")
    assert crypto.lookup_hash("32030219900307123X") != crypto.lookup_hash("11010519491231002X")


def test_a_rotated_key_still_reads_old_values_and_rotate_moves_them_to_the_new_key(keys):
    old_key, new_key = keys.DATA_KEYS[0], Fernet.generate_key().decode()
    token = crypto.encrypt("13812341234")
    keys.DATA_KEYS = [new_key, old_key]
    crypto._fernet.cache_clear()
    assert crypto.decrypt(token) == "13812341234"
    rotated = crypto.rotate(token)
    keys.DATA_KEYS = [new_key]
    crypto._fernet.cache_clear()
    assert crypto.decrypt(rotated) == "13812341234"
    with pytest.raises(ValueError):
        crypto.decrypt(token)
