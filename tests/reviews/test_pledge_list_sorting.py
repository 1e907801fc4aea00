"""The pledge list's result count and its orders, shared by the HTML list, the API and the
exports through PledgeFilter's `sort`."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from reviews.api.pledges import CURSOR_SORTS
from reviews.filters import PLEDGE_SORTS
from reviews.models import Pledge
from reviews.views import pledges as pledge_views
from tests.api.conftest import token_client
from tests.factories import PledgeFactory
from tests.reviews.test_exports import complete_csv

pytestmark = pytest.mark.django_db

LIST = reverse("reviews:pledge-list")
API_LIST = reverse("api:pledge-list")
CSV = reverse("reviews:export", args=["pledges", "csv"])


def at(day: int) -> dt.datetime:
    return dt.datetime(2026, 3, day, 12, tzinfo=dt.UTC)


@pytest.fixture
def three(actor_a):
    """Published on the 1st, 2nd and 3rd; titled out of that order; updated in a third order."""
    made = {}
    for title, published, updated in [("Bravo", 1, 2), ("Charlie", 2, 3), ("Alpha", 3, 1)]:
        pledge = PledgeFactory(lead=actor_a, title=title, published=True)
        Pledge.objects.filter(pk=pledge.pk).update(
            published_at=at(published), updated_at=at(updated)
        )
        made[title] = pledge
    return made


def html_titles(client, **params) -> list[str]:
    response = client.get(LIST, params)
    assert response.status_code == 200, response.context["filter"].errors
    return [pledge.title for pledge in response.context["page"]]


def csv_titles(client, **params) -> list[str]:
    body = b"".join(client.get(CSV, params).streaming_content)
    return [row["title"] for row in csv.DictReader(io.StringIO(complete_csv(body), newline=""))]


ORDERS = {
    "newest": ["Alpha", "Charlie", "Bravo"],
    "oldest": ["Bravo", "Charlie", "Alpha"],
    "title": ["Alpha", "Bravo", "Charlie"],
    "updated": ["Charlie", "Bravo", "Alpha"],
}


def test_every_sort_has_a_cursor_order_on_the_api():
    assert ORDERS.keys() == PLEDGE_SORTS.keys() == CURSOR_SORTS.keys()


@pytest.mark.parametrize(("sort", "expected"), ORDERS.items())
def test_the_list_the_api_and_the_export_follow_the_same_sort(client, three, sort, expected):
    api = APIClient().get(API_LIST, {"sort": sort}).json()["results"]

    assert html_titles(client, sort=sort) == expected
    assert [pledge["title"] for pledge in api] == expected
    assert csv_titles(client, sort=sort) == expected


def test_the_list_is_newest_first_and_the_export_by_id_without_a_sort(client, three):
    assert html_titles(client) == ORDERS["newest"]
    assert csv_titles(client) == ["Bravo", "Charlie", "Alpha"]


def test_the_list_offers_the_orders_in_its_filter_form(client, three):
    page = client.get(LIST).content.decode()

    assert 'name="sort"' in page
    for label in ("Newest published", "Oldest published", "Title A–Z", "Last updated"):
        assert label in page


def test_an_unknown_sort_is_a_form_error_and_a_400_everywhere(client):
    html = client.get(LIST, {"sort": "description"})
    api = APIClient().get(API_LIST, {"sort": "description"})
    export = client.get(CSV, {"sort": "description"})

    assert html.status_code == 400
    assert html.context["filter"].errors["sort"]
    assert api.status_code == 400 and "sort" in api.json()
    assert export.status_code == 400


def test_the_api_pages_a_members_drafts_in_publication_order_with_its_cursor(
    contributor_a, actor_a, three
):
    # A draft has no publication date: it sorts by its creation (the newest here).
    PledgeFactory(lead=actor_a, title="Our draft")
    api = token_client(contributor_a)

    titles, url = [], API_LIST + "?sort=newest&page_size=2"
    while url:
        body = api.get(url).json()
        titles += [pledge["title"] for pledge in body["results"]]
        url = body["next"]

    assert titles == ["Our draft", *ORDERS["newest"]]


def test_the_list_counts_its_selection(client, three, actor_a):
    PledgeFactory(lead=actor_a, title="A draft is not counted")

    everything = client.get(LIST).content.decode()
    one = client.get(LIST, {"q": "Alpha"}).content.decode()

    assert "3 pledges" in everything
    assert "1 pledge<" in one


def test_the_count_stops_at_its_limit(client, three, monkeypatch):
    monkeypatch.setattr(pledge_views, "COUNT_LIMIT", 2)

    page = client.get(LIST)

    assert page.context["page"].count_capped
    assert "2 pledges or more" in page.content.decode()
