"""Statistics without COUNT(DISTINCT): each dimension's counts, under filters combined, equal a
naive Python count over the same public pledges, though pledges have several objectives,
principles, countries and partners that a join could count twice; and each total equals the rows
of the matching export."""

from collections import Counter

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from actors.models import Actor, Coalition, CoalitionMembership, Region
from reviews import services, stats
from reviews.models import GuidingPrinciple, Objective, Pledge, ReviewCycle
from tests.api.test_api_stats import AGGREGATES, EXTRA_QUERIES, PYTHON, _freshness, _measurable
from tests.factories import ActorFactory, PledgeFactory, PledgePartnerFactory
from tests.reviews.test_public_set import export_ids

pytestmark = pytest.mark.django_db


def _objectives(*numbers):
    return list(Objective.objects.filter(number__in=numbers))


def _principles(*numbers):
    return list(GuidingPrinciple.objects.filter(number__in=numbers))


@pytest.fixture
def world(actor_a, actor_b):
    senegal = ActorFactory(kind=Actor.Kind.MEMBER_STATE, region=Region.AFRICA, country="SN")
    city = ActorFactory(kind=Actor.Kind.LOCAL_GOVERNMENT, region=Region.ARAB, country="JO")
    imrf22 = ReviewCycle.objects.get(slug="imrf-2022")
    year_ago = timezone.now() - timezone.timedelta(days=400)

    def pledge(lead, objectives, principles=(), partners=(), **fields):
        fields.setdefault("status", Pledge.Status.PUBLISHED)
        made = PledgeFactory(
            lead=lead,
            published=fields["status"] in (Pledge.Status.PUBLISHED, Pledge.Status.WITHDRAWN),
            objectives=_objectives(*objectives),
            principles=_principles(*principles),
            primary_objective=_objectives(objectives[0])[0],
            **fields,
        )
        for partner in partners:
            PledgePartnerFactory(pledge=made, actor=partner, status="confirmed")
        return made

    def measure(made, **target):
        """An indicator with a baseline and (unless its target date is None) a full target."""
        indicator = {
            "name": "Workers reached",
            "unit": "number",
            "baseline_value": 0,
            "baseline_date": "2025-01-01",
            "target_value": 100,
            **target,
        }
        services.result_save(
            pledge=made, by=None, data={"statement": "Reached", "indicators": [indicator]}
        )

    pledge(senegal, [7, 6, 2], [1, 2], [actor_a, actor_b], kind="joint", countries=["SN", "GM"])
    funded = pledge(
        senegal, [7], [1], support="financial", amount=10, currency="USD", countries=["JO"]
    )
    measure(funded, target_date="2028-12-31")
    measure(pledge(city, [7, 6], [2], countries=["JO"]), target_date=None)  # not measurable
    pledge(senegal, [6, 23], [3], implementation_status="in-progress", cycle=imrf22)
    pledge(city, [7, 11], [1, 2, 3], [actor_a], kind="joint", title="Water for towns")
    pledge(city, [2], [2], countries=["SN"], last_reported_at=year_ago)
    pledge(actor_a, [7, 6], [1], implementation_status="completed", countries=["FR", "SN"])
    pledge(actor_b, [11, 7], [2], status=Pledge.Status.WITHDRAWN, countries=["JO", "SN"])
    pledge(actor_b, [6], [1], support="financial", amount=5, currency="EUR", cycle=None)
    champions = Coalition.objects.get(slug="gcm-champion-countries")
    for role in ("member", "co-chair"):
        CoalitionMembership.objects.create(coalition=champions, actor=senegal, role=role)
    CoalitionMembership.objects.create(coalition=champions, actor=actor_b)
    for status in ["draft", "submitted", "returned", "rejected"]:
        pledge(senegal, [7, 6], [1, 2], [actor_a], status=status, countries=["SN"])


# dimension: the keys one pledge is counted under (coverage: one per objective)
KEYS = PYTHON

