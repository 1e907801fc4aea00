"""Every list endpoint costs the same number of SQL queries at page size 10 and at 200 (DESIGN
§8), with at least 200 rows behind it, and no COUNT(*) over the table: at most 4 queries for an
anonymous reader. A signed-in reader adds the token look-up and what their rights need."""

import re

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from actors.models import Actor, Coalition, CoalitionMembership, SourceDocument
from reviews import stats
from reviews.models import (
    Answer,
    DeclarationParagraph,
    DeclarationParagraphObjective,
    Endorsement,
    ExpectedResult,
    GuidingPrinciple,
    Indicator,
    IndicatorActual,
    Objective,
    Pledge,
    ProgressUpdate,
    Question,
    ReviewCycle,
    RoundTable,
    RoundTableObjective,
)
from reviews.models.freshness import round_opened
from tests.api.conftest import token_client
from tests.factories import PledgeFactory, bulk_comments, bulk_pledges

pytestmark = pytest.mark.django_db

ROWS = 205
# A pledge's standing endorsements counted in its row (reviews.models.endorsements.active_count).
ENDORSEMENTS_OF_A_PLEDGE = re.compile(r'COUNT\([^()]*\) AS "n" FROM "reviews_endorsement"')
# The questions the actors of a page received (reviews.questions.responsiveness).
QUESTIONS_OF_A_PAGE = '"reviews_question"."addressed_to_id" IN ('


def cite(records):
    """Give each of ``records`` (of one curated model) two citations, as curated rows have."""
    citation_model = type(records[0])._meta.get_field("citations").related_model
    sources = list(SourceDocument.objects.order_by("pk")[:2])
    citation_model.objects.bulk_create(
        citation_model(record=record, source=source, locator="a phrase")
        for record in records
        for source in sources
    )


@pytest.fixture
def pledge_rows(actor_a, actor_b):
    objectives = list(Objective.objects.filter(number__in=[3, 7]))
    pledges = bulk_pledges(
        ROWS, lead=actor_a, objectives=objectives, partners=[actor_b], status="published"
    )
    principle = GuidingPrinciple.objects.get(number=1)
    Pledge.principles.through.objects.bulk_create(
        Pledge.principles.through(pledge_id=p.pk, guidingprinciple_id=principle.pk) for p in pledges
    )
    bulk_pledges(5, lead=actor_a, objectives=objectives)  # A's drafts
    return pledges


@pytest.fixture
def progress_update_rows(actor_a, focal_a):
    """The reports of a pledge with two indicators, each report giving a value for both."""
    pledge = PledgeFactory(lead=actor_a, published=True)
    updates = ProgressUpdate.objects.bulk_create(
        ProgressUpdate(
            pledge=pledge, author=focal_a, actor=actor_a, stage="in-progress", narrative=f"n{n}"
        )
        for n in range(ROWS)
    )
    result = ExpectedResult.objects.create(pledge=pledge, statement="Fair recruitment")
    indicators = Indicator.objects.bulk_create(
        Indicator(result=result, name=f"Indicator {n}", position=n) for n in range(2)
    )
    IndicatorActual.objects.bulk_create(
        IndicatorActual(indicator=indicator, update=update, period_end=update.date, value=n)
        for n, update in enumerate(updates)
        for indicator in indicators
    )


@pytest.fixture
def comment_rows(actor_a, focal_a, focal_b):
    pledge = PledgeFactory(lead=actor_a, published=True)
    bulk_comments(ROWS, authors=[focal_a, focal_b], pledge=pledge)
    bulk_comments(5, authors=[focal_a], pledge=pledge, actor=actor_a)


@pytest.fixture
def endorsement_rows(actor_a, focal_b):
    """Endorsements of a pledge, a few of them withdrawn (which the list leaves out)."""
    pledge = PledgeFactory(lead=actor_a, published=True)
    actors = Actor.objects.bulk_create(
        Actor(name=f"Endorser {n}", slug=f"endorser-{n}", kind="academia") for n in range(ROWS + 5)
    )
    Endorsement.objects.bulk_create(
        Endorsement(
            pledge=pledge,
            actor=actor,
            endorsed_by=focal_b,
            withdrawn_at=timezone.now() if n >= ROWS else None,
        )
        for n, actor in enumerate(actors)
    )


