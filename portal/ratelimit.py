"""A small fixed-window rate limit in the shared cache (database or Redis), for posting."""

import time

from django.core.cache import cache
from django.core.exceptions import ValidationError


class RateLimited(ValidationError):
    """Too many actions in a short time; the message says what to do."""


def hit(key: str, *, limit: int, window: int) -> bool:
    """Count one action under `key`; False when `limit` actions already happened in the window.

    Each action claims a numbered slot with cache.add, which exactly one caller wins on every
    backend (the database cache included), so requests racing each other never exceed the
    limit, as reading then writing a counter would. The counter only says where to start.
    """
    bucket = int(time.time()) // window
    cache_key = f"ratelimit:{key}:{bucket}"
    for slot in range(cache.get(cache_key, 0), limit):
        if cache.add(f"{cache_key}:{slot}", True, window):
            cache.set(cache_key, slot + 1, window)
            return True
    return False
