"""Failure is visible: the health pages."""

import logging
from unittest import mock

import pytest
from django.core.cache.backends.base import BaseCache
from django.db import OperationalError, connections
from django.urls import reverse

from tests.factories import VerifiedUserFactory

pytestmark = pytest.mark.django_db

HEALTHZ = reverse("healthz")
READYZ = reverse("readyz")


@pytest.fixture
def database_down():
    """Every new query fails as when the server refuses connections (mocked at the edge)."""
    refused = OperationalError("connection to server failed: Connection refused")
    with mock.patch.object(connections["default"], "ensure_connection", side_effect=refused):
        yield


@pytest.fixture
def signed_in(client):
    """A session cookie of a signed-in person: loading the user asks the database."""
    client.force_login(VerifiedUserFactory())
    return client


class UnreachableCache(BaseCache):
    """A cache server that refuses connections, as Redis or memcached do when they are down."""

    def _refuse(self, *args, **kwargs):
        raise ConnectionRefusedError("cache server refused the connection")

    add = get = set = touch = delete = clear = _refuse


@pytest.mark.parametrize("method", ["get", "head"])
def test_healthz_answers_ok_without_any_query(client, django_assert_num_queries, method):
    with django_assert_num_queries(0):
        response = getattr(client, method)(HEALTHZ)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    if method == "get":
        assert response.json() == {"status": "ok"}


def test_healthz_touches_neither_session_nor_database_of_a_signed_in_visitor(
    signed_in, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = signed_in.get(HEALTHZ)

    assert response.status_code == 200
    assert not response.cookies


def test_healthz_answers_while_the_database_is_down(signed_in, database_down):
    response = signed_in.get(HEALTHZ)

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.parametrize("path", [HEALTHZ, READYZ])
def test_health_pages_still_validate_the_host(client, path):
    assert client.get(path, HTTP_HOST="attacker.example").status_code == 400


@pytest.mark.parametrize("path", [HEALTHZ, READYZ])
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_health_pages_answer_only_get_and_head(client, path, method):
    assert getattr(client, method)(path).status_code == 405


@pytest.mark.parametrize("method", ["get", "head"])
def test_readyz_answers_ready_when_database_and_cache_answer(client, method):
    response = getattr(client, method)(READYZ)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    if method == "get":
        assert response.json() == {
            "status": "ready",
            "checks": {"database": "ok", "cache": "ok"},
        }


@pytest.mark.parametrize("method", ["get", "head"])
def test_readyz_names_the_database_when_it_is_unreachable(signed_in, database_down, method):
    response = getattr(signed_in, method)(READYZ)

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    if method == "get":
        assert response.json() == {
            "status": "unavailable",
            "checks": {"database": "failed", "cache": "ok"},
        }


def test_readyz_names_the_cache_when_it_fails(client, settings, caplog):
    settings.CACHES = {"default": {"BACKEND": f"{__name__}.UnreachableCache"}}

    with caplog.at_level(logging.ERROR, logger="portal"):
        response = client.get(READYZ)

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json()["checks"] == {"database": "ok", "cache": "failed"}
    assert "cache check failed" in caplog.text
