"""Reporting aggregates: each /api/v1/stats/<name>/ equals a plain Python count over the same
public pledges as the pledge list (published and withdrawn, filtered like the list), never counts
drafts, submitted, returned or rejected pledges, and is computed in one SQL query."""

import datetime as dt
from collections import Counter

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from actors.models import Actor, Coalition, CoalitionMembership, Region
from reviews import stats
from reviews.models import Objective, Pledge, ReviewCycle
from tests.factories import ActorFactory, PledgeFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def _months_ago(months: int) -> dt.datetime:
    return NOW - dt.timedelta(days=30.5 * months)


def _objectives(*numbers):
    return list(Objective.objects.filter(number__in=numbers))


@pytest.fixture
def pledges(actor_a, actor_b):
    """Published pledges spread over every dimension, withdrawn ones that count with them, and
    pledges in the other states that must not count."""
    senegal = ActorFactory(kind=Actor.Kind.MEMBER_STATE, region=Region.AFRICA, country="SN")
    city = ActorFactory(kind=Actor.Kind.LOCAL_GOVERNMENT, region=Region.ARAB, country="JO")
    imrf22 = ReviewCycle.objects.get(slug="imrf-2022")

    def published(lead, months_ago, reported_months_ago, objectives, **fields):
        return PledgeFactory(
            lead=lead,
            status=Pledge.Status.PUBLISHED,
            submitted_at=_months_ago(months_ago),
            published_at=_months_ago(months_ago),
            last_reported_at=_months_ago(reported_months_ago),
            objectives=_objectives(*objectives),
            primary_objective=_objectives(objectives[0])[0],
            **fields,
        )

    published(senegal, 1, 1, [7, 6])
    published(senegal, 3, 3, [7], implementation_status="in-progress")
    published(senegal, 14, 14, [2], cycle=imrf22)
    published(actor_b, 30, 30, [7, 23], implementation_status="completed")
    published(actor_b, 2, 2, [6], cycle=None)
    published(actor_a, 20, 1, [6, 7, 8], implementation_status="discontinued")
    published(city, 27, 26, [7])
    published(city, 0, 0, [11], cycle=imrf22)
    published(
        senegal,
        4,
        4,
        [7, 2],
        support="financial",
        amount=1000,
        currency="USD",
        countries=["SN", "GM"],
    )
    published(city, 5, 5, [23], support="financial", amount=250.5, currency="USD", countries=["FR"])
    published(city, 5, 5, [6], support="financial", amount=99, currency="EUR")
    published(city, 6, 6, [6], support="financial")  # no amount: not in `currency/`
    # A member in two roles of one coalition, and one in two coalitions.
    champions = Coalition.objects.get(slug="gcm-champion-countries")
    mayors = Coalition.objects.get(slug="gfmd-mayors-mechanism")
    for role in ("member", "chair"):
        CoalitionMembership.objects.create(coalition=champions, actor=senegal, role=role)
    for coalition in (champions, mayors):
        CoalitionMembership.objects.create(coalition=coalition, actor=city)
    for status in ["draft", "submitted", "returned", "rejected", "withdrawn"]:
        for lead in (senegal, actor_a, city):
            PledgeFactory(
                lead=lead,
                status=status,
                objectives=_objectives(7, 6),
                published_at=_months_ago(1) if status == "withdrawn" else None,
                last_reported_at=_months_ago(1) if status == "withdrawn" else None,
            )


def _freshness(pledge) -> str | None:
    colour = pledge.freshness_at(timezone.now())
    return colour.value if colour else None


def _measurable(pledge) -> bool:
    """Read from the indicators themselves, not from the flag the services keep."""
    return any(
        None not in (i.baseline_value, i.baseline_date, i.target_value, i.target_date)
        for result in pledge.results.all()
        for i in result.indicators.all()
    )


# name: how one published pledge contributes to the counts (a list of keys, one per group)
PYTHON = {
    "coverage": lambda p: [
        {"objective": o.number, "actor_kind": p.lead.kind} for o in p.objectives.all()
    ],
    "coverage-region": lambda p: [
        {"objective": o.number, "region": p.lead.region} for o in p.objectives.all()
    ],
    "coverage-cycle": lambda p: [
        {"objective": o.number, "cycle": p.cycle.slug if p.cycle else None}
        for o in p.objectives.all()
    ],
    # Once per coalition of the lead, however many roles it holds there.
    "coverage-coalition": lambda p: [
        {"objective": o.number, "coalition": slug}
        for o in p.objectives.all()
        for slug in {m.coalition.slug for m in p.lead.coalition_memberships.all()}
    ],
    "actor-kind": lambda p: [{"actor_kind": p.lead.kind}],
    "coalition": lambda p: [
        {"coalition": slug}
        for slug in {m.coalition.slug for m in p.lead.coalition_memberships.all()}
    ],
    "region": lambda p: [{"region": p.lead.region}],
    "country": lambda p: [{"country": p.lead.country.code}],
    "country-concerned": lambda p: [
        {"country": code} for code in {p.lead.country.code, *(c.code for c in p.countries)} if code
    ],
    "cycle": lambda p: [{"cycle": p.cycle.slug if p.cycle else None}],
    "month": lambda p: [{"month": p.published_at.strftime("%Y-%m")}],
    "implementation-status": lambda p: [{"implementation_status": p.implementation_status}],
    "freshness": lambda p: [{"freshness": _freshness(p)}],
    "measurable": lambda p: [{"measurable": _measurable(p)}],
    "currency": lambda p: (
        [{"currency": p.currency}]
        if p.support == "financial" and p.amount is not None and p.currency
        else []
    ),
}
# Sums beside the counts, not keys of a group.
AGGREGATES = {"count", "amount"}
# The coalition counts read the coalitions first; the freshness colours ask whether a
# reporting round is open (reviews.models.freshness).
EXTRA_QUERIES = {"coverage-coalition": 1, "coalition": 1, "freshness": 1}

