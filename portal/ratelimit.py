"""A small fixed-window rate limit in the shared cache (database or Redis), for posting."""

import time

from django.core.cache import cache
from django.core.exceptions import ValidationError


class RateLimited(ValidationError):
    """Too many actions in a short time; the message says what to do."""


def hit(key: str, *, limit: int, window: int) -> bool:
    """Count one action under `key`; False when `limit` actions already happened in the window."""
    bucket = int(time.time()) // window
    cache_key = f"ratelimit:{key}:{bucket}"
    count = cache.get(cache_key, 0)
    if count >= limit:
        return False
    # get + set keeps the window's own expiry on every cache backend.
    cache.set(cache_key, count + 1, window)
    return True