@pytest.fixture
def question_rows(actor_a, focal_a, focal_b):
    """Questions to A on its pledge, every other one answered, and a few hidden."""
    pledge = PledgeFactory(lead=actor_a, published=True)
    questions = Question.objects.bulk_create(
        Question(
            pledge=pledge,
            addressed_to=actor_a,
            author=focal_b,
            body=f"q{n}",
            body_html=f"q{n}",
            is_hidden=n >= ROWS,
        )
        for n in range(ROWS + 5)
    )
    Answer.objects.bulk_create(
        Answer(question=q, author=focal_a, actor=actor_a, body="a", body_html="a")
        for q in questions[::2]
    )
    Question.objects.filter(answer__isnull=False).update(
        status=Question.Status.ANSWERED, answered_at=timezone.now()
    )


@pytest.fixture
def actor_rows(actor_a):
    Actor.objects.bulk_create(
        Actor(name=f"Bulk actor {n}", slug=f"bulk-actor-{n}", kind="nhri", parent=actor_a)
        for n in range(ROWS)
    )


@pytest.fixture
def coalition_rows(actor_a, actor_b):
    coalitions = Coalition.objects.bulk_create(
        Coalition(name=f"Bulk coalition {n}", slug=f"bulk-coalition-{n}") for n in range(ROWS)
    )
    cite(coalitions)
    memberships = CoalitionMembership.objects.bulk_create(
        CoalitionMembership(coalition=c, actor=actor)
        for c in coalitions
        for actor in (actor_a, actor_b)
    )
    cite(memberships)


@pytest.fixture
def cycle_rows(db):
    cycles = ReviewCycle.objects.bulk_create(
        ReviewCycle(
            name=f"Bulk cycle {n}",
            slug=f"bulk-cycle-{n}",
            kind="regional",
            year=2040,
        )
        for n in range(ROWS)
    )
    cite(cycles)
    tables = RoundTable.objects.bulk_create(RoundTable(cycle=cycle, number=1) for cycle in cycles)
    cite(tables)
    objective = Objective.objects.get(number=5)
    RoundTableObjective.objects.bulk_create(
        RoundTableObjective(round_table=table, objective=objective) for table in tables
    )


@pytest.fixture
def declaration_paragraph_rows(db):
    cycle = ReviewCycle.objects.get(slug="imrf-2026")
    paragraphs = DeclarationParagraph.objects.bulk_create(
        DeclarationParagraph(cycle=cycle, number=n + 1, summary="s") for n in range(ROWS)
    )
    cite(paragraphs)
    objective = Objective.objects.get(number=5)
    DeclarationParagraphObjective.objects.bulk_create(
        DeclarationParagraphObjective(paragraph=p, objective=objective) for p in paragraphs
    )


# endpoint: (rows fixture, queries anonymous, queries for focal_a with a token, rows per page)
# Paginated lists show the page; objectives and principles are short lists shown whole.
ENDPOINTS = {
    "objectives": (None, 2, 3, 23),
    "principles": (None, 2, 3, 10),
    "cycles": ("cycle_rows", 3, 4, None),
    "declaration-paragraphs": ("declaration_paragraph_rows", 3, 4, None),
    # the page of actors, and their responsiveness to questions (reviews.questions: one query
    # for the whole page)
    "actors": ("actor_rows", 3, 4, None),
    "coalitions": ("coalition_rows", 3, 4, None),
    # token, the roles with the memberships (what the person may see: actors.permissions), the
    # page's ids and cursor positions, its rows with their objectives, principles and partners
    # (reviews/api/pledge_rows.py)
    "pledges": ("pledge_rows", 2, 4, None),
    # the page, the values its reports gave
    "progress-updates": ("progress_update_rows", 2, 3, None),
    "comments": ("comment_rows", 1, 2, None),
    # the page of questions with their answers, askers and organisations
    "questions": ("question_rows", 1, 2, None),
    # the page with each endorsement's organisation
    "endorsements": ("endorsement_rows", 1, 2, None),
    # statistics: one grouped query (and no page)
    **{
        f"stats/{name}": ("pledge_rows", 1, 2, 0)
        for name in [
            "coverage",
            "region",
            "country",
            "cycle",
            "month",
            "implementation-status",
        ]
    },
    # and whether a reporting round is open, which the colours depend on (its answer retired
    # with the counts')
    "stats/freshness": ("pledge_rows", 2, 3, 0),
}


