"""The site's one paginator: pages without counting the table, and any page= value is safe."""

import datetime as dt

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from actors.models import Actor
from portal.pagination import MAX_PAGE, page_number, page_of
from reviews.models import Pledge
from reviews.views.pledges import PAGE_SIZE
from tests.factories import PledgeFactory, bulk_pledges

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


# Paging by key -------------------------------------------------------------------------------


def _ids(response) -> list[int]:
    return [pledge.pk for pledge in response.context["page"]]


def _walk(client, params, direction="after"):
    """Every page of the pledge list, following its Next links from the first page."""
    pages, response = [], client.get(reverse("reviews:pledge-list"), params)
    while True:
        page = response.context["page"]
        pages.append([pledge.pk for pledge in page])
        if not page.has_next:
            return pages, response
        response = client.get(reverse("reviews:pledge-list"), {**params, "after": page.after})


@pytest.mark.parametrize("sort", ["newest", "oldest", "title", "updated"])
def test_keyset_pages_list_every_pledge_once_in_the_order_of_offset_pages(client, actor_a, sort):
    moments = [timezone.now() - dt.timedelta(days=n % 7) for n in range(2 * PAGE_SIZE + 5)]
    # Ties on the sort value (same moment, same title) are broken by id, as the order is.
    bulk_pledges(2 * PAGE_SIZE + 5, lead=actor_a, published=True)
    for pledge, moment in zip(Pledge.objects.order_by("pk"), moments, strict=True):
        Pledge.objects.filter(pk=pledge.pk).update(
            published_at=moment, updated_at=moment, title=f"Title {pledge.pk % 4}"
        )
    by_offset = [
        _ids(client.get(reverse("reviews:pledge-list"), {"sort": sort, "page": n}))
        for n in (1, 2, 3)
    ]

    pages, last = _walk(client, {"sort": sort})

    assert pages == by_offset
    back = client.get(
        reverse("reviews:pledge-list"), {"sort": sort, "before": last.context["page"].before}
    )
    assert [p.pk for p in back.context["page"]] == pages[1]
    assert back.context["page"].has_previous and back.context["page"].has_next


def test_keyset_links_keep_the_filters_and_say_previous_and_next(client, actor_a):
    bulk_pledges(45, lead=actor_a, published=True, kind=Pledge.Kind.JOINT)
    first = client.get(reverse("reviews:pledge-list"), {"kind": "joint"})
    page = first.context["page"]
    second = client.get(reverse("reviews:pledge-list"), {"kind": "joint", "after": page.after})

    html = second.content.decode()
    assert f'rel="next" href="?kind=joint&amp;after={second.context["page"].after}"' in html
    assert f'rel="prev" href="?kind=joint&amp;before={second.context["page"].before}"' in html
    assert 'rel="prev"' not in first.content.decode()


@pytest.mark.parametrize(
    "key",
    [
        "x",
        "!!!",
        "W10",  # []
        "WzEsMl0",  # [1, 2]
        "W251bGwsbnVsbF0",  # [null, null]
        "WyJub3QgYSBkYXRlIiwiYSJd",  # ["not a date", "a"]
        "WzEsOTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5XQ",  # a huge id
        "A" * 3000,
    ],
)
def test_a_key_no_link_made_lists_the_first_page(client, actor_a, key):
    bulk_pledges(3, lead=actor_a, published=True)

    for param in ("after", "before"):
        response = client.get(reverse("reviews:pledge-list"), {param: key})

        assert response.status_code == 200
        assert len(response.context["page"]) == 3
        assert not response.context["page"].has_previous


def test_an_order_keyset_paging_cannot_follow_pages_by_offset(django_assert_num_queries):
    for n in range(3):
        Actor.objects.create(name=f"Org {n}", slug=f"org-{n}", kind="civil-society")
    request = RequestFactory().get("/actors/")
    # No id last: two rows could tie, and a key would skip or repeat one.
    page = page_of(Actor.objects.order_by("name"), request, 2, keyset=True)

    assert page.number == 1 and page.has_next and not page.after
