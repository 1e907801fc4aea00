"""One meaning of "public": the pledge list, the API's list (read anonymously), every export and
every statistic give the same pledges for the same filters — published and withdrawn ones, never
a draft, a pledge under review, returned or rejected."""

import csv
import datetime as dt
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from actors.models import Actor, Region
from reviews.models import Objective, Pledge, ReviewCycle
from tests.api.conftest import token_client
from tests.factories import ActorFactory, PledgeFactory, bulk_pledges
from tests.reviews.test_exports import complete_csv

pytestmark = pytest.mark.django_db

S = Pledge.Status
BULK = 21  # with the named pledges, more than a page of the list and of the API
# Statistics that count each pledge once (coverage counts it once per objective).
ONCE = ["region", "country", "cycle", "month", "implementation-status", "freshness"]


def _months_ago(months: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=30.5 * months)


@pytest.fixture
def world(db):
    """Public pledges that differ in every filtered attribute, and pledges in every other state
    that would match every filter were they public."""
    senegal = ActorFactory(
        name="Republic of Senegal", kind=Actor.Kind.MEMBER_STATE, region=Region.AFRICA
    )
    network = ActorFactory(
        name="Coastal Rights Network",
        kind=Actor.Kind.CIVIL_SOCIETY,
        region=Region.EUROPE_NORTH_AMERICA,
    )
    city = ActorFactory(
        name="City of Montevideo",
        kind=Actor.Kind.LOCAL_GOVERNMENT,
        region=Region.LATIN_AMERICA_CARIBBEAN,
    )
    cycles = {c.slug: c for c in ReviewCycle.objects.filter(slug__in=["imrf-2022", "imrf-2026"])}
    objectives = {o.number: o for o in Objective.objects.filter(number__in=[2, 6, 7, 23])}

    def pledge(title, lead, status, numbers, cycle, reported):
        return PledgeFactory(
            title=title,
            lead=lead,
            status=status,
            objectives=[objectives[n] for n in numbers],
            primary_objective=objectives[numbers[0]],
            cycle=cycles[cycle],
            submitted_at=_months_ago(40),
            published_at=_months_ago(36) if status in (S.PUBLISHED, S.WITHDRAWN) else None,
            last_reported_at=None if reported is None else _months_ago(reported),
        )

    named = [
        pledge("Seasonal pathways", senegal, S.PUBLISHED, [7, 6], "imrf-2026", 1),
        pledge("Harbour workers' rights", network, S.PUBLISHED, [7], "imrf-2022", 14),
        pledge("City services for all", city, S.PUBLISHED, [2], "imrf-2026", 30),
        pledge("Remittance corridors", senegal, S.WITHDRAWN, [7], "imrf-2026", 1),
        pledge("Harbour health desks", city, S.WITHDRAWN, [6], "imrf-2022", 1),
        pledge("Not reported yet", network, S.PUBLISHED, [6], "imrf-2026", None),
    ]
    for status in (S.DRAFT, S.SUBMITTED, S.RETURNED, S.REJECTED):
        pledge(f"Harbour plan, {status}", senegal, status, [7, 6], "imrf-2022", 1)
    bulk = bulk_pledges(
        BULK, lead=city, objectives=[objectives[23]], published=True, cycle=cycles["imrf-2026"]
    )
    return {p.title: p.pk for p in named} | {"bulk": {p.pk for p in bulk}}


# filters: the named pledges they select, and whether the bulk pledges are among them
CASES = {
    "none": ({}, {"Seasonal pathways", "Harbour workers' rights", "City services for all",
                  "Remittance corridors", "Harbour health desks", "Not reported yet"}, True),
    "objective=7": ({"objective": 7}, {"Seasonal pathways", "Harbour workers' rights",
                                       "Remittance corridors"}, False),
    "actor_kind": ({"actor_kind": "member-state"}, {"Seasonal pathways",
                                                    "Remittance corridors"}, False),
    "status=withdrawn": ({"status": "withdrawn"}, {"Remittance corridors",
                                                   "Harbour health desks"}, False),
    "status=published": ({"status": "published"}, {"Seasonal pathways",
                                                   "Harbour workers' rights",
                                                   "City services for all",
                                                   "Not reported yet"}, True),
    "region": ({"region": "africa"}, {"Seasonal pathways", "Remittance corridors"}, False),
    "cycle": ({"cycle": "imrf-2022"}, {"Harbour workers' rights", "Harbour health desks"}, False),
    "freshness=green": ({"freshness": "green"}, {"Seasonal pathways"}, True),
    "freshness=red": ({"freshness": "red"}, {"City services for all", "Not reported yet"}, False),
    "q=word": ({"q": "harbour"}, {"Harbour workers' rights", "Harbour health desks"}, False),
    "objective&status": ({"objective": 7, "status": "withdrawn"}, {"Remittance corridors"}, False),
}  # fmt: skip