@pytest.fixture(params=["cache", "database"])
def throttle_queries(request, settings):
    """The throttle's queries: none with Redis (or the tests' local cache), one upsert when the
    database is the only shared store (portal/throttling.py)."""
    settings.API_THROTTLE_STORE = request.param
    return 1 if request.param == "database" else 0


@pytest.mark.parametrize("reader", ["anonymous", "focal_a"])
@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_a_list_costs_the_same_queries_at_10_and_200_rows(
    request, django_assert_num_queries, reader, endpoint, throttle_queries
):
    fixture, anonymous, signed_in, shown = ENDPOINTS[endpoint]
    anonymous, signed_in = anonymous + throttle_queries, signed_in + throttle_queries
    if fixture:
        request.getfixturevalue(fixture)
    if reader == "anonymous":
        client, expected = APIClient(), anonymous
    else:
        client, expected = token_client(request.getfixturevalue("focal_a")), signed_in
        client.get("/api/v1/")  # the token's first use is recorded once, not on every read
    url = f"/api/v1/{endpoint}/"
    round_opened(timezone.now())  # as every reader but the first after a change finds it

    for size in (10, 200):
        if endpoint.startswith("stats/"):
            stats.invalidate()  # the cost of counting, not of a cached answer (test_stats_cache)
        with django_assert_num_queries(expected) as queries:
            response = client.get(url, {"page_size": size})

        assert response.status_code == 200
        body = response.json()
        if shown is None:
            assert len(body["results"]) == size
            assert body["next"] is not None
        elif shown:
            assert len(body) == shown
        if not endpoint.startswith("stats/"):
            # The person's roles come in one query with their own unread notifications counted
            # (actors.permissions), and each pledge of a page comes with its standing
            # endorsements counted (a subquery per row), each actor of a page with the questions
            # it received counted (reviews.questions, for the page's actors): bounded by one
            # person's, one pledge's or one page's rows, not a count of the table.
            counts = [
                query["sql"]
                for query in queries.captured_queries
                if "COUNT(" in ENDORSEMENTS_OF_A_PLEDGE.sub("", query["sql"]).upper()
                and "actors_notification" not in query["sql"]
                and QUESTIONS_OF_A_PAGE not in query["sql"]
            ]
            assert counts == [], "no count of the whole table on every page"


def test_an_anonymous_list_takes_at_most_four_queries_with_its_throttle():
    assert max(anonymous for _, anonymous, _, _ in ENDPOINTS.values()) + 1 <= 4


def test_a_moderator_pledge_list_costs_the_same_at_10_and_200(
    pledge_rows, moderator, django_assert_num_queries
):
    client = token_client(moderator)
    client.get("/api/v1/")
    round_opened(timezone.now())  # cached, as every reader but the first finds it
    shown = {}

    for size in (10, 200):
        # token, the roles in one query (moderator group, second factor: actors.permissions),
        # the page's ids (no membership filter), its rows
        with django_assert_num_queries(4):
            shown[size] = client.get("/api/v1/pledges/", {"page_size": size}).json()

    assert len(shown[200]["results"]) == 200


def test_the_first_use_of_a_token_is_recorded_once(focal_a, django_assert_num_queries):
    client = token_client(focal_a)

    with django_assert_num_queries(4):  # token, last_used_at, objectives, their citations
        client.get("/api/v1/objectives/")
    with django_assert_num_queries(3):  # token, objectives, their citations
        client.get("/api/v1/objectives/")

    assert focal_a.api_tokens.get().last_used_at <= timezone.now()
