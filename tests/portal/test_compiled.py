"""A query compiled once (portal.compiled) reads exactly what the same `.values()` query reads."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.compiled import CompiledRows
from reviews.api import pledge_rows
from reviews.models import Objective, Pledge
from tests.factories import ActorFactory, PledgeFactory, PledgePartnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pledges():
    partner = ActorFactory(name="Partner with a country", country="SN")
    full = PledgeFactory(
        published=True,
        objectives=list(Objective.objects.filter(number__in=[3, 11])),
        amount=Decimal("99.50"),
        currency="EUR",
        countries=["FR", "SN"],
    )
    PledgePartnerFactory(pledge=full, actor=partner)
    bare = PledgeFactory(primary_objective=None, objectives=[], cycle=None, start_date=None)
    return [full, bare, PledgeFactory(published=True)]


def test_compiled_rows_read_as_the_values_query(pledges):
    rows = CompiledRows(Pledge, pledge_rows.values)
    ids = [pledge.pk for pledge in pledges]

    fetched = sorted(rows.fetch(ids, "default"), key=lambda row: row["pk"])
    again = sorted(rows.fetch(ids[:2], "default"), key=lambda row: row["pk"])  # compiled once

    expected = list(pledge_rows.values(Pledge.objects.filter(pk__in=ids)).order_by("pk"))
    assert fetched == expected
    assert again == expected[:2]
    assert fetched[0]["partner_rows"][0]["name"] == "Partner with a country"
    assert fetched[0]["amount"] == Decimal("99.50")


def test_compiled_rows_read_only_the_ids_asked_for(pledges):
    rows = CompiledRows(Pledge, pledge_rows.values)

    assert [row["pk"] for row in rows.fetch([pledges[1].pk, 10**9], "default")] == [pledges[1].pk]
    with CaptureQueriesContext(connection) as queries:
        assert rows.fetch([], "default") == []
    assert len(queries) == 0


def test_a_page_keeps_the_order_it_was_chosen_in(pledges):
    page = [{"pk": pledge.pk} for pledge in reversed(pledges)]

    assert [row["pk"] for row in pledge_rows.rows_of(page, "default")] == [
        pledge.pk for pledge in reversed(pledges)
    ]


def _prepared_statements():
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [statement for (statement,) in cursor.fetchall()]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL")
def test_on_postgresql_the_rows_query_is_the_connections_one_prepared_statement(pledges):
    rows = CompiledRows(Pledge, pledge_rows.values)
    ids = [pledge.pk for pledge in pledges]

    with CaptureQueriesContext(connection) as queries:
        first = rows.fetch(ids, "default")
        second = rows.fetch(ids[:1], "default")
        rows.fetch([10**12], "default")  # an id of another size: the same statement

    # Still seen (and counted) as Django's queries, and read as the values query reads them.
    assert len(queries) == 3
    expected = list(pledge_rows.values(Pledge.objects.filter(pk__in=ids)).order_by("pk"))
    assert sorted(first, key=lambda row: row["pk"]) == expected
    assert second == expected[:1]
    prepared = _prepared_statements()
    assert len(prepared) == 1
    assert "= ANY($" in prepared[0]
    # Django's own queries stay unprepared.
    list(Pledge.objects.filter(pk__in=ids))
    assert len(_prepared_statements()) == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL")
def test_behind_pgbouncer_the_rows_query_is_not_prepared(pledges, monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "PREPARED_STATEMENTS", False)
    rows = CompiledRows(Pledge, pledge_rows.values)

    assert len(rows.fetch([pledge.pk for pledge in pledges], "default")) == 3
    assert _prepared_statements() == []
