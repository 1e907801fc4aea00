"""A first visit to any page transfers at most 300 KB (issue 12: a cheap phone on a slow line):
the page and everything it loads — style sheet, scripts, the JavaScript catalogue, icons —
each counted as compressed for the wire (whitenoise serves static files pre-compressed; the
pages are compressed by the server in front). The API docs page is the one exception, and it
says so."""

import gzip
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.factories import CommentFactory, PledgeFactory, ProgressUpdateFactory

pytestmark = pytest.mark.django_db

BUDGET = 300_000
ASSET = re.compile(r'<(?:link|script|img)\b[^>]*?\s(?:href|src)="([^"]+)"')


def wire_size(body: bytes) -> int:
    return len(gzip.compress(body, compresslevel=6))


def asset_body(client, url: str) -> bytes:
    if url.startswith("/static/"):
        path = finders.find(url.removeprefix("/static/"))
        assert path, f"{url} is not a static file"
        with open(path, "rb") as handle:
            return handle.read()
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content


def first_load(client, url: str) -> tuple[int, list[str]]:
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content
    assets = sorted(set(ASSET.findall(html.decode())))
    assert all(asset.startswith("/") for asset in assets), "nothing from another host"
    return wire_size(html) + sum(wire_size(asset_body(client, a)) for a in assets), assets


@pytest.fixture
def busy_pledge(actor_a):
    pledge = PledgeFactory(lead=actor_a, published=True, countries=["SN", "GH", "MX"])
    ProgressUpdateFactory(pledge=pledge, actor=actor_a)
    for n in range(60):
        CommentFactory(pledge=pledge, body=f"Comment {n}: which provinces does this cover?")
    return pledge


@pytest.mark.parametrize("language", ["en", "ar"])
def test_every_page_type_loads_within_the_budget(
    client, contributor_a, busy_pledge, actor_a, language
):
    client.cookies["django_language"] = language
    public = [
        reverse("home"),
        reverse("reviews:pledge-list"),
        busy_pledge.get_absolute_url(),
        reverse("reviews:objective-list"),
        reverse("reviews:objective-detail", args=[6]),
        reverse("actors:actor-list"),
        actor_a.get_absolute_url(),
        reverse("reviews:cycle-list"),
        reverse("reviews:open-data"),
        reverse("reviews:coverage"),
        reverse("reviews:coverage") + "?by=coalition",
        reverse("reviews:dashboard"),
        reverse("reviews:map"),
        reverse("account_login"),
    ]
    for url in public:
        size, assets = first_load(client, url)
        assert size <= BUDGET, (url, size, assets)
        assert any(asset.endswith(".css") for asset in assets), url
    client.force_login(contributor_a)
    for url in [reverse("reviews:pledge-create"), reverse("reviews:pledge-mine")]:
        size, assets = first_load(client, url)
        assert size <= BUDGET, (url, size, assets)


def test_a_page_over_the_budget_would_be_caught(client, actor_a):
    # The measure is not vacuous: a page of many long comments goes over.
    pledge = PledgeFactory(lead=actor_a, published=True)
    CommentFactory.create_batch(
        5, pledge=pledge, body=" ".join(f"w{n}x{n * 7919 % 10007}" for n in range(20000))
    )
    size, _ = first_load(client, pledge.get_absolute_url())
    assert size > BUDGET


def test_the_api_docs_page_is_the_one_exception_and_says_so(client):
    page = client.get(reverse("api:docs"), HTTP_ACCEPT_LANGUAGE="fr").text
    note = page[page.index('<p class="docs-note" lang="fr"') :].split("</p>")[0]
    assert "300" in note and f'href="{reverse("api:schema")}"' in note
    size, _ = first_load(client, reverse("api:docs"))
    assert size > BUDGET
