"""The site-wide search (/search/, reviews.site_search): every kind of public content found with the
pledge list's reading of the words, ranked title first, highlighted and escaped; facets whose
counts are the pledge list's counts; nothing hidden found, not even counted; the same results on
PostgreSQL (GIN indexes) and SQLite (patterns); suggestions for a misspelt word; a fixed number
of queries; bad input a 400."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from actors.models import Actor
from reviews.filters import PledgeFilter
from reviews.models import Comment, Objective, Pledge, ProgressUpdate, ReviewCycle
from reviews.search import parse
from reviews.site_search import results as site_results
from reviews.site_search import snippets
from reviews.site_search.facets import FACETS
from reviews.site_search.kinds import KINDS
from tests.factories import (
    PLEDGE_DESCRIPTION,
    ActorFactory,
    CoalitionFactory,
    CommentFactory,
    DeclarationParagraphFactory,
    PledgeFactory,
    ProgressUpdateFactory,
    VerifiedUserFactory,
    bulk_pledges,
)

pytestmark = pytest.mark.django_db

S = Pledge.Status
SEARCH = reverse("reviews:search")
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the GIN indexes and the planner are PostgreSQL's"
)


@pytest.fixture
def corpus(actor_a):
    return make_corpus(actor_a)


def make_corpus(actor_a) -> dict:
    """Public rows of every kind holding "quokka" in their title or their text, and every kind
    of row the public may not read holding it too ("secret" marks those)."""
    now = timezone.now()
    made = {
        "pledge-title": PledgeFactory(
            published=True, lead=actor_a, title="Quokka shelters on the coast", summary="Safe."
        ),
        "pledge-summary": PledgeFactory(
            published=True, lead=actor_a, title="Harbour clinics", summary="Quokka clinics."
        ),
        "pledge-description": PledgeFactory(
            published=True,
            lead=actor_a,
            title="Border monitoring",
            description=f"{PLEDGE_DESCRIPTION} It counts each quokka met on the way.",
        ),
        "pledge-withdrawn": PledgeFactory(
            published=True, status=S.WITHDRAWN, lead=actor_a, title="Quokka lanterns"
        ),
        "actor-name": ActorFactory(name="Quokka Friends", slug="quokka-friends"),
        "actor-description": ActorFactory(
            name="Wombat Relief Network", slug="wombat", description="Shelters for any quokka."
        ),
        "coalition": CoalitionFactory(name="Quokka Alliance"),
        "paragraph": DeclarationParagraphFactory(summary="States will count every quokka."),
    }
    drafts = [
        PledgeFactory(status=status, lead=actor_a, title=f"Quokka secret pledge {status}")
        for status in (S.DRAFT, S.SUBMITTED, S.RETURNED, S.REJECTED)
    ]
    made["update"] = ProgressUpdateFactory(
        pledge=made["pledge-title"], narrative="The quokka census is done."
    )
    hidden_update = ProgressUpdateFactory(
        pledge=made["pledge-title"], narrative="A secret quokka report", is_hidden=True
    )
    ProgressUpdateFactory(pledge=drafts[0], narrative="A secret quokka report on a draft")
    made["comment"] = CommentFactory(pledge=made["pledge-title"], body="Where do quokka sleep?")
    made["comment-objective"] = CommentFactory(
        pledge=None, objective=Objective.objects.get(number=7), body="Every quokka counts."
    )
    hidden = CommentFactory(pledge=made["pledge-title"], body="secret quokka spam", is_hidden=True)
    CommentFactory(pledge=made["pledge-title"], parent=hidden, body="A secret quokka reply")
    CommentFactory(pledge=made["pledge-title"], body="secret quokka gone", deleted_at=now)
    CommentFactory(pledge=drafts[0], body="A secret quokka comment on a draft")
    CommentFactory(pledge=None, progress_update=hidden_update, body="secret quokka on hidden")
    ActorFactory(name="Quokka secret proposal", slug="proposed", status=Actor.Status.PROPOSED)
    return made


# What "quokka" finds, kind by kind, best first.
EXPECTED = {
    "pledge": ["pledge-withdrawn", "pledge-title", "pledge-summary", "pledge-description"],
    "progress-update": ["update"],
    "comment": ["comment-objective", "comment"],
    "actor": ["actor-name", "actor-description"],
    "coalition": ["coalition"],
    "objective": [],
    "paragraph": ["paragraph"],
    "need": [],
}


def search(client, **params):
    response = client.get(SEARCH, params)
    assert response.status_code == 200, response.context["search"].errors
    return response.context["search"]


def names(corpus, hits) -> list[str]:
    by_key = {(KIND_OF[name], row.pk): name for name, row in corpus.items()}
    return [by_key.get((hit.kind, hit.id), f"unexpected {hit.kind} {hit.id}") for hit in hits]


KIND_OF = {
    "pledge-title": "pledge",
    "pledge-summary": "pledge",
    "pledge-description": "pledge",
    "pledge-withdrawn": "pledge",
    "actor-name": "actor",
    "actor-description": "actor",
    "coalition": "coalition",
    "paragraph": "paragraph",
    "update": "progress-update",
    "comment": "comment",
    "comment-objective": "comment",
}


def kind_results(client, corpus, words="quokka", **params) -> dict[str, list[str]]:
    """{kind: names of its results, in order}, each kind searched alone."""
    return {
        kind: names(corpus, search(client, q=words, type=kind, **params).page.rows)
        for kind in KINDS
    }


def test_every_kind_finds_its_public_rows_ranked_the_same_on_both_databases(client, corpus):
    # The expected set is written once: PostgreSQL (GIN-indexed vectors) and SQLite (the
    # patterns) must both give it, in this order.
    assert kind_results(client, corpus) == EXPECTED


def test_the_page_of_every_kind_shows_the_best_few_of_each_and_counts_them(client, corpus):
    found = search(client, q="quokka")

    assert {s.kind: names(corpus, s.hits) for s in found.sections} == {
        kind: expected for kind, expected in EXPECTED.items() if expected
    }
    assert {c.value: c.count for c in found.types.choices} == {
        kind: len(expected) for kind, expected in EXPECTED.items()
    }
    assert found.total == sum(len(expected) for expected in EXPECTED.values())


def test_a_title_hit_ranks_above_a_summary_hit_above_a_text_hit(client, corpus):
    found = search(client, q="quokka", type="pledge")

    assert [hit.tier for hit in found.page.rows] == [2, 2, 1, 0]
    actors = search(client, q="quokka", type="actor").page.rows
    assert names(corpus, actors) == ["actor-name", "actor-description"]
    assert [hit.tier for hit in actors] == [2, 0]
    # The kinds whose best result is a title come before those found in a text.
    kinds = [section.kind for section in search(client, q="quokka").sections]
    assert kinds[:3] == ["pledge", "actor", "coalition"]


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ('"quokka shelters"', {"pledge": ["pledge-title"]}),
        ('"shelters quokka"', {}),
        (
            "quokka -clinics -shelters -lanterns",
            {
                "pledge": ["pledge-description"],
                "progress-update": ["update"],
                "comment": ["comment-objective", "comment"],
                "actor": ["actor-name"],
                "coalition": ["coalition"],
                "paragraph": ["paragraph"],
            },
        ),
        (
            "census or alliance",
            {"progress-update": ["update"], "coalition": ["coalition"]},
        ),
        ('"relief network" shelters', {"actor": ["actor-description"]}),
    ],
)
def test_phrases_exclusions_and_alternatives_read_as_on_the_pledge_list(
    client, corpus, words, expected
):
    found = {kind: hits for kind, hits in kind_results(client, corpus, words).items() if hits}

    assert found == expected
    # The pledges are the pledge list's, in its order.
    listed = client.get(reverse("reviews:pledge-list"), {"q": words}).context["page"]
    assert [p.pk for p in listed] == [corpus[name].pk for name in expected.get("pledge", [])]


def test_the_same_parser_reads_the_words():
    # No second reading: the site search's words are reviews.search's own.
    assert site_results.search.parse is parse


@pytest.mark.parametrize("persona", ["anonymous", "contributor_a", "focal_b", "moderator"])
def test_nothing_hidden_is_found_or_counted_whoever_searches(request, client, corpus, persona):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))

    response = client.get(SEARCH, {"q": "secret"})
    found = response.context["search"]

    assert found.total == 0
    assert all(choice.count == 0 for choice in found.types.choices)
    assert all(not facet.choices for facet in found.facets)
    html = response.content.decode().lower()
    for marker in ("secret pledge", "secret quokka", "quokka spam", "secret proposal"):
        assert marker not in html
    for kind in KINDS:
        assert search(client, q="secret", type=kind).page.rows == []
    # Among all the quokkas, still only the public ones.
    assert kind_results(client, corpus) == EXPECTED
    api = client.get(reverse("api:search"), {"q": "secret quokka"}).json()
    assert api["total"] == 0 and api["results"] == []


def test_a_members_own_drafts_are_not_in_the_site_search(client, contributor_a, actor_a):
    PledgeFactory(lead=actor_a, title="Numbat draft of my own")
    client.force_login(contributor_a)

    found = search(client, q="numbat")

    assert found.total == 0
    assert [c.value for c in found.facets[FACETS.index("status")].choices] == []


@pytest.fixture
def spread(actor_a, actor_b):
    make_spread(actor_a, actor_b)


def make_spread(actor_a, actor_b) -> None:
    """Pledges with "numbat" over objectives, kinds and regions of the lead, countries, cycles,
    statuses and languages; and one without the word."""
    city = ActorFactory(
        name="City of Dakar", kind=Actor.Kind.LOCAL_GOVERNMENT, region="africa", country="SN"
    )
    objectives = {n: Objective.objects.get(number=n) for n in (2, 5, 7)}
    rows = [
        (actor_a, [2, 5], 2, ["SN", "GH"], "imrf-2026", S.PUBLISHED, "en"),
        (actor_a, [5], 5, ["FR"], "imrf-2022", S.PUBLISHED, "fr"),
        (actor_b, [7], 7, [], "imrf-2026", S.WITHDRAWN, "es"),
        (city, [2, 7], 7, ["GH"], "imrf-2026", S.PUBLISHED, "fr"),
        (city, [2], 2, [], "imrf-2022", S.PUBLISHED, "en"),
    ]
    for lead, numbers, primary, countries, cycle, status, language in rows:
        PledgeFactory(
            published=True,
            status=status,
            lead=lead,
            title="Numbat corridors",
            primary_objective=objectives[primary],
            objectives=[objectives[n] for n in numbers],
            countries=countries,
            cycle=ReviewCycle.objects.get(slug=cycle),
            language=language,
        )
    PledgeFactory(published=True, lead=city, title="Other corridors")
    PledgeFactory(lead=city, title="Numbat draft")


def _assert_facets_are_the_lists_counts(found, params):
    public = Pledge.objects.public()
    assert found.facets, "the facets are shown"
    for facet in found.facets:
        for choice in facet.choices:
            narrowed = {**params, facet.name: choice.value}
            expected = PledgeFilter(narrowed, queryset=public).qs.count()
            assert (facet.name, choice.value, choice.count) == (facet.name, choice.value, expected)
        # A value without a result is offered only when it is the one chosen.
        assert all(c.count for c in facet.choices if not c.chosen), facet.name
    pledges = next(c for c in found.types.choices if c.value == "pledge")
    assert pledges.count == PledgeFilter(params, queryset=public).qs.count()


@pytest.mark.parametrize(
    "chosen",
    [
        {},
        {"objective": "2"},
        {"objective": "7", "region": "africa"},
        {"country": "GH", "language": "fr"},
        {"cycle": "imrf-2026", "status": "published", "actor_kind": "local-government"},
    ],
)
def test_facet_counts_equal_the_filtered_lists_counts_and_combine(client, spread, chosen):
    params = {"q": "numbat", **chosen}
    found = search(client, **params)

    _assert_facets_are_the_lists_counts(found, params)
    for name, value in chosen.items():
        facet = found.facets[FACETS.index(name)]
        assert facet.chosen.value == value
        assert facet.clear_url
    # The pledge list of the same words and filters lists exactly the pledges counted.
    listed = client.get(found.pledge_list_url).context["page"]
    assert listed.count == PledgeFilter(params, queryset=Pledge.objects.public()).qs.count()


def test_the_objective_facet_counts_a_pledge_under_each_of_its_objectives(client, spread):
    objectives = search(client, q="numbat").facets[FACETS.index("objective")]

    assert {(c.value, c.count) for c in objectives.choices} == {("2", 3), ("5", 2), ("7", 2)}


@pytest.mark.parametrize("chosen", [{}, {"objective": "2"}, {"language": "fr"}])
def test_beyond_the_limit_counts_and_facets_read_as_at_least(client, spread, monkeypatch, chosen):
    # Six public pledges hold the word; the search counts three of them, and its facets too.
    monkeypatch.setattr(site_results, "COUNT_LIMIT", 3)
    params = {"q": "numbat", **chosen}
    selected = PledgeFilter(params, queryset=Pledge.objects.public()).qs.count()
    found = search(client, **params)

    pledges = next(c for c in found.types.choices if c.value == "pledge")
    assert (pledges.count, pledges.capped) == (min(selected, 3), selected >= 3)
    for facet in found.facets:
        narrowed = PledgeFilter(
            {**params, facet.name: ""}, queryset=Pledge.objects.public()
        ).qs.count()
        assert facet.sampled == (narrowed >= 3), facet.name
        for choice in facet.choices:
            exact = PledgeFilter(
                {**params, facet.name: choice.value}, queryset=Pledge.objects.public()
            ).qs.count()
            # A count over the first pledges found is at least that many, and marked so.
            assert choice.count <= exact
            assert choice.capped == facet.sampled
        if facet.name == "status":
            # One status a pledge: the counts add up to the pledges read.
            assert sum(c.count for c in facet.choices) == min(narrowed, 3)
    html = client.get(SEARCH, params).content.decode()
    assert "Counted over the first 3 pledges found" in html
    assert "+)</span>" in html  # a count marked "at least"
    body = client.get(reverse("api:search"), params).json()
    assert next(t for t in body["types"] if t["value"] == "pledge")["capped"] is (selected >= 3)
    assert any(v["capped"] for f in body["facets"] for v in f["values"])


def test_under_the_limit_nothing_reads_as_at_least(client, spread):
    found = search(client, q="numbat")

    assert not found.sampled and not found.capped
    assert not any(c.capped for f in found.facets for c in f.choices)
    assert "Counted over the first" not in client.get(SEARCH, {"q": "numbat"}).content.decode()


def test_a_facet_link_is_the_pledge_lists_parameter_and_the_list_link_carries_them(client, spread):
    found = search(client, q="numbat", region="africa")
    ghana = next(c for c in found.facets[FACETS.index("country")].choices if c.value == "GH")
    then = client.get(ghana.url).context["search"]

    assert then.chosen == "pledge"
    assert then.pledge_list_url == (
        reverse("reviews:pledge-list") + "?q=numbat&region=africa&country=GH"
    )
    listed = client.get(then.pledge_list_url).context["page"]
    assert listed.count == next(c.count for c in then.types.choices if c.value == "pledge")
    html = client.get(ghana.url).content.decode()
    query = "q=numbat&amp;region=africa&amp;country=GH"
    for fmt in ("csv", "xlsx", "json"):
        assert f'{reverse("reviews:export", args=["pledges", fmt])}?{query}"' in html


def test_the_page_is_a_labelled_search_form_with_typed_results_and_facet_links(client, corpus):
    found = search(client, q="quokka", type="comment")
    html = client.get(SEARCH, {"q": "quokka", "type": "comment"}).content.decode()

    assert 'role="search"' in html and '<label for="id_q">' in html
    assert '<input type="hidden" name="type" value="comment">' in html
    assert f'<a href="{escape(found.types.choices[2].url)}" aria-current="true">' in html
    assert f'href="{escape(found.types.clear_url)}"' in html
    assert '<span class="badge">Comment</span>' in html
    assert "<h1>" in html and '<h2 id="facets-heading">' in html
    assert 'class="card-list search-hits"' in html and html.index("<ol") < html.index("</ol>")
    assert f"{reverse('reviews:pledge-detail', args=[corpus['pledge-title'].pk])}#comment-" in html
    assert "Every <mark>quokka</mark> counts" in html


def test_each_result_links_to_where_it_is_read(client, corpus):
    by_kind = {s.kind: s.hits for s in search(client, q="quokka").sections}
    pledge = corpus["pledge-title"]

    assert by_kind["progress-update"][0].url == (
        f"{pledge.get_absolute_url()}#progress-{corpus['update'].pk}"
    )
    comments = {hit.id: hit.url for hit in by_kind["comment"]}
    assert comments[corpus["comment"].pk] == corpus["comment"].get_absolute_url()
    assert comments[corpus["comment"].pk].endswith(f"#comment-{corpus['comment'].pk}")
    on_objective = corpus["comment-objective"]
    assert comments[on_objective.pk] == f"/objectives/7/#comment-{on_objective.pk}"
    paragraph = corpus["paragraph"]
    assert by_kind["paragraph"][0].url == (
        f"{paragraph.cycle.get_absolute_url()}#paragraph-{paragraph.number}"
    )
    assert by_kind["actor"][0].url == corpus["actor-name"].get_absolute_url()


def test_snippets_mark_the_words_and_escape_everything_else(client, actor_a):
    pledge = PledgeFactory(
        published=True,
        lead=actor_a,
        title="<script>alert('t')</script> Quokka & co",
        summary="<b>quokka</b> <img src=x onerror=alert(1)>",
    )
    CommentFactory(pledge=pledge, body="<script>alert('c')</script> quokka \ue000 marker")

    response = client.get(SEARCH, {"q": "quokka"})
    html = response.content.decode()

    assert "<script>alert(" not in html and "<img src=x" not in html and "<b>quokka" not in html
    assert "&lt;script&gt;alert(&#x27;t&#x27;)&lt;/script&gt; <mark>Quokka</mark> &amp; co" in html
    # (ts_headline leaves out the tags that touch a match; whatever it keeps is escaped.)
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<mark>quokka</mark>" in str(response.context["search"].sections[0].hits[0].snippet_html)
    comment = str(response.context["search"].sections[-1].hits[0].snippet_html)
    assert "<script" not in comment and "alert(&#x27;c&#x27;)" in comment
    assert "<mark>quokka</mark>" in comment
    api = client.get(reverse("api:search"), {"q": "quokka", "type": "pledge"}).json()
    assert api["results"][0]["title_html"].startswith("&lt;script&gt;")


def test_a_headline_is_escaped_with_its_markers_balanced():
    start, stop = snippets.START, snippets.STOP
    text = f"<i>a</i> {start}quokka{stop} {stop}stray {start}open"
    assert str(snippets.marked(text)) == (
        "&lt;i&gt;a&lt;/i&gt; <mark>quokka</mark> stray <mark>open</mark>"
    )


def test_the_sqlite_excerpt_is_cut_around_the_first_match():
    text = " ".join(["word"] * 100 + ["quokka"] + ["word"] * 100)
    cut = str(snippets.excerpt(text, parse("quokka")))
    assert cut.startswith("… word") and cut.endswith("word …") and "<mark>quokka</mark>" in cut
    assert len(cut) < 300
    assert str(snippets.excerpt("No match <here>", parse("-quokka"))) == "No match &lt;here&gt;"


def test_a_misspelt_word_gets_a_did_you_mean_link(client, corpus):
    found = search(client, q="remitances")

    assert found.total == 0
    assert found.suggestion.words == "remittances"
    assert found.suggestion.corrections == (("remitances", "remittances"),)
    html = client.get(SEARCH, {"q": "remitances"}).content.decode()
    assert f'Did you mean <a href="{found.suggestion.url}">remittances</a>?' in html
    then = client.get(found.suggestion.url).context["search"]
    assert then.words == "remittances"
    assert {"objective", "paragraph"} <= {section.kind for section in then.sections}


def test_a_suggestion_keeps_the_rest_of_the_words_and_their_syntax(client, corpus):
    found = search(client, q='"financial inclusion" remitances -quokka')

    assert found.suggestion.words == '"financial inclusion" remittances -quokka'


def test_no_suggestion_when_something_is_found_or_the_word_is_nobodys(client, corpus):
    assert search(client, q="quokka").suggestion is None
    # A word each finds something alone, but not together: nothing to correct.
    assert search(client, q="quokka remittances").suggestion is None
    ActorFactory(name="Okapiworks Trust", slug="okapi", status=Actor.Status.PROPOSED)
    PledgeFactory(title="Zebrafinch draft")
    # Not accredited, and a draft: their words are in nobody's vocabulary.
    assert search(client, q="okapiwork").suggestion is None
    assert search(client, q="zebrafinc").suggestion is None
    ActorFactory(name="Wallabyworks Trust", slug="wallaby")
    cache.clear()  # the vocabulary is cached under the statistics' token
    assert search(client, q="wallabywork").suggestion.words == "wallabyworks"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": "quokka", "type": "everything"}, "type"),
        ({"q": "quokka", "objective": "99"}, "objective"),
        ({"q": "quokka", "cycle": "no-such-cycle"}, "cycle"),
        ({"q": "quokka " * 100}, "q"),
        ({"q": "quokka\x00"}, "q"),
        ({"q": "quokka", "type": "comment", "objective": "7"}, "type"),
        ({"q": "quokka", "month": "2026-13"}, "month"),
    ],
)
def test_bad_input_is_a_400_with_the_form_error(client, corpus, params, field):
    response = client.get(SEARCH, params)

    assert response.status_code == 400
    found = response.context["search"]
    assert field in found.errors and not found.sections
    assert 'role="alert"' in response.content.decode()


@pytest.mark.parametrize("words", ["", "   ", "!!!", "-", '""', "a" * 500, "ÅÆØ ß İı", "x:*|y"])
def test_odd_words_are_answered_not_failed(client, corpus, words):
    found = search(client, q=words)
    assert found.total == 0
    assert found.searched == bool(words.strip())


def test_a_kind_pages_by_key_listing_every_result_once(client, actor_a):
    pledge = PledgeFactory(published=True, lead=actor_a)
    authors = VerifiedUserFactory.create_batch(2)
    made = Comment.objects.bulk_create(
        Comment(pledge=pledge, author=authors[0], body=f"Quokka {n}", body_html="<p>x</p>")
        for n in range(site_results.PAGE_SIZE * 2 + 3)
    )
    seen, params = [], {"q": "quokka", "type": "comment"}
    while True:
        found = search(client, **params)
        seen += [hit.id for hit in found.page.rows]
        if not found.page.has_next:
            break
        params = {"q": "quokka", "type": "comment", "after": found.page.after}
    assert sorted(seen) == sorted(c.pk for c in made) and len(seen) == len(set(seen))


def build(size: int, actor) -> None:
    """`size` results of every kind, all found by their text (the lowest tier: a page of pledges
    reads every tier, whatever their number, as tests/reviews/test_search_paging.py shows)."""
    authors = VerifiedUserFactory.create_batch(2)
    pledges = bulk_pledges(
        size,
        lead=actor,
        objectives=list(Objective.objects.filter(number__in=[1, 7])),
        status=S.PUBLISHED,
        published_at=timezone.now(),
        description=f"{PLEDGE_DESCRIPTION} Quokka.",
    )
    ProgressUpdate.objects.bulk_create(
        ProgressUpdate(pledge=pledges[0], actor=actor, stage="planned", narrative=f"Quokka {n}")
        for n in range(size)
    )
    Comment.objects.bulk_create(
        Comment(pledge=pledges[0], author=authors[n % 2], body=f"Quokka {n}", body_html="<p></p>")
        for n in range(size)
    )
    Actor.objects.bulk_create(
        Actor(name=f"Org {size}-{n}", slug=f"org-{size}-{n}", kind="other", description="Quokka.")
        for n in range(size)
    )
    for n in range(size):
        CoalitionFactory(description="Quokka.")
        DeclarationParagraphFactory(summary=f"Quokka {n}.")
    Objective.objects.filter(number=7).update(title="Quokka objective")


# Queries of an anonymous page (cold: nothing cached): the pledges' three tiers, each other kind
# that has results, the bounded counts of the other kinds, the facets (two: the first of them
# counts the pledges too).
PAGE_QUERIES = {
    "": 3 + 6 + 1 + 2,
    "pledge": 3 + 1 + 2,  # the tiers, the counts, the facets
    "comment": 1 + 1 + 1,  # the page, the counts, the pledges' count
}


@pytest.mark.parametrize("kind", list(PAGE_QUERIES))
def test_a_page_costs_the_same_queries_with_few_and_many_rows(
    client, django_assert_num_queries, actor_a, kind
):
    params = {"q": "quokka", **({"type": kind} if kind else {})}
    build(3, actor_a)
    cache.clear()
    with django_assert_num_queries(PAGE_QUERIES[kind]):
        few = search(client, **params)
    build(30, actor_a)
    cache.clear()
    with django_assert_num_queries(PAGE_QUERIES[kind]):
        many = search(client, **params)
    assert many.total > few.total
    if kind:
        assert len(many.page.rows) == site_results.PAGE_SIZE
    with CaptureQueriesContext(connection) as warm:
        search(client, **params)
    # Cached with the statistics: the facets (with the pledges' count), or the pledges' count.
    assert len(warm) == PAGE_QUERIES[kind] - (2 if kind in ("", "pledge") else 1)


def test_a_search_finding_nothing_costs_two_more_queries_for_its_suggestion(
    client, django_assert_num_queries, corpus
):
    # The counts and the facets' read of the pledges (none: nothing more to count); then each
    # word alone in every kind (one query), and the nearest word of the vocabulary (one).
    with django_assert_num_queries(2 + 2):
        assert search(client, q="remitances").suggestion


@postgresql_only
def test_pledges_and_progress_reports_are_searched_through_their_gin_indexes(actor_a):
    # Enough rows without the word for the planner to read the rare one from its index.
    pledge = PledgeFactory(published=True, lead=actor_a, title="Quokka census")
    bulk_pledges(2000, lead=actor_a, status=S.PUBLISHED, title="Harbour clinics")
    ProgressUpdate.objects.bulk_create(
        ProgressUpdate(pledge=pledge, actor=actor_a, stage="planned", narrative=f"Report {n}")
        for n in range(3000)
    )
    ProgressUpdateFactory(pledge=pledge, narrative="The quokka census is done.")
    DeclarationParagraphFactory(summary="Every quokka.")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE reviews_pledge; ANALYZE reviews_progressupdate")
        # The new rows wait in the GIN indexes' pending lists, which the planner reckons with.
        cursor.execute(
            "SELECT gin_clean_pending_list('pledge_search_vector'::regclass),"
            " gin_clean_pending_list('pledge_search_public'::regclass)"
        )
        # A GIN index is read by a bitmap scan: with plain scans off, the planner weighs it
        # against the B-tree indexes' bitmaps only (on a test's few rows it may walk another
        # index in order rather than read the word's).
        cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off")
    words = parse("quokka census")
    plans = {
        kind: KINDS[kind].matching(words, postgresql=True).order_by().explain()
        for kind in ("pledge", "progress-update", "paragraph")
    }
    # The public pledges' vectors (reviews migration 0021), or every pledge's.
    assert re.search(r"pledge_search_(public|vector)\b", plans["pledge"]), plans["pledge"]
    assert "progress_update_search" in plans["progress-update"]
    assert "paragraph_search" in plans["paragraph"]
    # The highlighted snippet is the database's: ts_headline over the page's rows.
    shown = KINDS["progress-update"].shown(
        KINDS["progress-update"].ranked(words, postgresql=True), words, postgresql=True
    )
    assert "ts_headline" in str(shown.query)


@postgresql_only
def test_the_site_search_vectors_are_the_expressions_of_gin_indexes():
    # A GIN expression index serves only the very expression: the migration's and the ORM's.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN "
            "('progress_update_search', 'comment_search', 'paragraph_search')"
        )
        indexes = dict(cursor.fetchall())
    assert set(indexes) == {"progress_update_search", "comment_search", "paragraph_search"}
    assert all("USING gin" in definition for definition in indexes.values())
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    words = parse("quokka")
    for kind, model, index in (
        ("comment", Comment, "comment_search"),
        ("progress-update", ProgressUpdate, "progress_update_search"),
    ):
        found = search_condition(words, KINDS[kind])
        assert index in model.objects.filter(found).order_by().explain()


def search_condition(words, kind):
    from reviews import search as pledge_search

    return pledge_search.condition(words, kind.vector, kind.fields, postgresql=True)
