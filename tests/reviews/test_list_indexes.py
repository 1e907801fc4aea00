"""The public pledge lists' orders are read from an index with a LIMIT, not sorted: the first
page's plan has no Sort above the scan of the pledges (reviews/models/list_indexes.py, and the
HTML list's NULLS LAST orders in migration reviews 0014)."""

import json

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from reviews.models import Pledge
from tests.factories import bulk_pledges

pytestmark = pytest.mark.django_db

postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the plans are PostgreSQL's"
)


@pytest.fixture
def public_and_private(actor_a, actor_b):
    bulk_pledges(30, lead=actor_a, status="published")
    bulk_pledges(5, lead=actor_a, status="withdrawn")
    bulk_pledges(10, lead=actor_b)  # drafts, outside the indexes


def _page_query(params) -> tuple[str, tuple]:
    """The SQL and parameters with which the API read the page of pledges."""
    executed = []

    def record(execute, sql, sql_params, many, context):
        executed.append((sql, sql_params))
        return execute(sql, sql_params, many, context)

    with connection.execute_wrapper(record):
        response = APIClient().get("/api/v1/pledges/", params)
    assert response.status_code == 200
    # The page is chosen by one ordered, limited query (its rows are then read by id:
    # reviews/api/pledge_rows.py).
    pages = [query for query in executed if 'FROM "reviews_pledge"' in query[0]]
    chosen = [query for query in pages if " LIMIT " in query[0]]
    assert len(pages) == 2 and len(chosen) == 1
    return chosen[0]


def _pledge_scan(query: tuple[str, tuple]) -> tuple[dict, list[str]]:
    """The plan's scan of the pledges, and the nodes above it (from the Limit down the outer
    side of the joins), planned without whole-table scans, as on a large table."""
    sql, params = query
    with connection.cursor() as cursor:
        # A test table is small: a whole scan and sort would win there, not at 100k rows. (It
        # is not analysed either: the planner assumes a table of some size, as a real one is.)
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    node = (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]
    above = []
    while node.get("Relation Name") != "reviews_pledge":
        above.append(node["Node Type"])
        children = [c for c in node.get("Plans", []) if c["Parent Relationship"] != "SubPlan"]
        node = next((c for c in children if c["Parent Relationship"] == "Outer"), children[0])
    return node, above


def assert_read_in_order(query, index):
    scan, above = _pledge_scan(query)
    assert above[0] == "Limit"
    assert not {"Sort", "Incremental Sort"} & set(above), above
    assert scan["Node Type"] in ("Index Scan", "Index Only Scan"), scan["Node Type"]
    assert scan["Index Name"] == index


@postgresql
@pytest.mark.parametrize(
    ("sort", "index"),
    [
        ("newest", "pledge_public_listed"),
        ("oldest", "pledge_public_listed"),
        ("title", "pledge_public_title"),
        ("updated", "pledge_public_updated"),
    ],
)
def test_each_api_sort_of_the_public_set_reads_its_index(public_and_private, sort, index):
    assert_read_in_order(_page_query({"sort": sort}), index)


@postgresql
def test_the_next_page_reads_the_index_too(public_and_private):
    first = APIClient().get("/api/v1/pledges/", {"sort": "newest", "page_size": 5}).json()
    cursor = first["next"].split("cursor=")[1].split("&")[0]

    query = _page_query({"sort": "newest", "page_size": 5, "cursor": cursor})

    assert_read_in_order(query, "pledge_public_listed")


def test_the_indexes_condition_is_the_public_sets_own():
    """The planner matches a partial index only to the same condition: public()'s."""
    from reviews.models.lifecycle import public_pledge_q
    from reviews.models.list_indexes import PUBLIC_LIST_INDEXES

    assert PUBLIC_LIST_INDEXES
    assert all(index.condition == public_pledge_q() for index in PUBLIC_LIST_INDEXES)
    assert (
        Pledge.objects.public().query.where == Pledge.objects.filter(public_pledge_q()).query.where
    )


def _html_page_query(params) -> tuple[str, tuple]:
    """The SQL and parameters with which the HTML list read its page of pledges."""
    executed = []

    def record(execute, sql, sql_params, many, context):
        executed.append((sql, sql_params))
        return execute(sql, sql_params, many, context)

    with connection.execute_wrapper(record):
        response = Client().get(reverse("reviews:pledge-list"), params)
    assert response.status_code == 200
    pages = [
        query
        for query in executed
        if query[0].startswith('SELECT "reviews_pledge"."id"') and "ORDER BY" in query[0]
    ]
    assert pages, executed
    return pages[0]


@postgresql
@pytest.mark.parametrize(
    ("params", "index"),
    [
        ({}, "pledge_public_newest"),
        ({"sort": "newest"}, "pledge_public_newest"),
        ({"sort": "oldest"}, "pledge_public_oldest"),
        ({"sort": "title"}, "pledge_public_title"),
        ({"sort": "updated"}, "pledge_public_updated"),
    ],
)
def test_each_html_list_order_reads_its_index(public_and_private, params, index):
    assert_read_in_order(_html_page_query(params), index)
