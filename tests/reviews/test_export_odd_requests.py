"""Odd filter values on the exports are refused clearly or ignored, never a server error; odd
words are searched literally."""

from unittest import mock
from urllib.parse import urlencode

import pytest
from django.db import OperationalError, connections
from django.urls import reverse

from tests.reviews.test_exports import FORMATS, RESOURCES, download, exported_ids

pytestmark = pytest.mark.django_db


# Odd requests ---------------------------------------------------------------------------------

# What each resource does with the value: "400" = the filter is refused with a JSON error (rather
# than dropped, which would export everything); "all" = the parameter is not one of this
# resource's filters and is ignored; "none" = a valid number that matches nothing.
ODD_VALUES = [
    ({"objective": "abc"}, ("400", "400", "400")),
    ({"objective": "99"}, ("400", "none", "none")),
    ({"objective": "1e400"}, ("400", "400", "400")),
    # An objective number is a whole number a column can hold.
    ({"objective": "99999999999999999999999"}, ("400", "400", "400")),
    ({"objective": "7.5"}, ("400", "400", "400")),
    ({"pledge": "abc"}, ("all", "400", "400")),
    ({"pledge": "99999999999999999999999"}, ("all", "400", "400")),
    ({"progress_update": "-1"}, ("all", "400", "all")),
    ({"cycle": "no-such-cycle"}, ("400", "all", "all")),
    ({"country": "XX"}, ("400", "all", "all")),
    ({"freshness": "purple"}, ("400", "all", "all")),
    ({"actor_kind": "<script>"}, ("400", "all", "400")),
    ({"stage": "'; DROP TABLE x; --"}, ("all", "all", "400")),
    ({"since": "yesterday"}, ("all", "400", "all")),
    ({"q": "\x00"}, ("400", "all", "all")),
    ({"page": "-3"}, ("all", "all", "all")),
]


@pytest.mark.parametrize(
    ("query", "outcomes"), ODD_VALUES, ids=[urlencode(query) for query, _ in ODD_VALUES]
)
def test_an_odd_filter_value_is_refused_clearly_or_ignored_never_a_server_error(
    client, conversation, query, outcomes
):
    for resource, outcome in zip(RESOURCES, outcomes, strict=True):
        for fmt in FORMATS:
            if outcome == "400":
                response = client.get(reverse("reviews:export", args=[resource, fmt]), query)
                assert response.status_code == 400, (resource, fmt)
                assert set(response.json()["errors"]) == set(query), (resource, fmt)
                continue
            expected = conversation[resource] if outcome == "all" else set()
            _, body = download(client, resource, fmt, query)
            assert set(exported_ids(fmt, body)) == expected, (resource, fmt)


@pytest.mark.parametrize("query", [{"q": "%"}, {"q": "_"}, {"q": "' OR 1=1 --"}, {"q": " "}])
def test_odd_words_are_searched_literally(client, conversation, query):
    expected = set() if query["q"].strip() else conversation["pledges"]

    assert set(exported_ids("csv", download(client, "pledges", "csv", query)[1])) == expected


# The database down ----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "json"])
@pytest.mark.parametrize("resource", RESOURCES)
def test_a_streamed_export_is_a_503_not_a_cut_off_200_while_the_database_is_down(
    client, resource, fmt
):
    """Unfiltered, nothing is asked of the database before the stream begins: its first query
    must still run before the headers go, so that the refusal can be a 503."""
    refused = OperationalError("connection to server failed: Connection refused")
    client.raise_request_exception = False
    with mock.patch.object(connections["default"], "ensure_connection", side_effect=refused):
        response = client.get(reverse("reviews:export", args=[resource, fmt]))

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert not response.streaming
