"""/api/v1/search/: the site search as JSON, the same answers as /search/ (reviews.site_search);
in the OpenAPI schema; bad input a JSON 400; nothing hidden found, whoever asks; a fixed number
of queries."""

import json
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from reviews.filters import PledgeFilter
from reviews.models import Pledge
from reviews.site_search.kinds import KINDS
from tests.api.conftest import assert_json_error
from tests.reviews.test_site_search import EXPECTED, build, make_corpus, make_spread

pytestmark = pytest.mark.django_db

SEARCH = reverse("api:search")


@pytest.fixture
def corpus(actor_a):
    return make_corpus(actor_a)


@pytest.fixture
def spread(actor_a, actor_b):
    make_spread(actor_a, actor_b)


def api(client=None, **params) -> dict:
    response = (client or APIClient()).get(SEARCH, params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def test_the_api_answers_what_the_page_answers(client, corpus):
    for kind in KINDS:
        page = client.get(reverse("reviews:search"), {"q": "quokka", "type": kind})
        html_ids = [hit.id for hit in page.context["search"].page.rows]
        body = api(q="quokka", type=kind)
        assert [row["id"] for row in body["results"]] == html_ids, kind
        assert len(html_ids) == len(EXPECTED[kind])
        assert {row["type"] for row in body["results"]} <= {kind}
    every = api(q="quokka")
    assert every["total"] == sum(len(names) for names in EXPECTED.values())
    assert {t["value"]: t["count"] for t in every["types"]} == {
        kind: len(names) for kind, names in EXPECTED.items()
    }


def test_a_result_says_what_it_is_where_it_is_read_and_what_matched(corpus):
    (hit,) = api(q='"quokka census"', type="progress-update")["results"]

    update = corpus["update"]
    assert hit == {
        "type": "progress-update",
        "type_label": "Progress report",
        "id": update.pk,
        "url": f"http://testserver{update.pledge.get_absolute_url()}#progress-{update.pk}",
        "title": f"Progress on “{update.pledge.title}”",
        "title_html": f"Progress on “{update.pledge.title}”",
        "snippet_html": hit["snippet_html"],
        "meta": hit["meta"],
        "rank": 0,
        "language": "en",
    }
    assert "<mark>quokka" in hit["snippet_html"]
    assert re.sub("</?mark>", "", hit["snippet_html"]).startswith("The quokka census is done")


def test_facets_are_the_pledge_lists_filters_with_its_counts(spread):
    body = api(q="numbat", region="africa")

    assert body["type"] == "pledge"
    public = Pledge.objects.public()
    for facet in body["facets"]:
        for value in facet["values"]:
            params = {"q": "numbat", "region": "africa", facet["name"]: value["value"]}
            assert value["count"] == PledgeFilter(params, queryset=public).qs.count()
    assert body["pledge_list"] == "http://testserver/pledges/?q=numbat&region=africa"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": "quokka", "type": "everything"}, "type"),
        ({"q": "quokka", "objective": "99"}, "objective"),
        ({"q": "quokka " * 100}, "q"),
        ({"q": "quokka", "type": "comment", "actor_kind": "youth"}, "type"),
    ],
)
def test_bad_input_is_a_json_400_naming_the_parameter(params, field):
    body = assert_json_error(APIClient().get(SEARCH, params), 400)

    assert field in body


@pytest.mark.parametrize("persona", ["anonymous", "contributor_a", "focal_b", "moderator"])
def test_nothing_hidden_is_found_whoever_asks(api_as, corpus, persona):
    body = api(api_as(persona), q="secret")

    assert body["total"] == 0 and body["results"] == []
    assert all(facet["values"] == [] for facet in body["facets"])
    assert "secret" not in json.dumps(body["results"])


def test_a_kind_is_paged_with_next_and_previous_links(corpus, actor_a):
    build(25, actor_a)
    seen, url, params = [], SEARCH, {"q": "quokka", "type": "comment"}
    while url:
        body = APIClient().get(url, params).json()
        seen += [row["id"] for row in body["results"]]
        previous, url, params = body["previous"], body["next"], None
    assert len(seen) == len(set(seen)) == 25 + len(EXPECTED["comment"])
    assert previous is not None


def test_a_misspelt_word_gets_a_suggestion(corpus):
    body = api(q="remitances")

    assert body["suggestion"] == {
        "q": "remittances",
        "url": "http://testserver/search/?q=remittances",
        "corrections": [{"word": "remitances", "suggestion": "remittances"}],
    }


def test_blank_words_search_nothing():
    body = api(q="")
    assert body["results"] == [] and body["total"] == 0 and body["types"] == []


@pytest.mark.parametrize("kind", ["", "pledge", "paragraph"])
def test_the_api_costs_the_same_queries_with_few_and_many_rows(
    django_assert_num_queries, actor_a, kind
):
    params = {"q": "quokka", **({"type": kind} if kind else {})}
    build(3, actor_a)
    cache.clear()
    with CaptureQueriesContext(connection) as few:
        api(**params)
    build(30, actor_a)
    cache.clear()
    with django_assert_num_queries(len(few)):
        api(**params)


def test_the_schema_documents_the_search_and_its_parameters(client):
    schema = json.loads(client.get(reverse("api:schema"), {"format": "json"}).content)

    operation = schema["paths"]["/api/v1/search/"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"q", "type", "after", "before", "objective", "actor_kind", "region"} <= names
    assert {"country", "cycle", "status", "language"} <= names
    (kind,) = [p for p in operation["parameters"] if p["name"] == "type"]
    assert sorted(kind["schema"]["enum"]) == sorted(KINDS)
    assert {"200", "400", "401", "404", "429"} <= set(operation["responses"])
    body = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/Search"}
