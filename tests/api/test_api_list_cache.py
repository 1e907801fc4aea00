"""The anonymous pledge list of the API, kept as the statistics are: the same address answers
from the cache without a query until a write to what it shows commits, and a minute at most
(its freshness colours move with the clock); a signed-in reader's list is never kept."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from reviews import services
from tests.factories import PledgeFactory, PledgePartnerFactory

pytestmark = pytest.mark.django_db

URL = reverse("api:pledge-list")


def _ids(client=None, **params) -> list[int]:
    response = (client or APIClient()).get(URL, params)
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_the_same_address_is_answered_again_without_a_query(actor_a, django_assert_num_queries):
    pledge = PledgeFactory(lead=actor_a, published=True)
    assert _ids() == [pledge.pk]
    with django_assert_num_queries(0):
        assert _ids() == [pledge.pk]
    with django_assert_num_queries(2):  # another address: its page's ids, then its rows
        assert _ids(page_size=5) == [pledge.pk]


def test_a_committed_publication_is_in_the_next_answer(
    actor_a, focal_a, moderator, django_capture_on_commit_callbacks
):
    pledge = PledgeFactory(lead=actor_a)
    services.pledge_submit(pledge=pledge, by=focal_a)
    assert _ids() == []
    with django_capture_on_commit_callbacks(execute=True):
        services.pledge_publish(pledge=pledge, by=moderator)
    assert _ids() == [pledge.pk]


def test_a_new_partnership_is_in_the_next_answer(
    actor_a, actor_b, django_capture_on_commit_callbacks
):
    pledge = PledgeFactory(lead=actor_a, published=True)
    assert APIClient().get(URL).json()["results"][0]["partners"] == []
    with django_capture_on_commit_callbacks(execute=True):
        PledgePartnerFactory(pledge=pledge, actor=actor_b)
    partners = APIClient().get(URL).json()["results"][0]["partners"]
    assert [partner["id"] for partner in partners] == [actor_b.pk]


def test_an_answer_is_kept_a_minute_at_most(actor_a):
    pledge = PledgeFactory(lead=actor_a, published=True)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert _ids() == [pledge.pk]
        # Deleted, never committed (the test's transaction): only the clock retires the answer.
        type(pledge).objects.filter(pk=pledge.pk).delete()
        assert _ids() == [pledge.pk]
        clock.shift(dt.timedelta(seconds=61))
        assert _ids() == []


def test_a_signed_in_reader_is_never_answered_from_the_cache(actor_a, focal_a):
    published = PledgeFactory(lead=actor_a, published=True)
    draft = PledgeFactory(lead=actor_a)
    member = APIClient()
    member.force_authenticate(focal_a)

    assert _ids() == [published.pk]
    assert sorted(_ids(member)) == sorted([published.pk, draft.pk])
    assert _ids() == [published.pk]
