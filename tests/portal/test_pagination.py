"""The site's one paginator: pages without counting the table, and any page= value is safe."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from actors.models import Actor
from portal.pagination import MAX_PAGE, page_number, page_of
from tests.factories import PledgeFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("value", "number"),
    [
        ("2", 2),
        (" 3 ", 3),
        ("0", 1),
        ("-4", 1),
        ("abc", 1),
        ("", 1),
        ("²", 1),  # str.isdigit() says yes; int() says no
        ("1e3", 1),
        (str(MAX_PAGE + 1), 1),
        ("9" * 40, 1),
        (None, 1),
    ],
)
def test_a_page_number_is_a_number_in_range_or_the_first_page(value, number):
    assert page_number(value) == number


def test_a_page_knows_whether_another_follows_without_counting(django_assert_num_queries):
    for n in range(5):
        Actor.objects.create(name=f"Org {n}", slug=f"org-{n}", kind="civil-society")
    request = RequestFactory().get("/actors/", {"page": "2", "kind": "civil-society"})
    queryset = Actor.objects.filter(name__startswith="Org ").order_by("name")

    with django_assert_num_queries(1):
        page = page_of(queryset, request, 2)

    assert [a.name for a in page] == ["Org 2", "Org 3"]
    assert (page.number, page.has_previous, page.has_next) == (2, True, True)
    assert page.query == "kind=civil-society"
    assert page.count is None


def test_the_last_page_has_no_next_and_a_counted_page_its_total():
    for n in range(3):
        Actor.objects.create(name=f"Org {n}", slug=f"org-{n}", kind="civil-society")
    request = RequestFactory().get("/actors/", {"page": "2"})
    queryset = Actor.objects.filter(name__startswith="Org ").order_by("name")

    page = page_of(queryset, request, 2, count=True)

    assert [a.name for a in page] == ["Org 2"]
    assert not page.has_next
    assert (page.count, page.num_pages) == (3, 2)


@pytest.mark.parametrize(
    "url",
    ["reviews:pledge-list", "actors:actor-list"],
)
@pytest.mark.parametrize("value", ["99999999999999999999", "-1", "x", "²", str(MAX_PAGE)])
def test_lists_answer_any_page_value(client, url, value):
    PledgeFactory(published=True)

    response = client.get(reverse(url), {"page": value})

    assert response.status_code == 200
