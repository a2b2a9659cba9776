"""The checks of the personal-data keys: a mistyped data key is an error at start-up; keys made in the data
directory, or a lookup key that is also a data key, are reported by `check --deploy`."""

from cryptography.fernet import Fernet
from django.core.checks import Error, Warning, run_checks


def found(deploy: bool = False) -> dict:
    return {message.id: message for message in run_checks(include_deployment_checks=deploy)}


def test_a_data_key_that_is_not_a_fernet_key_is_an_error(settings):
    settings.DATA_KEYS = [Fernet.generate_key().decode(), "not-a-key"]
    error = found()["zerovisit.E002"]
    assert isinstance(error, Error) and "Key 2 of ZV_DATA_KEYS" in error.msg


def test_keys_made_in_the_data_directory_are_reported_for_production(settings, monkeypatch):
    monkeypatch.delenv("ZV_DATA_KEYS", raising=False)
    monkeypatch.delenv("ZV_LOOKUP_KEY", raising=False)
    messages = found(deploy=True)
    assert isinstance(messages["zerovisit.W004"], Warning) and isinstance(messages["zerovisit.W005"], Warning)
    monkeypatch.setenv("ZV_DATA_KEYS", ",".join(settings.DATA_KEYS))
    monkeypatch.setenv("ZV_LOOKUP_KEY", settings.LOOKUP_KEY)
    assert not {"zerovisit.W004", "zerovisit.W005", "zerovisit.W006", "zerovisit.W007"} & found(deploy=True).keys()
    settings.LOOKUP_KEY = "short"
    assert "zerovisit.W006" in found(deploy=True)


def test_a_lookup_key_that_is_also_a_data_key_is_reported(settings):
    settings.LOOKUP_KEY = settings.DATA_KEYS[0]
    assert "zerovisit.W007" in found(deploy=True)
