"""The API throttle: one atomic count per request in the shared store, a 429 with Retry-After
past the limit, in each store (the database table, Redis, a local cache)."""

import time

import pytest
from django.db import connection
from rest_framework.test import APIClient

from portal import throttling
from portal.models import ApiThrottleWindow
from tests.api.conftest import assert_json_error, set_throttle_rates, token_client

pytestmark = pytest.mark.django_db

LIST = "/api/v1/objectives/"
REDIS_URL = "redis://127.0.0.1:6379/5"


def _redis_or_skip():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("no Redis server at 127.0.0.1:6379")
    return client


@pytest.fixture(params=["database", "cache", "redis"])
def store(request, settings):
    """Each store the throttle may count in."""
    if request.param == "redis":
        client = _redis_or_skip()
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": REDIS_URL,
                "KEY_PREFIX": f"test-throttle-{time.monotonic_ns()}",
            }
        }
        settings.API_THROTTLE_STORE = ""
        yield "redis"
        client.close()
        return
    settings.API_THROTTLE_STORE = request.param
    yield request.param


def test_an_anonymous_client_gets_a_429_with_retry_after_past_the_limit(store, settings):
    set_throttle_rates(settings, anon="3/min", user="5/min")
    client = APIClient()

    statuses = [client.get(LIST).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    response = client.get(LIST)
    assert_json_error(response, 429, "throttled")
    assert 1 <= int(response["Retry-After"]) <= 60


def test_each_user_has_their_own_count_apart_from_anonymous_clients(
    store, settings, focal_a, focal_b
):
    set_throttle_rates(settings, anon="2/min", user="3/min")
    a, b = token_client(focal_a), token_client(focal_b)

    assert [a.get(LIST).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert b.get(LIST).status_code == 200
    assert APIClient().get(LIST).status_code == 200


def test_the_database_store_counts_in_one_query_per_request(settings, django_assert_num_queries):
    settings.API_THROTTLE_STORE = "database"
    set_throttle_rates(settings, anon="100/min", user="100/min")

    for expected in (1, 2, 3):
        with django_assert_num_queries(1) as queries:
            hits, remaining = throttling.hit("anon:192.0.2.1", 60)
        assert hits == expected
        assert 1 <= remaining <= 60
    assert "ON CONFLICT" in queries.captured_queries[0]["sql"]
    assert ApiThrottleWindow.objects.get().hits == 3


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's version only")
def test_sqlite_can_upsert_with_returning():
    import sqlite3

    assert sqlite3.sqlite_version_info >= (3, 35)


def test_the_database_store_is_chosen_when_the_cache_is_the_database(settings):
    settings.API_THROTTLE_STORE = ""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "portal_cache",
        }
    }
    assert throttling.store() == "database"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert throttling.store() == "cache"


def test_a_new_window_starts_the_count_again(settings, monkeypatch):
    settings.API_THROTTLE_STORE = "database"
    start = 1_800_000_000 // 60 * 60
    monkeypatch.setattr(throttling.time, "time", lambda: start + 59.5)
    assert throttling.hit("anon:192.0.2.9", 60) == (1, 1)
    assert throttling.hit("anon:192.0.2.9", 60)[0] == 2
    monkeypatch.setattr(throttling.time, "time", lambda: start + 60)
    assert throttling.hit("anon:192.0.2.9", 60) == (1, 60)


def test_the_nightly_prune_forgets_past_windows_only():
    now = 1_800_000_000
    ApiThrottleWindow.objects.create(key="anon:old", bucket=now - 3 * 86400)
    ApiThrottleWindow.objects.create(key="anon:today", bucket=now - 86400)
    ApiThrottleWindow.objects.create(key="anon:now", bucket=now)

    assert throttling.prune(now) == 1

    assert set(ApiThrottleWindow.objects.values_list("key", flat=True)) == {
        "anon:today",
        "anon:now",
    }


def test_the_prune_is_scheduled():
    from portal import tasks

    assert tasks.prune_throttle_windows.call() == 0