FILTERS = [
    {},
    {"actor_kind": "member-state"},
    {"objective": 7},
    {"region": "africa", "objective": 7},
    {"country": "JO"},
    {"implementation_status": "planned"},
    {"freshness": "green"},
    {"q": "pledge", "cycle": "imrf-2026"},
    {"status": "withdrawn"},
    {"status": "published", "objective": 7},
]


def _selected(query: dict) -> list[Pledge]:
    """The public pledges a query selects, chosen in Python."""
    chosen = []
    for pledge in Pledge.objects.filter(status__in=["published", "withdrawn"]):
        numbers = {o.number for o in pledge.objectives.all()}
        if "actor_kind" in query and pledge.lead.kind != query["actor_kind"]:
            continue
        if "objective" in query and query["objective"] not in numbers:
            continue
        if "region" in query and pledge.lead.region != query["region"]:
            continue
        if "country" in query and query["country"] not in {
            pledge.lead.country.code,
            *(c.code for c in pledge.countries),
        }:
            continue
        if "implementation_status" in query and (
            pledge.implementation_status != query["implementation_status"]
        ):
            continue
        if "status" in query and pledge.status != query["status"]:
            continue
        if "freshness" in query and _freshness(pledge) != query["freshness"]:
            continue
        if (
            "q" in query
            and query["q"] not in f"{pledge.title} {pledge.summary} {pledge.lead}".lower()
        ):
            continue
        if "cycle" in query and (pledge.cycle is None or pledge.cycle.slug != query["cycle"]):
            continue
        chosen.append(pledge)
    return chosen


def _python_counts(name: str, query: dict) -> Counter:
    counts = Counter()
    for pledge in _selected(query):
        for key in PYTHON[name](pledge):
            counts[tuple(sorted(key.items()))] += 1
    return counts


def _api_counts(body) -> Counter:
    counts = Counter()
    for row in body["results"]:
        key = tuple(sorted((k, v) for k, v in row.items() if k not in AGGREGATES))
        counts[key] += row["count"]
    return counts


@pytest.mark.parametrize("query", FILTERS, ids=lambda q: "&".join(f"{k}={v}" for k, v in q.items()))
@pytest.mark.parametrize("name", list(PYTHON))
def test_a_statistic_equals_a_count_by_hand(pledges, django_assert_num_queries, name, query):
    # One grouped query, after the look-up that validates each objective, principle or cycle
    # named in the filter (the pledge list's select boxes), as the list does.
    lookups = len({"objective", "principle", "cycle"} & set(query))
    # A freshness, as a dimension or a filter, asks whether a reporting round is open.
    rounds = int(name == "freshness" or "freshness" in query)
    extra = EXTRA_QUERIES.get(name, 0) if name != "freshness" else 0
    with django_assert_num_queries(1 + lookups + rounds + extra):
        response = APIClient().get(reverse(f"api:stats-{name}"), query)

    assert response.status_code == 200
    body = response.json()
    assert body["dimension"] == name
    expected = _python_counts(name, query)
    assert _api_counts(body) == expected
    assert len(body["results"]) == len(expected), "one row per group"
    if not query:
        assert expected, "the unfiltered count is not empty"


def test_the_unfiltered_totals_count_each_public_pledge_once(pledges):
    client = APIClient()
    public = Pledge.objects.public().count()

    for name in PYTHON:
        if name in stats.PER_OBJECTIVE or name in {"currency", "country-concerned", "coalition"}:
            continue  # once per objective, or per country; only financial ones have amounts
        rows = client.get(reverse(f"api:stats-{name}")).json()["results"]
        assert sum(row["count"] for row in rows) == public == 12 + 3, name


def test_pledges_that_are_not_public_are_never_counted(actor_a):
    for status in ["draft", "submitted", "returned", "rejected"]:
        PledgeFactory(lead=actor_a, status=status, published_at=NOW, last_reported_at=NOW)
    client = APIClient()

    for name in PYTHON:
        assert client.get(reverse(f"api:stats-{name}")).json()["results"] == [], name


def test_a_withdrawn_pledge_is_counted_without_a_freshness(actor_a):
    PledgeFactory(lead=actor_a, status="withdrawn", published_at=NOW, last_reported_at=NOW)
    client = APIClient()

    freshness = client.get(reverse("api:stats-freshness")).json()["results"]
    cycles = client.get(reverse("api:stats-cycle")).json()["results"]
    green = client.get(reverse("api:stats-cycle"), {"freshness": "green"}).json()["results"]

    assert freshness == [{"freshness": None, "count": 1}]
    assert cycles == [{"cycle": "imrf-2026", "count": 1}]
    assert green == []


def test_a_signed_in_reader_gets_the_same_statistics(pledges, focal_a):
    """Statistics are about what is public: a member's own drafts do not enter them."""
    client = APIClient()
    client.force_login(focal_a)

    for name in PYTHON:
        signed_in = client.get(reverse(f"api:stats-{name}")).json()
        assert signed_in == APIClient().get(reverse(f"api:stats-{name}")).json()
