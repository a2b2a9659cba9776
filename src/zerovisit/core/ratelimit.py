"""A fixed-window request limit per client, counted where every process and host sees the same count.

Counts live in the shared cache when one is configured (Redis: ZV_REDIS_URL), whose increment is atomic; otherwise
in a database table, incremented with one UPDATE so concurrent requests never lose a count. A per-process counter
would let each gunicorn worker allow the whole limit again.
"""

import datetime
import time

from django.conf import settings
from django.core.cache import caches
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .clients import client_address
from .models import RateCounter


def allow(request, scope: str, limit: int, per_seconds: int = 60) -> bool:
    """True while this client has made at most `limit` requests to `scope` in the current window."""
    return allow_for(f"{scope}:{client_address(request)}", limit, per_seconds)


def allow_for(subject: str, limit: int, per_seconds: int = 60) -> bool:
    """True while `subject` (a scope and whom it counts, e.g. a mobile number's hash) has been counted at most
    `limit` times in the current window."""
    window = int(time.time() // per_seconds)
    key = f"ratelimit:{subject}:{window}"
    count = _count_in_cache(key, per_seconds) if settings.REDIS_URL else _count_in_database(key, per_seconds)
    return count <= limit


def _count_in_cache(key: str, per_seconds: int) -> int:
    cache = caches["default"]
    cache.add(key, 0, timeout=per_seconds + 1)
    try:
        return cache.incr(key)
    except ValueError:  # the key expired between add and incr: this request opens a new window
        cache.set(key, 1, timeout=per_seconds + 1)
        return 1


def _count_in_database(key: str, per_seconds: int) -> int:
    with transaction.atomic():
        if RateCounter.objects.filter(key=key).update(count=F("count") + 1):
            return RateCounter.objects.values_list("count", flat=True).get(key=key)
        now = timezone.now()
        RateCounter.objects.filter(expires_at__lt=now).delete()  # once per client and window: the windows now over
        try:
            with transaction.atomic():
                RateCounter.objects.create(key=key, count=1, expires_at=now + datetime.timedelta(seconds=per_seconds))
        except IntegrityError:  # another request opened the window at the same moment
            RateCounter.objects.filter(key=key).update(count=F("count") + 1)
            return RateCounter.objects.values_list("count", flat=True).get(key=key)
    return 1
