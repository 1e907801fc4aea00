"""Full-text search of pledges (reviews.search): the same results on PostgreSQL (stored vector,
GIN index, websearch_to_tsquery) and on SQLite (the fallback), through the HTML list's `q`, the
API's `search` and the exports; ranked unless a `sort` is chosen; never finding what is hidden."""

import csv
import io

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from rest_framework.test import APIClient

from actors.filters import ActorFilter
from actors.models import Actor
from reviews import search
from reviews.models import Pledge
from reviews.search import Term, parse
from tests.factories import PLEDGE_DESCRIPTION, ActorFactory, PledgeFactory, bulk_pledges
from tests.reviews.test_exports import complete_csv

pytestmark = pytest.mark.django_db

S = Pledge.Status
LIST = reverse("reviews:pledge-list")
API_LIST = reverse("api:pledge-list")
CSV = reverse("reviews:export", args=["pledges", "csv"])
BEFORE_SEARCH = [
    ("actors", "0014_actor_name_trigram_indexes"),
    ("reviews", "0010_remove_single_source_fields"),
]
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the stored vector and its indexes are PostgreSQL's"
)


def html_ids(client, **params) -> list[int]:
    response = client.get(LIST, params)
    assert response.status_code == 200, response.context["filter"].errors
    return [pledge.pk for pledge in response.context["page"]]


def api_ids(**params) -> list[int]:
    response = APIClient().get(API_LIST, {"page_size": 200, **params})
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


def csv_ids(client, **params) -> list[int]:
    body = b"".join(client.get(CSV, params).streaming_content)
    rows = csv.DictReader(io.StringIO(complete_csv(body), newline=""))
    return [int(row["id"]) for row in rows]


# words → the pledges of `library` they find
FINDS = {
    "quokka": {"title", "summary", "description"},
    "QUOKKA": {"title", "summary", "description"},
    "quokka clinics": {"summary"},
    '"quokka shelters"': {"title"},
    '"shelters quokka"': set(),
    '"quokka clinics at every port"': {"summary"},
    "quokka -clinics": {"title", "description"},
    "-quokka numbat": {"withdrawn"},
    "shelters or clinics": {"title", "summary"},
    "wombat -coast or shelters": {"lead", "title"},
    "wombat": {"lead"},
    "wrn": {"lead"},
    '"relief network" return': {"lead"},
    "quok": set(),
    "zebra": set(),
}
EVERYTHING = {"title", "summary", "description", "lead", "withdrawn"}
# No word at all: searched for, as PostgreSQL does, and found nowhere.
NO_WORDS = ["!!!", "-", '""', " - ", "¿?", "&|!:*()"]


def names(library, ids) -> set[str]:
    by_id = {pledge.pk: name for name, pledge in library.items()}
    return {by_id[pk] for pk in ids}


@pytest.mark.parametrize("words", FINDS)
def test_words_find_the_same_pledges_on_the_list_the_api_and_the_export(client, library, words):
    found = html_ids(client, q=words)
    assert names(library, found) == FINDS[words]
    assert api_ids(search=words) == found
    assert api_ids(q=words) == found
    assert sorted(csv_ids(client, q=words)) == sorted(found)


@pytest.mark.parametrize("words", NO_WORDS)
def test_a_query_without_words_finds_nothing(client, library, words):
    assert html_ids(client, q=words) == []
    assert api_ids(search=words) == []


@pytest.mark.parametrize("words", ["", "   "])
def test_blank_words_list_every_public_pledge(client, library, words):
    assert names(library, html_ids(client, q=words)) == EVERYTHING
    assert names(library, api_ids(search=words)) == EVERYTHING


@pytest.mark.parametrize(
    "words",
    [
        "a" * 500,
        "-" * 500,
        "- " * 250,
        "-x " * 166,
        "a or " * 100,
        '"' * 499,
        "100% _under_ 'quote' \\back",
        "ÅÆØ ß İı",
        "x:*|y",
    ],
)
def test_odd_words_are_answered_not_failed(client, library, words):
    assert client.get(LIST, {"q": words}).status_code == 200
    assert APIClient().get(API_LIST, {"search": words}).status_code == 200
    assert client.get(CSV, {"q": words}).status_code == 200


def test_words_beyond_the_limit_are_a_form_error_not_a_database_error(client, library):
    assert client.get(LIST, {"q": "quokka " * 100}).status_code == 400
    assert APIClient().get(API_LIST, {"search": "quokka " * 100}).status_code == 400


def test_a_title_hit_ranks_above_a_summary_hit_above_a_description_hit(client, library):
    ranked = [library[name].pk for name in ("title", "summary", "description")]
    assert html_ids(client, q="quokka") == ranked
    assert api_ids(search="quokka") == ranked


def test_a_chosen_sort_wins_over_the_rank(client, library):
    by_title = [library[name].pk for name in ("description", "summary", "title")]
    assert html_ids(client, q="quokka", sort="title") == by_title
    assert api_ids(search="quokka", sort="title") == by_title
    assert api_ids(search="quokka", ordering="title") == by_title


def test_the_vector_follows_edits_of_title_summary_and_description(client, library):
    pledge = library["lead"]
    pledge.title, pledge.summary = "Axolotl return", "Pangolin reintegration."
    pledge.description = f"{PLEDGE_DESCRIPTION} Echidna."
    pledge.save()
    for word in ("axolotl", "pangolin", "echidna"):
        assert html_ids(client, q=word) == [pledge.pk]
    assert html_ids(client, q="dignified") == []
    Pledge.objects.filter(pk=pledge.pk).update(title="Capybara return")
    assert html_ids(client, q="capybara") == [pledge.pk]
    assert html_ids(client, q="axolotl") == []


