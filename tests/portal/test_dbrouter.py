"""Read replicas (portal.dbrouter): anonymous reads go to a replica; writes, signed-in people,
whoever just wrote, workers and commands use the primary; a replica down is read around."""

import logging

import pytest
from django.db import connections, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actors.models import User
from portal import dbrouter
from reviews.models import Pledge
from tests.factories import PledgeFactory, VerifiedUserFactory

ROUTER = ["portal.dbrouter.ReplicaRouter"]
BOTH = ["default", "replica_1"]


@pytest.fixture
def routed(settings):
    settings.DATABASE_ROUTERS = ROUTER
    dbrouter._down_until.clear()
    yield
    dbrouter._down_until.clear()


@pytest.fixture
def replica_reads():
    token = dbrouter.allow_replica_reads(True)
    yield
    dbrouter.end_replica_reads(token)


@pytest.fixture
def replica_down(tmp_path):
    """replica_1 replaced by a replica that refuses connections (a closed port; on SQLite, a
    file that cannot be opened)."""
    saved = connections.settings["replica_1"]
    down = dict(saved, TEST={"MIRROR": None})
    if saved["ENGINE"] == "django.db.backends.postgresql":
        down.update(HOST="127.0.0.1", PORT="1", OPTIONS={"connect_timeout": 2})
    else:
        down.update(NAME=str(tmp_path / "missing" / "replica.sqlite3"), OPTIONS={})
    connections.settings["replica_1"] = down
    del connections["replica_1"]
    yield
    connections["replica_1"].close()
    connections.settings["replica_1"] = saved
    del connections["replica_1"]


# --- Which requests may read a replica ----------------------------------------------------------


@pytest.mark.parametrize(
    "method, cookies, headers, allowed",
    [
        ("get", {}, {}, True),
        ("head", {}, {}, True),
        ("post", {}, {}, False),
        ("put", {}, {}, False),
        ("patch", {}, {}, False),
        ("delete", {}, {}, False),
        ("options", {}, {}, False),
        ("get", {"sessionid": "abc"}, {}, False),
        ("get", {dbrouter.PIN_COOKIE: "1"}, {}, False),
        ("get", {}, {"HTTP_AUTHORIZATION": "Token abc"}, False),
    ],
)
def test_only_safe_requests_of_anonymous_visitors_who_did_not_just_write_read_a_replica(
    method, cookies, headers, allowed
):
    request = getattr(RequestFactory(), method)("/pledges/", **headers)
    request.COOKIES.update(cookies)

    assert dbrouter.request_may_read_replica(request) is allowed


# --- The router's decisions ---------------------------------------------------------------------


def test_outside_a_request_every_read_goes_to_the_primary(routed):
    router = dbrouter.ReplicaRouter()

    assert router.db_for_read(Pledge) == "default"


@pytest.fixture
def replica_up(monkeypatch):
    monkeypatch.setattr(dbrouter, "_reachable", lambda alias: True)


def test_an_allowed_read_goes_to_the_replica(routed, replica_reads, replica_up):
    assert dbrouter.ReplicaRouter().db_for_read(Pledge) == "replica_1"


@pytest.mark.parametrize("label", sorted(dbrouter.PRIMARY_ONLY_APPS))
def test_cache_sessions_and_the_task_queue_are_always_read_on_the_primary(
    routed, replica_reads, replica_up, label
):
    model = type("Model", (), {"_meta": type("Meta", (), {"app_label": label})})

    assert dbrouter.ReplicaRouter().db_for_read(model) == "default"


@pytest.mark.django_db
def test_a_read_inside_a_transaction_on_the_primary_stays_on_the_primary(
    routed, replica_reads, replica_up
):
    with transaction.atomic():
        assert dbrouter.ReplicaRouter().db_for_read(Pledge) == "default"


def test_writes_and_migrations_are_for_the_primary_only_and_relations_are_allowed():
    router = dbrouter.ReplicaRouter()

    assert router.db_for_write(Pledge) == "default"
    assert router.allow_migrate("default", "reviews") is True
    assert router.allow_migrate("replica_1", "reviews") is False
    assert router.allow_relation(Pledge(), User()) is True


@pytest.mark.django_db(databases=BOTH, transaction=True)
def test_a_replica_that_refuses_connections_is_read_around_and_set_aside(
    routed, replica_reads, replica_down, caplog
):
    router = dbrouter.ReplicaRouter()

    with caplog.at_level(logging.WARNING, logger="portal.db"):
        assert router.db_for_read(Pledge) == "default"
        assert router.db_for_read(Pledge) == "default"

    unreachable = [r for r in caplog.records if "replica replica_1 unreachable" in r.getMessage()]
    assert len(unreachable) == 1  # the second read did not try again within the back-off
    assert "replica_1" in dbrouter._down_until


@pytest.mark.django_db(databases=BOTH, transaction=True)
def test_a_replica_is_tried_again_after_the_back_off(routed, replica_reads):
    dbrouter._down_until["replica_1"] = 0.0  # its back-off has passed

    assert dbrouter.ReplicaRouter().db_for_read(Pledge) == "replica_1"
    assert "replica_1" not in dbrouter._down_until


# --- Whole requests -----------------------------------------------------------------------------


def replica_queries(client, url, **extra):
    with (
        CaptureQueriesContext(connections["replica_1"]) as replica,
        CaptureQueriesContext(connections["default"]) as primary,
    ):
        response = client.get(url, **extra)
    return response, len(replica), len(primary)


@pytest.mark.django_db(databases=BOTH, transaction=True)
def test_an_anonymous_visitor_reads_the_pledge_list_from_the_replica(client, routed):
    pledge = PledgeFactory(published=True, title="Replicated pledge")

    response, on_replica, _ = replica_queries(client, reverse("reviews:pledge-list"))

    assert response.status_code == 200
    assert pledge.title in response.content.decode()
    assert on_replica > 0


@pytest.mark.django_db(databases=BOTH, transaction=True)
def test_a_signed_in_person_reads_the_primary(client, routed):
    PledgeFactory(published=True)
    client.force_login(VerifiedUserFactory())

    response, on_replica, on_primary = replica_queries(client, reverse("reviews:pledge-list"))

    assert response.status_code == 200
    assert on_replica == 0
    assert on_primary > 0


@pytest.mark.django_db(databases=BOTH, transaction=True)
def test_after_a_write_the_next_reads_stay_on_the_primary_for_a_few_seconds(
    client, routed, settings
):
    settings.REPLICA_PIN_SECONDS = 10
    PledgeFactory(published=True)

    written = client.post(reverse("reviews:pledge-list"))
    pin = written.cookies[dbrouter.PIN_COOKIE]
    response, on_replica, _ = replica_queries(client, reverse("reviews:pledge-list"))

    assert pin["max-age"] == 10
    assert pin["httponly"]
    assert response.status_code == 200
    assert on_replica == 0


@pytest.mark.django_db(databases=BOTH, transaction=True)
def test_an_anonymous_read_while_the_replica_is_down_is_served_by_the_primary(
    client, routed, replica_down
):
    pledge = PledgeFactory(published=True, title="Served by the primary")

    first = client.get(reverse("reviews:pledge-list"))
    second = client.get(reverse("api:pledge-list"))

    assert first.status_code == 200
    assert pledge.title in first.content.decode()
    assert second.status_code == 200


@pytest.mark.django_db
def test_without_replicas_no_pin_cookie_is_set(client, settings):
    settings.DATABASE_ROUTERS = []

    response = client.post(reverse("reviews:pledge-list"))

    assert dbrouter.PIN_COOKIE not in response.cookies
