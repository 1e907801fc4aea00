"""API throttling in one round trip to the shared store, whatever the store is.

DRF's own throttles keep a list of request times in the cache: with the database cache that is
several queries per request (the culling counts the whole cache table), and reading then writing
the list lets concurrent requests of one client pass the limit. Here each request adds one to a
fixed-window counter, atomically:

- Redis (CACHE_URL=redis://…): SET NX with the window's expiry, then INCR, in one pipeline;
- only the database (the database cache): one `INSERT … ON CONFLICT … DO UPDATE … RETURNING`
  into ApiThrottleWindow (PostgreSQL, SQLite ≥ 3.35), past windows pruned every night;
- any other cache (local memory in development and tests): cache.add then cache.incr.

Counters are shared by every app server (except the local memory cache, by design per process).
One throttle serves both kinds of client, so an anonymous request is counted once (DRF's pair
counted it twice): by address at the `anon` rate, or by user at the `user` rate.
"""

import time

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from portal.models import ApiThrottleWindow

DURATIONS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """ "120/min" → (120, 60): requests allowed, window in seconds (DRF's notation)."""
    number, period = rate.split("/")
    return int(number), DURATIONS[period[0]]


def store() -> str:
    """Where counters live: API_THROTTLE_STORE, or found from the default cache."""
    chosen = getattr(settings, "API_THROTTLE_STORE", "")
    if chosen:
        return chosen
    return "database" if isinstance(caches["default"], DatabaseCache) else "cache"


def _database_hit(key: str, bucket: int) -> int:
    table, key_, bucket_, hits = map(
        connection.ops.quote_name, (ApiThrottleWindow._meta.db_table, "key", "bucket", "hits")
    )
    with connection.cursor() as cursor:
        # Only quoted model names are formatted in; the values are parameters.
        cursor.execute(
            f"INSERT INTO {table} ({key_}, {bucket_}, {hits}) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT ({key_}, {bucket_}) DO UPDATE SET {hits} = {table}.{hits} + 1 "
            f"RETURNING {hits}",
            [key, bucket],
        )
        return cursor.fetchone()[0]


def _cache_hit(key: str, bucket: int, duration: int) -> int:
    key = f"throttle:{key}:{bucket}"
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        # Django's incr() asks whether the key exists first: here one pipeline does it all.
        name = backend.make_key(key)  # the key is the portal's own: nothing to validate
        pipe = _redis_writer(backend).pipeline()
        pipe.set(name, 0, ex=duration, nx=True)
        pipe.incr(name)
        return pipe.execute()[1]
    backend.add(key, 0, duration)
    try:
        return backend.incr(key)
    except ValueError:  # expired between add and incr: this request opens the window again
        backend.add(key, 1, duration)
        return 1


def _redis_writer(backend):
    """The Redis client of the cache's primary server. Django makes one at each get_client()
    (a fifth of the counting's time): made once per cache client here, sharing its pool."""
    cache_client = backend._cache
    writer = getattr(cache_client, "_portal_writer", None)
    if writer is None:
        writer = cache_client.get_client(write=True)
        cache_client._portal_writer = writer
    return writer


def hit(key: str, duration: int) -> tuple[int, int]:
    """Count one request of `key`: (requests in the current window, seconds until it ends)."""
    now = time.time()
    bucket = int(now) // duration * duration
    if store() == "database":
        hits = _database_hit(key, bucket)
    else:
        hits = _cache_hit(key, bucket, duration)
    return hits, max(1, int(bucket + duration - now))


class ApiThrottle(BaseThrottle):
    """The API's throttle: anonymous clients by address (`anon` rate), others by user (`user`)."""

    def allow_request(self, request, view):
        user = request.user
        scope = "user" if user.is_authenticated else "anon"
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(scope)
        if rate is None:
            return True
        allowed, duration = parse_rate(rate)
        who = user.pk if user.is_authenticated else self.get_ident(request)
        hits, self.remaining = hit(f"{scope}:{who}", duration)
        return hits <= allowed

    def wait(self):
        return self.remaining


def prune(now: float | None = None) -> int:
    """Delete the database counters of past windows (none is longer than a day); how many."""
    now = time.time() if now is None else now
    deleted, _ = ApiThrottleWindow.objects.filter(bucket__lt=now - 2 * DURATIONS["d"]).delete()
    return deleted
