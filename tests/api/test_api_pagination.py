"""The pledge list pages with a cursor: a next link to the end, up to 200 rows a page, and
pages that neither repeat nor skip a row when pledges are published between two requests."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from reviews.models import Objective, Pledge
from tests.factories import PledgeFactory, bulk_pledges

pytestmark = pytest.mark.django_db

LIST = reverse("api:pledge-list")


@pytest.fixture
def many_published(actor_a):
    objective = Objective.objects.get(number=3)
    return bulk_pledges(230, lead=actor_a, objectives=[objective], status=Pledge.Status.PUBLISHED)


def test_pages_follow_the_next_link_to_the_end(many_published):
    client = APIClient()
    seen, url, pages = [], f"{LIST}?page_size=100", 0

    while url:
        body = client.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url, pages = body["next"], pages + 1

    assert pages == 3
    assert seen == sorted((p.pk for p in many_published), reverse=True)


@pytest.mark.parametrize(("asked", "given"), [(1, 1), (10, 10), (200, 200), (1000, 200)])
def test_the_page_size_is_capped_at_200(many_published, asked, given):
    body = APIClient().get(LIST, {"page_size": asked}).json()

    assert len(body["results"]) == given
    assert body["next"] is not None


def test_the_default_page_has_20_rows(many_published):
    assert len(APIClient().get(LIST).json()["results"]) == 20


def test_cursor_pages_are_stable_when_a_pledge_is_published_in_between(actor_a):
    old = bulk_pledges(30, lead=actor_a, status=Pledge.Status.PUBLISHED)
    client = APIClient()

    first = client.get(LIST, {"page_size": 10}).json()
    PledgeFactory(lead=actor_a, published=True, title="Published meanwhile")
    second = client.get(first["next"]).json()

    first_ids = [row["id"] for row in first["results"]]
    second_ids = [row["id"] for row in second["results"]]
    newest_old = sorted((p.pk for p in old), reverse=True)
    assert first_ids + second_ids == newest_old[:20], "no duplicate, no skipped row"
    previous = client.get(second["previous"]).json()
    assert [row["id"] for row in previous["results"]] == first_ids


def test_cursor_pages_are_stable_when_ordered_by_title(actor_a):
    bulk_pledges(12, lead=actor_a, status=Pledge.Status.PUBLISHED)
    client = APIClient()
    expected = list(Pledge.objects.public().order_by("title", "pk").values_list("pk", flat=True))

    first = client.get(LIST, {"page_size": 5, "ordering": "title"}).json()
    PledgeFactory(lead=actor_a, published=True, title="zzz appears at the end")
    second = client.get(first["next"]).json()

    got = [row["id"] for row in first["results"] + second["results"]]
    assert got == expected[:10]