# Each value of a filter, as a test on one pledge.
TESTS = {
    "objective": lambda p, v: v in {o.number for o in p.objectives.all()},
    "principle": lambda p, v: v in {g.number for g in p.principles.all()},
    "kind": lambda p, v: p.kind == v,
    "support": lambda p, v: p.support == v,
    "actor_kind": lambda p, v: p.lead.kind == v,
    "region": lambda p, v: p.lead.region == v,
    "actor": lambda p, v: (
        p.lead.slug == v or p.partnerships.filter(actor__slug=v, status="confirmed").exists()
    ),
    "coalition": lambda p, v: p.lead.coalition_memberships.filter(coalition__slug=v).exists(),
    "country": lambda p, v: v in {p.lead.country.code, *(c.code for c in p.countries)},
    "cycle": lambda p, v: p.cycle is not None and p.cycle.slug == v,
    "status": lambda p, v: p.status == v,
    "implementation_status": lambda p, v: p.implementation_status == v,
    "freshness": lambda p, v: _freshness(p) == v,
    "measurable": lambda p, v: _measurable(p) == (v == "yes"),
    "q": lambda p, v: v.lower() in f"{p.title} {p.summary} {p.lead.name}".lower(),
}

FILTERS = [
    {"objective": 7, "principle": 1},
    {"objective": 7, "principle": 2, "country": "SN"},
    {"country": "SN", "region": "africa"},
    {"kind": "joint", "objective": 6},
    {"support": "financial", "actor_kind": "member-state"},
    {"principle": 2, "status": "withdrawn"},
    {"objective": 2, "freshness": "amber"},
    {"q": "water", "principle": 3, "objective": 11},
    {"cycle": "imrf-2026", "implementation_status": "planned", "objective": 7},
    {"coalition": "gcm-champion-countries", "objective": 6},
    {"coalition": "gcm-champion-countries", "support": "financial"},
    {"actor": "__a__", "objective": 7},
    {"measurable": "yes", "objective": 7},
    {"measurable": "no", "region": "arab"},
]


def _named(query: dict, actor_a) -> dict:
    """The query, with the slug of actor_a for its placeholder."""
    return {k: actor_a.slug if v == "__a__" else v for k, v in query.items()}


def _chosen(query: dict) -> list[Pledge]:
    public = Pledge.objects.filter(status__in=["published", "withdrawn"])
    return [p for p in public if all(TESTS[name](p, v) for name, v in query.items())]


def _by_hand(dimension: str, query: dict) -> Counter:
    counts = Counter()
    for pledge in _chosen(query):
        for key in KEYS[dimension](pledge):
            counts[tuple(sorted(key.items()))] += 1
    return counts


def _answered(results) -> Counter:
    counts = Counter()
    for row in results:
        key = tuple(sorted((k, v) for k, v in row.items() if k not in AGGREGATES))
        assert key not in counts, "one row per group"
        counts[key] = row["count"]
    return counts


@pytest.mark.parametrize("query", FILTERS, ids=lambda q: "&".join(f"{k}={v}" for k, v in q.items()))
def test_every_dimension_under_combined_filters_equals_a_count_by_hand(world, query, actor_a):
    query = _named(query, actor_a)
    client = APIClient()
    assert _chosen(query), "the filter chooses something"

    for dimension in stats.DIMENSIONS:
        response = client.get(reverse(f"api:stats-{dimension}"), query)

        assert response.status_code == 200, response.content
        assert _answered(response.json()["results"]) == _by_hand(dimension, query), dimension


def test_no_query_counts_distinct_values(world, django_assert_num_queries):
    client = APIClient()
    for dimension in stats.DIMENSIONS:
        # The objective's look-up, the count (and for coalitions, the coalitions).
        with django_assert_num_queries(2 + EXTRA_QUERIES.get(dimension, 0)) as queries:
            client.get(reverse(f"api:stats-{dimension}"), {"objective": 7})
        sql = queries.captured_queries[-1]["sql"].upper()
        assert "COUNT(" in sql and "DISTINCT" not in sql, dimension


@pytest.mark.parametrize("query", [{}, *FILTERS[:4]], ids=str)
def test_a_total_equals_the_rows_of_the_matching_export(client, world, query):
    rows = len(export_ids(client, "json", query))

    for dimension in stats.DIMENSIONS:
        results = APIClient().get(reverse(f"api:stats-{dimension}"), query).json()["results"]
        if dimension in {"currency", "coverage-coalition", "coalition", "country-concerned"}:
            continue  # financial pledges only; once per coalition of its lead, or per country
        if dimension in stats.PER_OBJECTIVE and "objective" not in query:
            # a pledge once per objective: per objective, the export's rows with that objective
            per_objective = Counter()
            for row in results:
                per_objective[row["objective"]] += row["count"]
            expected = {
                number: len(export_ids(client, "json", {**query, "objective": number}))
                for number in per_objective
            }
            assert dict(per_objective) == expected
        elif dimension not in stats.PER_OBJECTIVE:
            assert sum(row["count"] for row in results) == rows, dimension
