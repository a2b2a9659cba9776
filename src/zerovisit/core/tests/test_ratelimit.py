"""Rate limits count every process alike and go by the real client, also behind a trusted proxy."""

import pytest
from django.core.cache import caches
from django.test import RequestFactory

from zerovisit.core import ratelimit
from zerovisit.core.clients import client_address
from zerovisit.core.tests.helpers import at_once


def request(remote="203.0.113.7", forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return RequestFactory().get("/licenses/verify/", REMOTE_ADDR=remote, **extra)


@pytest.mark.django_db
def test_the_count_is_shared_so_a_second_process_does_not_start_again_from_zero():
    allowed = [ratelimit.allow(request(), "verify", limit=30) for _ in range(30)]
    caches["default"].clear()  # what another gunicorn worker holds in its own memory: nothing
    assert all(allowed) and not ratelimit.allow(request(), "verify", limit=30)
    assert ratelimit.allow(request(remote="203.0.113.8"), "verify", limit=30)  # another client has its own count
    assert ratelimit.allow(request(), "other-scope", limit=30)


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_never_lose_a_count():
    def ask():
        return [ratelimit.allow(request(), "verify", limit=30) for _ in range(5)]

    results = [allowed for answers in at_once(ask, 8) for allowed in answers]
    assert len(results) == 40 and results.count(True) == 30


@pytest.mark.django_db
def test_with_redis_the_count_is_kept_there(settings):
    import redis

    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url).ping()
    except redis.ConnectionError:
        pytest.fail("Redis is not running on 127.0.0.1:6379 (.ci/run starts it)")
    settings.REDIS_URL = url
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}
    caches["default"].clear()
    try:
        assert [ratelimit.allow(request(), "verify", limit=3) for _ in range(4)] == [True, True, True, False]
        from zerovisit.core.models import RateCounter

        assert not RateCounter.objects.exists()
    finally:
        caches["default"].clear()


def test_x_forwarded_for_counts_only_when_a_trusted_proxy_wrote_it(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_address(request(remote="10.0.0.2", forwarded="198.51.100.9")) == "198.51.100.9"
    # The client may send its own X-Forwarded-For: only what the trusted proxies appended is believed.
    assert client_address(request(remote="10.0.0.2", forwarded="1.2.3.4, 198.51.100.9, 10.0.0.3")) == "198.51.100.9"
    assert client_address(request(remote="203.0.113.7", forwarded="1.2.3.4")) == "203.0.113.7"
    settings.TRUSTED_PROXIES = []
    assert client_address(request(remote="10.0.0.2", forwarded="198.51.100.9")) == "10.0.0.2"


@pytest.mark.django_db
def test_the_verification_page_is_limited_per_real_client_behind_the_proxy(client, settings):
    settings.TRUSTED_PROXIES, settings.VERIFY_RATE_PER_MINUTE = ["127.0.0.1/32"], 2
    codes = [client.get("/licenses/verify/", HTTP_X_FORWARDED_FOR="198.51.100.9").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert client.get("/licenses/verify/", HTTP_X_FORWARDED_FOR="198.51.100.10").status_code == 200
