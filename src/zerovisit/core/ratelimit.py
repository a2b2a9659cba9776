"""A fixed-window request limit per client, kept in the cache (Redis when several hosts share the load)."""

import time

from django.core.cache import cache


def allow(request, scope: str, limit: int, per_seconds: int = 60) -> bool:
    """True while this client has made at most `limit` requests to `scope` in the current window."""
    window = int(time.time() // per_seconds)
    key = f"ratelimit:{scope}:{request.META.get('REMOTE_ADDR', '')}:{window}"
    cache.add(key, 0, timeout=per_seconds + 1)
    try:
        return cache.incr(key) <= limit
    except ValueError:  # the key expired between add and incr
        return True
