"""Provenance on the pages and in the API: several citations per record, and the links between
Declaration paragraphs and objectives that are the curators' own reading."""

import pytest
from django.urls import reverse

from actors.models import SourceDocument
from reviews.models import DeclarationParagraphObjective, ReviewCycle

pytestmark = pytest.mark.django_db

CURATORS = "curators' reading"


def test_a_record_citing_two_sources_shows_both_with_their_locators(client):
    imrf = ReviewCycle.objects.get(slug="imrf-2022")

    content = client.get(imrf.get_absolute_url()).content.decode()

    for citation in imrf.citations.select_related("source"):
        assert citation.source.title in content
        assert citation.locator in content
    assert imrf.citations.values("source").distinct().count() == 2


def test_cycle_page_marks_each_editorial_paragraph_link_and_only_those(client):
    link = DeclarationParagraphObjective.objects.get(
        paragraph__cycle__slug="imrf-2022", paragraph__number=54
    )
    url = reverse("reviews:cycle-detail", args=["imrf-2022"])
    before = client.get(url).content.decode().count(CURATORS)

    DeclarationParagraphObjective.objects.filter(pk=link.pk).update(editorial=False)
    after = client.get(url).content.decode().count(CURATORS)

    assert before == DeclarationParagraphObjective.objects.count()
    assert after == before - 1


def test_objective_page_says_when_its_paragraph_link_is_the_curators_reading(client):
    url = reverse("reviews:objective-detail", args=[17])

    assert CURATORS in client.get(url).content.decode()

    DeclarationParagraphObjective.objects.filter(objective__number=17).update(editorial=False)
    assert CURATORS not in client.get(url).content.decode()


def test_api_lists_which_objectives_of_a_paragraph_are_editorial(client):
    DeclarationParagraphObjective.objects.filter(paragraph__number=66, objective__number=22).update(
        editorial=False
    )

    response = client.get("/api/v1/declaration-paragraphs/", {"cycle__slug": "imrf-2022"})

    paragraph = next(p for p in response.json()["results"] if p["number"] == 66)
    assert paragraph["objectives"] == [6, 22]
    assert paragraph["editorial_objectives"] == [6]
    assert {c["source"] for c in paragraph["citations"]} == {
        "sandis-van-haasen-2022-taking-stock-imrf"
    }


def test_api_gives_every_citation_of_an_actor(client):
    response = client.get(reverse("api:actor-detail", args=["iom"]))

    citations = response.json()["citations"]
    assert {c["source"] for c in citations} == {
        "pecoud-2013-global-migration-group",
        "a-res-73-195",
    }
    assert all(c["locator"] for c in citations)


def test_source_page_lists_each_record_that_cites_it_once(client):
    source = SourceDocument.objects.get(slug="a-res-73-195")

    response = client.get(source.get_absolute_url())

    assert list(response.context["actors"].values_list("slug", flat=True)) == [
        "iom",
        "un-network-on-migration-secretariat",
    ]
    assert [c.slug for c in response.context["coalitions"]] == ["un-network-on-migration"]
    assert response.context["objectives"].count() == 23