def test_the_vector_follows_a_rename_of_the_lead(client, library):
    Actor.objects.filter(slug="wombat").update(name="Platypus Aid", short_name="PA")
    assert html_ids(client, q="platypus") == [library["lead"].pk]
    assert html_ids(client, q="wombat") == []
    assert html_ids(client, q="wrn") == []


def test_a_status_change_alone_keeps_the_pledge_findable(client, library):
    Pledge.objects.filter(pk=library["title"].pk).update(status=S.WITHDRAWN)
    assert library["title"].pk in html_ids(client, q="shelters")


def test_bulk_created_pledges_are_found(client, actor_a):
    made = bulk_pledges(3, lead=actor_a, title="Numbat bulk pledge", status=S.PUBLISHED)
    assert sorted(html_ids(client, q="numbat")) == sorted(p.pk for p in made)


def test_the_vector_stays_out_of_history_api_and_admin(library):
    assert "search_vector" not in {f.name for f in Pledge.history.model._meta.fields}
    row = APIClient().get(API_LIST).json()["results"][0]
    assert "search_vector" not in row
    detail = APIClient().get(reverse("api:pledge-detail", args=[library["title"].pk])).json()
    assert "search_vector" not in detail
    assert not Pledge._meta.get_field("search_vector").editable


def test_lists_do_not_load_the_vector():
    assert "search_vector" in Pledge.objects.for_list().query.deferred_loading[0]
    assert "search_vector" in Pledge.objects.moderation_queue().query.deferred_loading[0]


@postgresql_only
def test_accents_do_not_matter_on_postgresql(client, actor_a):
    pledge = PledgeFactory(published=True, lead=actor_a, title="Protección de la migración")
    assert html_ids(client, q="migracion proteccion") == [pledge.pk]
    assert html_ids(client, q="MIGRACIÓN") == [pledge.pk]


@postgresql_only
def test_the_search_uses_the_gin_index(library):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    # Unordered: with a handful of rows, the planner would otherwise read an ordered index.
    plan = search.matching(Pledge.objects.order_by(), "quokka -clinics").explain()
    assert "pledge_search_vector" in plan


@postgresql_only
def test_the_actor_name_search_uses_the_trigram_indexes(db):
    ActorFactory(name="Wombat Relief Network")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = ActorFilter({"q": "wombat"}, queryset=Actor.objects.order_by()).qs.explain()
    assert "actor_name_trgm" in plan
    assert "actor_short_name_trgm" in plan


def test_the_actor_directory_finds_names_and_acronyms(client, db):
    ActorFactory(name="Wombat Relief Network", short_name="WRN", slug="wombat")
    ActorFactory(name="Other body", short_name="OB", slug="other")
    response = client.get(reverse("actors:actor-list"), {"q": "relief"})
    assert [a.slug for a in response.context["page"]] == ["wombat"]
    response = client.get(reverse("actors:actor-list"), {"q": "wrn"})
    assert [a.slug for a in response.context["page"]] == ["wombat"]


@pytest.mark.parametrize(
    ("text", "alternatives"),
    [
        ("", []),
        ("!!! ¿?", []),
        ("a b", [[Term(("a",)), Term(("b",))]]),
        ('"a b" c', [[Term(("a", "b")), Term(("c",))]]),
        ('"unclosed phrase', [[Term(("unclosed", "phrase"))]]),
        ("a -b", [[Term(("a",)), Term(("b",), negated=True)]]),
        ("a - b", [[Term(("a",)), Term(("b",), negated=True)]]),
        ('-"a b"', [[Term(("a", "b"), negated=True)]]),
        ("a b or c", [[Term(("a",)), Term(("b",))], [Term(("c",))]]),
        ("a OR -b", [[Term(("a",))], [Term(("b",), negated=True)]]),
        ("foo or or bar", [[Term(("foo",))], [Term(("or",)), Term(("bar",))]]),
        ("or foo", [[Term(("or",)), Term(("foo",))]]),
        ("foo or", [[Term(("foo",)), Term(("or",))]]),
        ("a !!! or b", [[Term(("a",))], [Term(("b",))]]),
        ("data-sharing foo_bar", [[Term(("data", "sharing")), Term(("foo", "bar"))]]),
        ("Ünïcode", [[Term(("ünïcode",))]]),
    ],
)
def test_words_are_read_as_websearch_to_tsquery_reads_them(text, alternatives):
    assert parse(text) == alternatives


@postgresql_only
@pytest.mark.parametrize(
    "text",
    ["a b or c", "a OR -b", "foo or or bar", "or foo", "foo or", "a - b", '-"a b"', "a !!! or b"],
)
def test_the_reading_agrees_with_postgresql(text):
    """The fallback's reading, written as a tsquery, is PostgreSQL's own for the same words."""

    def term(t):
        inner = " <-> ".join(f"'{w}'" for w in t.words)
        inner = f"( {inner} )" if t.negated and len(t.words) > 1 else inner
        return f"!{inner}" if t.negated else inner

    ours = " | ".join(" & ".join(term(t) for t in terms) for terms in parse(text))
    with connection.cursor() as cursor:
        cursor.execute("SELECT websearch_to_tsquery('simple', %s)::text", [text])
        assert cursor.fetchone()[0] == ours


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_migration_backfills_the_pledges_it_finds():
    executor = MigrationExecutor(connection)
    try:
        executor.migrate(BEFORE_SEARCH)
        executor.loader.build_graph()
        old = executor.loader.project_state(BEFORE_SEARCH).apps
        lead = old.get_model("actors", "Actor").objects.create(
            name="Okapi Trust", slug="okapi", kind="civil-society"
        )
        old.get_model("reviews", "Pledge").objects.create(lead=lead, title="Corridors")
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert search.matching(Pledge.objects.all(), "okapi corridors").count() == 1
