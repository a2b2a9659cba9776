import pytest

from .fake_gateway import FakeGateway


@pytest.fixture
def gateway(settings):
    """The SMS gateway, a local fake: what the platform sent is read from what it delivered."""
    fake = FakeGateway()
    settings.SMS_BACKEND = "zerovisit.notify.backends.HttpSmsBackend"
    settings.SMS_ENDPOINT, settings.SMS_SECRET, settings.SMS_TIMEOUT = fake.url, fake.secret, 2
    yield fake
    fake.close()
