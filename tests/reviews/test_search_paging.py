"""Paging ranked search results (reviews.search, portal.keyset): one tier at a time by key on
the HTML list and with the API's cursor, both ways, every match once and in the order OFFSET pages
give; keys and cursors no link made are refused; one more query per further tier a page reaches."""

import base64
import datetime as dt
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from reviews.models import Pledge
from reviews.models.freshness import round_opened
from reviews.views.pledges import PAGE_SIZE
from tests.factories import PLEDGE_DESCRIPTION, bulk_pledges
from tests.reviews.test_search import API_LIST, LIST, html_ids

pytestmark = pytest.mark.django_db

S = Pledge.Status


def test_the_api_pages_through_ranked_results_with_its_cursor(library):
    seen, url, params = [], API_LIST, {"search": "quokka", "page_size": 1}
    while url:
        body = APIClient().get(url, params).json()
        seen += [row["id"] for row in body["results"]]
        url, params = body["next"], None
    assert seen == [library[name].pk for name in ("title", "summary", "description")]


@pytest.fixture
def tiers(actor_a):
    """Fifteen matches in each tier (title, summary, description), the publication moments
    tied in threes: {tier: ids}."""
    made = {
        2: bulk_pledges(15, lead=actor_a, title="Quokka title", status=S.PUBLISHED),
        1: bulk_pledges(15, lead=actor_a, summary="Quokka summary.", status=S.PUBLISHED),
        0: bulk_pledges(
            15, lead=actor_a, description=f"{PLEDGE_DESCRIPTION} Quokka.", status=S.PUBLISHED
        ),
    }
    moment = timezone.now()
    for tier_pledges in made.values():
        for n, pledge in enumerate(tier_pledges):
            moment_n = moment - dt.timedelta(hours=n // 3)
            Pledge.objects.filter(pk=pledge.pk).update(published_at=moment_n)
    return {tier: {p.pk for p in tier_pledges} for tier, tier_pledges in made.items()}


def _by_offset(client, pages: int) -> list[list[int]]:
    # `page=N` pages by OFFSET over the SQL order (the CASE of the tiers): the reference.
    return [html_ids(client, q="quokka", page=n) for n in range(1, pages + 1)]


def test_ranked_pages_by_key_list_every_match_once_in_the_order_of_offset_pages(client, tiers):
    pages, response = [], client.get(LIST, {"q": "quokka"})
    while True:
        page = response.context["page"]
        pages.append([pledge.pk for pledge in page])
        if not page.has_next:
            break
        response = client.get(LIST, {"q": "quokka", "after": page.after})

    assert pages == _by_offset(client, 3)
    flat = [pk for page in pages for pk in page]
    assert [set(flat[:15]), set(flat[15:30]), set(flat[30:])] == [tiers[2], tiers[1], tiers[0]]
    back = client.get(LIST, {"q": "quokka", "before": response.context["page"].before})
    assert [p.pk for p in back.context["page"]] == pages[1]
    assert back.context["page"].has_previous and back.context["page"].has_next


def test_the_api_pages_ranked_results_by_tier_both_ways(client, tiers):
    pages, url, params = [], API_LIST, {"search": "quokka"}
    while url:
        body = APIClient().get(url, params).json()
        pages.append([row["id"] for row in body["results"]])
        previous, url, params = body["previous"], body["next"], None

    # Ties within a tier in the API's default order, by id.
    ranked = [pk for tier in (2, 1, 0) for pk in sorted(tiers[tier], reverse=True)]
    assert pages == [ranked[:20], ranked[20:40], ranked[40:]]
    assert [row["id"] for row in APIClient().get(previous).json()["results"]] == pages[1]


@pytest.mark.parametrize(
    "position",
    ["[9,null,1]", "[2,null]", '["2","2026-01-01T00:00:00+00:00",1]', "[true,null,1]", "x"],
)
def test_a_rank_key_no_link_made_is_refused(client, tiers, position):
    token = base64.urlsafe_b64encode(position.encode()).decode().rstrip("=")
    response = client.get(LIST, {"q": "quokka", "after": token})
    assert response.status_code == 200 and not response.context["page"].has_previous
    cursor = base64.b64encode(f"o=0&p={token}".encode()).decode()
    assert APIClient().get(API_LIST, {"search": "quokka", "cursor": cursor}).status_code == 404


def test_a_forged_rank_cursor_is_a_404(library):
    first = APIClient().get(API_LIST, {"search": "quokka", "page_size": 1}).json()
    assert first["next"]
    query = parse_qs(urlsplit(first["next"]).query)
    forged = base64.b64encode(b"o=0&p=not-a-number").decode()
    query["cursor"] = [forged]
    response = APIClient().get(f"{API_LIST}?{urlencode(query, doseq=True)}")
    assert response.status_code == 404


def test_search_adds_a_query_only_for_each_further_tier_a_page_reaches(
    client, django_assert_num_queries, library, actor_a
):
    round_opened(timezone.now())  # cached, as every reader but the first finds it
    with CaptureQueriesContext(connection) as plain:
        client.get(LIST)
    # Title, then title-summary-lead, then description: one query per tier the page reads.
    with django_assert_num_queries(len(plain) + 2):
        client.get(LIST, {"q": "quokka -clinics"})
    bulk_pledges(PAGE_SIZE + 1, lead=actor_a, title="Quokka bulk pledge", status=S.PUBLISHED)
    with django_assert_num_queries(len(plain)):
        ids = html_ids(client, q="quokka")
    assert len(ids) == PAGE_SIZE and library["summary"].pk not in ids