def html_ids(client, query) -> list[int]:
    """Every pledge of the HTML list, page after page."""
    ids, number = [], 1
    while True:
        response = client.get(reverse("reviews:pledge-list"), {**query, "page": number})
        assert response.status_code == 200
        assert not response.context["filter"].errors
        page = response.context["page"]
        ids += [pledge.pk for pledge in page.rows]
        if not page.has_next:
            return ids
        number += 1


def api_ids(query) -> list[int]:
    """Every pledge of the API's list for an anonymous reader, cursor page after page."""
    client, ids = APIClient(), []
    response = client.get(reverse("api:pledge-list"), query)
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        ids += [row["id"] for row in body["results"]]
        if not body["next"]:
            return ids
        response = client.get(body["next"])


def export_ids(client, fmt, query) -> list[int]:
    response = client.get(reverse("reviews:export", args=["pledges", fmt]), query)
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(complete_csv(body), newline="")))
        return [int(row["id"]) for row in rows]
    if fmt == "xlsx":
        header, *rows = load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True)
        return [int(row[header.index("id")]) for row in rows]
    return [row["id"] for row in json.loads(body)]


def stats_total(dimension, query, objective=None) -> int:
    response = APIClient().get(reverse(f"api:stats-{dimension}"), query)
    assert response.status_code == 200, response.content
    rows = response.json()["results"]
    return sum(row["count"] for row in rows if objective is None or row["objective"] == objective)


@pytest.mark.parametrize(("query", "titles", "with_bulk"), CASES.values(), ids=list(CASES))
def test_every_channel_gives_the_same_public_pledges(client, world, query, titles, with_bulk):
    expected = {world[title] for title in titles} | (world["bulk"] if with_bulk else set())

    channels = {
        "html": html_ids(client, query),
        "api": api_ids(query),
        **{fmt: export_ids(client, fmt, query) for fmt in ("csv", "xlsx", "json")},
    }

    for name, ids in channels.items():
        assert len(ids) == len(set(ids)), f"{name} lists a pledge twice"
        assert set(ids) == expected, name
    for dimension in ONCE:
        assert stats_total(dimension, query) == len(expected), dimension
    if "objective" in query:
        coverage = stats_total("coverage", query, objective=query["objective"])
        assert coverage == len(expected)


def test_the_status_filter_is_on_the_list_form(client, world):
    response = client.get(reverse("reviews:pledge-list"), {"status": "withdrawn"})

    field = response.context["filter"].form["status"]
    assert [value for value, _ in field.field.choices] == ["", "published", "withdrawn"]
    html = response.content.decode()
    assert '<label for="id_status">Status</label>' in html
    assert '<option value="withdrawn" selected>Withdrawn</option>' in html
    assert html.count('<span class="badge badge-withdrawn">Withdrawn</span>') == 2


@pytest.mark.parametrize("value", ["draft", "rejected", "bogus"])
def test_a_status_outside_the_public_set_is_refused_everywhere(client, world, value):
    query = {"status": value}

    listed = client.get(reverse("reviews:pledge-list"), query)
    api = APIClient().get(reverse("api:pledge-list"), query)
    exports = [
        client.get(reverse("reviews:export", args=["pledges", fmt]), query)
        for fmt in ("csv", "xlsx", "json")
    ]
    stats = [APIClient().get(reverse(f"api:stats-{name}"), query) for name in ["coverage", *ONCE]]

    # The HTML list shows the error next to the select box and lists nothing, as the others.
    assert listed.status_code == 400 and set(listed.context["filter"].errors) == {"status"}
    assert list(listed.context["page"]) == []
    for response in exports:
        assert response.status_code == 400
        assert set(response.json()["errors"]) == {"status"}
    for response in [api, *stats]:
        assert response.status_code == 400, response.request["PATH_INFO"]
        assert set(response.json()) == {"status"}


def test_a_member_filters_their_own_pledges_by_any_status_in_the_api(focal_a, actor_a, world):
    draft = PledgeFactory(lead=actor_a, title="Our draft")
    member = token_client(focal_a)

    own = member.get(reverse("api:pledge-list"), {"status": "draft"})
    bogus = member.get(reverse("api:pledge-list"), {"status": "bogus"})
    anonymous = APIClient().get(reverse("api:pledge-list"), {"status": "draft"})

    assert own.status_code == 200
    assert [row["id"] for row in own.json()["results"]] == [draft.pk]
    assert bogus.status_code == 400 and "status" in bogus.json()
    assert anonymous.status_code == 400 and "status" in anonymous.json()
