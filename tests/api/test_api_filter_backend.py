"""Without a filter parameter the API's lists build no FilterSet, and select what an empty
filter would (portal.filters.DjangoFilterBackend)."""

import pytest
from rest_framework.test import APIClient

from reviews.filters import PledgeSearchFilter
from tests.factories import PledgeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(monkeypatch):
    made = []
    original = PledgeSearchFilter.__init__

    def counting(self, *args, **kwargs):
        made.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(PledgeSearchFilter, "__init__", counting)
    return made


def _ids(response):
    assert response.status_code == 200
    return [item["id"] for item in response.json()["results"]]


def test_a_list_without_filters_builds_no_filterset_and_lists_the_same(built):
    for _ in range(3):
        PledgeFactory(published=True)
    PledgeFactory()  # a draft: never listed anonymously
    client = APIClient()

    plain = _ids(client.get("/api/v1/pledges/", {"page_size": 2}))
    assert built == []
    filtered = _ids(client.get("/api/v1/pledges/", {"page_size": 2, "kind": ""}))
    assert len(built) == 1
    assert plain == filtered and len(plain) == 2


def test_a_filter_parameter_still_filters_and_bad_values_are_refused(built):
    client = APIClient()

    assert client.get("/api/v1/pledges/", {"kind": "no-such-kind"}).status_code == 400
    assert len(built) == 1
