"""Failure is visible: the health pages, and a 503 (not a 500) while the database is down."""

import json
import logging
from unittest import mock

import pytest
from django.core.cache.backends.base import BaseCache
from django.db import IntegrityError, OperationalError, connections
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from portal import health
from tests.factories import VerifiedUserFactory

pytestmark = pytest.mark.django_db

HEALTHZ = reverse("healthz")
READYZ = reverse("readyz")
UNAVAILABLE = {"detail": "The service is temporarily unavailable; please try again shortly."}


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
    # The error reaches Django's handler, which answers; the client would re-raise it.
    client.raise_request_exception = False
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
            "checks": {"database": "ok", "cache": "ok", "migrations": "ok"},
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
            "checks": {"database": "failed", "cache": "ok", "migrations": "unknown"},
        }


@pytest.fixture
def migrations_unseen(monkeypatch):
    """A process that has not yet found every migration applied (the answer is kept once true)."""
    monkeypatch.setattr(health, "_migrated", False)


def test_readyz_names_the_migrations_when_one_is_not_applied(client, migrations_unseen, caplog):
    pending = [("reviews.9999_future", False)]  # (migration, backwards) as the plan lists them
    with (
        mock.patch.object(MigrationExecutor, "migration_plan", return_value=pending),
        caplog.at_level(logging.ERROR, logger="portal"),
    ):
        response = client.get(READYZ)

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json()["checks"]["migrations"] == "failed"
    assert "migrations check failed" in caplog.text
    assert "1 migrations are not applied" in caplog.text


def test_readyz_looks_at_the_migrations_once_then_remembers(client, migrations_unseen):
    with mock.patch.object(MigrationExecutor, "migration_plan", return_value=[]) as plan:
        client.get(READYZ)
        response = client.get(READYZ)

    assert response.json()["checks"]["migrations"] == "ok"
    assert plan.call_count == 1


def test_readyz_looks_again_while_migrations_are_pending(client, migrations_unseen):
    pending = [("reviews.9999_future", False)]
    with mock.patch.object(MigrationExecutor, "migration_plan", return_value=pending) as plan:
        client.get(READYZ)
        client.get(READYZ)

    assert plan.call_count == 2


def test_readyz_names_the_cache_when_it_fails(client, settings, caplog):
    settings.CACHES = {"default": {"BACKEND": f"{__name__}.UnreachableCache"}}

    with caplog.at_level(logging.ERROR, logger="portal"):
        response = client.get(READYZ)

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json()["checks"] == {"database": "ok", "cache": "failed", "migrations": "ok"}
    assert "cache check failed" in caplog.text


def test_api_answers_json_503_while_the_database_is_down(client, database_down, caplog):
    url = reverse("api:pledge-list")

    with caplog.at_level(logging.ERROR, logger="portal"):
        response = client.get(url)

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == "30"
    assert json.loads(response.content) == UNAVAILABLE
    assert f"database unavailable: GET {url}" in caplog.text


def test_api_answers_json_503_when_loading_the_signed_in_user_fails(signed_in, database_down):
    response = signed_in.get(reverse("api:pledge-list"))

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert json.loads(response.content) == UNAVAILABLE


def test_site_answers_a_friendly_503_page_while_the_database_is_down(client, database_down, caplog):
    url = reverse("reviews:pledge-list")

    with caplog.at_level(logging.ERROR, logger="portal"):
        response = client.get(url)

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Type"].startswith("text/html")
    assert b"The portal is temporarily unavailable" in response.content
    assert f"database unavailable: GET {url}" in caplog.text


def test_site_answers_the_503_page_when_the_session_middleware_cannot_load_the_user(
    signed_in, database_down, caplog
):
    with caplog.at_level(logging.ERROR, logger="portal"):
        response = signed_in.get(reverse("home"))

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert b"The portal is temporarily unavailable" in response.content
    assert "database unavailable: GET /" in caplog.text


@pytest.mark.parametrize("url", [reverse("home"), reverse("api:pledge-list")])
def test_an_integrity_error_stays_a_server_error(client, url):
    broken = IntegrityError("duplicate key value violates unique constraint")
    client.raise_request_exception = False

    with mock.patch.object(connections["default"], "ensure_connection", side_effect=broken):
        response = client.get(url)

    assert response.status_code == 500
    assert "Retry-After" not in response
    assert b"Something went wrong" in response.content
