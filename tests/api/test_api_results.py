"""Expected results and their indicators in the API: nested in the pledge's detail and under
/pledges/<id>/results/ (read by whoever may see the pledge, with the values of the public reports
only), written by the lead's members through the services of the site's results page; actual
values given with a progress report, by the lead and the confirmed partners
(test_api_result_writes.py, with the permission matrix of every write)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from reviews.models import (
    ExpectedResult,
    FrameworkIndicator,
    Indicator,
    IndicatorActual,
)
from tests.api.conftest import API_PERSONAS, token_client
from tests.factories import PledgeFactory, ProgressUpdateFactory
from tests.matrix import make_table

pytestmark = pytest.mark.django_db

table = make_table(API_PERSONAS)


def results_url(pledge) -> str:
    return reverse("api:pledge-result-list", kwargs={"pledge_id": pledge.pk})


def result_url(result, pledge=None) -> str:
    pledge_id = result.pledge_id if pledge is None else pledge.pk
    return reverse("api:pledge-result-detail", kwargs={"pledge_id": pledge_id, "pk": result.pk})


def detail_url(pledge) -> str:
    return reverse("api:pledge-detail", args=[pledge.pk])


def indicator_body(**fields) -> dict:
    return {
        "name": "Workers with a written contract",
        "unit": "number",
        "baseline": {"value": "120", "date": "2025-01-01"},
        "target": {"value": "600", "date": "2028-12-31"},
        **fields,
    }


def result_body(statement="More workers with written contracts", indicators=None) -> dict:
    return {
        "statement": statement,
        "indicators": [indicator_body()] if indicators is None else indicators,
    }


@pytest.fixture
def framework_entry(db):
    # Made up for the tests: the curated frameworks are empty until their source is read.
    return FrameworkIndicator.objects.create(
        framework="A framework of the tests", code="T.1", name="Share of fees refunded"
    )


@pytest.fixture
def measured(actor_a, framework_entry):
    """A's published pledge with one result: a percentage indicator (by sex and migration
    status, in a framework) with a baseline and a target, and a count with neither; a public
    report gave the percentage 55 over the first half of 2026, a hidden one gave it 60."""
    pledge = PledgeFactory(lead=actor_a, published=True)
    result = ExpectedResult.objects.create(pledge=pledge, statement="Fair recruitment")
    fees = Indicator.objects.create(
        result=result,
        position=1,
        name="Recruitment fees refunded",
        unit=Indicator.Unit.PERCENTAGE,
        baseline_value=10,
        baseline_date=dt.date(2025, 1, 1),
        target_value=90,
        target_date=dt.date(2028, 1, 1),
        by_sex=True,
        by_migration_status=True,
        framework_indicator=framework_entry,
    )
    workers = Indicator.objects.create(result=result, position=2, name="Workers reached")
    public = ProgressUpdateFactory(pledge=pledge, date=dt.date(2026, 6, 30))
    hidden = ProgressUpdateFactory(
        pledge=pledge, date=dt.date(2026, 7, 31), is_hidden=True, hidden_reason="Spam"
    )
    IndicatorActual.objects.create(
        indicator=fees,
        update=public,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 6, 30),
        value=55,
    )
    IndicatorActual.objects.create(
        indicator=fees, update=hidden, period_end=dt.date(2026, 7, 31), value=60
    )
    return {
        "pledge": pledge,
        "result": result,
        "fees": fees,
        "workers": workers,
        "public": public,
        "hidden": hidden,
    }


# Reading.


@pytest.mark.parametrize("reader", ["anonymous", "focal_a", "moderator"])
def test_the_detail_nests_results_with_baseline_target_and_the_public_reports_values(
    request, measured, framework_entry, reader
):
    client = APIClient() if reader == "anonymous" else token_client(request.getfixturevalue(reader))
    fees, workers, public = measured["fees"], measured["workers"], measured["public"]

    body = client.get(detail_url(measured["pledge"])).json()

    assert body["results"] == [
        {
            "id": measured["result"].pk,
            "position": 1,
            "statement": "Fair recruitment",
            "indicators": [
                {
                    "id": fees.pk,
                    "position": 1,
                    "name": "Recruitment fees refunded",
                    "unit": "percentage",
                    "currency": "",
                    "disaggregation": ["sex", "migration_status"],
                    "framework_indicator": {
                        "id": framework_entry.pk,
                        "framework": "A framework of the tests",
                        "code": "T.1",
                        "name": "Share of fees refunded",
                    },
                    "baseline": {"value": "10.0000", "date": "2025-01-01"},
                    "target": {"value": "90.0000", "date": "2028-01-01"},
                    # The hidden report's 60 is not there, even for a moderator: the API shows
                    # the public reports only.
                    "actuals": [
                        {
                            "update": public.pk,
                            "period_start": "2026-01-01",
                            "period_end": "2026-06-30",
                            "value": "55.0000",
                        }
                    ],
                },
                {
                    "id": workers.pk,
                    "position": 2,
                    "name": "Workers reached",
                    "unit": "number",
                    "currency": "",
                    "disaggregation": [],
                    "framework_indicator": None,
                    "baseline": {"value": None, "date": None},
                    "target": {"value": None, "date": None},
                    "actuals": [],
                },
            ],
        }
    ]
    (update,) = body["progress_updates"]
    assert update["id"] == public.pk
    assert update["actuals"] == [
        {
            "indicator": fees.pk,
            "period_start": "2026-01-01",
            "period_end": "2026-06-30",
            "value": "55.0000",
        }
    ]


def test_the_results_endpoint_shows_what_the_detail_nests(measured):
    client = APIClient()
    nested = client.get(detail_url(measured["pledge"])).json()["results"]

    listed = client.get(results_url(measured["pledge"]))
    one = client.get(result_url(measured["result"]))

    assert listed.status_code == one.status_code == 200
    assert listed.json() == nested
    assert one.json() == nested[0]


def test_a_progress_update_shows_the_values_it_gave(measured):
    client = APIClient()

    shown = client.get(reverse("api:progress-update-detail", args=[measured["public"].pk]))
    listed = client.get(reverse("api:progress-update-list"), {"pledge": measured["pledge"].pk})

    assert [a["value"] for a in shown.json()["actuals"]] == ["55.0000"]
    assert [row["actuals"] for row in listed.json()["results"]] == [shown.json()["actuals"]]


def test_the_pledge_says_whether_it_is_measurable_in_the_list_and_the_detail(actor_a, focal_a):
    pledge = PledgeFactory(lead=actor_a, published=True)
    client = APIClient()
    assert client.get(detail_url(pledge)).json()["measurable"] is False

    created = token_client(focal_a).post(results_url(pledge), result_body(), format="json")

    assert created.status_code == 201, created.content
    assert client.get(detail_url(pledge)).json()["measurable"] is True
    (row,) = client.get(reverse("api:pledge-list")).json()["results"]
    assert row["measurable"] is True


@pytest.mark.parametrize("reader", ["anonymous", "focal_b", "moderator_without_mfa"])
def test_a_draft_s_results_are_a_404_for_those_who_may_not_see_it(request, actor_a, reader):
    draft = PledgeFactory(lead=actor_a)
    result = ExpectedResult.objects.create(pledge=draft, statement="Fair recruitment")
    client = APIClient()
    if reader != "anonymous":
        client = token_client(request.getfixturevalue(reader))

    assert client.get(results_url(draft)).status_code == 404
    assert client.get(result_url(result)).status_code == 404
    assert token_client(request.getfixturevalue("contributor_a")).get(
        results_url(draft)
    ).json() == [
        {"id": result.pk, "position": 1, "statement": "Fair recruitment", "indicators": []}
    ]


def test_a_result_is_found_under_its_own_pledge_only(measured, actor_a, focal_a):
    other = PledgeFactory(lead=actor_a, published=True)
    client = token_client(focal_a)

    assert client.get(result_url(measured["result"], other)).status_code == 404
    replaced = client.put(result_url(measured["result"], other), result_body(), format="json")

    assert replaced.status_code == 404
    measured["result"].refresh_from_db()
    assert measured["result"].statement == "Fair recruitment"


def test_the_detail_and_the_results_cost_the_same_queries_for_one_indicator_or_many(actor_a):
    def pledge_with(results, indicators, reports):
        pledge = PledgeFactory(lead=actor_a, published=True)
        updates = [ProgressUpdateFactory(pledge=pledge) for _ in range(reports)]
        for n in range(results):
            result = ExpectedResult.objects.create(pledge=pledge, statement=f"R{n}", position=n)
            for m in range(indicators):
                indicator = Indicator.objects.create(result=result, name=f"I{m}", position=m)
                for update in updates:
                    IndicatorActual.objects.create(
                        indicator=indicator, update=update, period_end=update.date, value=m
                    )
        return pledge

    small, large = pledge_with(1, 1, 1), pledge_with(4, 3, 2)
    client = APIClient()
    client.get(detail_url(small))  # what a first request reads once (and keeps) aside
    counts = {}
    for url in (detail_url, results_url):
        for pledge in (small, large):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url(pledge)).status_code == 200
            counts[url.__name__, pledge.pk] = len(queries)

    assert counts["detail_url", small.pk] == counts["detail_url", large.pk]
    assert counts["results_url", small.pk] == counts["results_url", large.pk]
    # the pledge and its visibility's partners, the results, their indicators, their values
    assert counts["results_url", small.pk] <= 5


# Writing.


def test_the_lead_s_member_creates_a_result_with_its_indicators(
    actor_a, contributor_a, framework_entry
):
    pledge = PledgeFactory(lead=actor_a)
    body = result_body(
        indicators=[
            indicator_body(disaggregation=["age", "sex"], framework_indicator=framework_entry.pk),
            {"name": "Fees refunded", "unit": "currency", "currency": "usd"},
        ]
    )

    response = token_client(contributor_a).post(results_url(pledge), body, format="json")

    assert response.status_code == 201, response.content
    result = ExpectedResult.objects.get(pledge=pledge)
    first, second = result.indicators.all()
    created = response.json()
    assert created == token_client(contributor_a).get(result_url(result)).json()
    assert created["id"] == result.pk
    assert created["statement"] == "More workers with written contracts"
    assert [i["id"] for i in created["indicators"]] == [first.pk, second.pk]
    assert created["indicators"][0]["disaggregation"] == ["sex", "age"]
    assert created["indicators"][0]["baseline"] == {"value": "120.0000", "date": "2025-01-01"}
    assert (first.by_sex, first.by_age, first.by_migration_status) == (True, True, False)
    assert first.framework_indicator == framework_entry
    assert first.target_value == Decimal("600") and first.target_date == dt.date(2028, 12, 31)
    assert (second.unit, second.currency, second.baseline_value) == ("currency", "USD", None)
    assert first.history.get().history_user == contributor_a
    pledge.refresh_from_db()
    assert pledge.measurable


def test_replacing_a_result_changes_adds_and_removes_indicators_with_their_history(
    measured, focal_a
):
    fees, workers = measured["fees"], measured["workers"]
    body = result_body(
        "Fair recruitment, measured",
        [
            indicator_body(
                id=fees.pk,
                name="Recruitment fees refunded",
                unit="percentage",
                baseline={"value": "10", "date": "2025-01-01"},
                target={"value": "95", "date": "2028-06-30"},
            ),
            indicator_body(name="Complaints resolved"),
        ],
    )  # `workers` left out: removed

    response = token_client(focal_a).put(result_url(measured["result"]), body, format="json")

    assert response.status_code == 200, response.content
    shown = response.json()
    assert shown["statement"] == "Fair recruitment, measured"
    assert [i["name"] for i in shown["indicators"]] == [
        "Recruitment fees refunded",
        "Complaints resolved",
    ]
    assert shown["indicators"][0]["id"] == fees.pk
    assert shown["indicators"][0]["target"] == {"value": "95.0000", "date": "2028-06-30"}
    assert shown["indicators"][0]["actuals"][0]["value"] == "55.0000"
    assert shown["indicators"][0]["disaggregation"] == []  # replaced: left out is unset
    fees.refresh_from_db()
    assert fees.target_value == Decimal("95")
    assert not Indicator.objects.filter(pk=workers.pk).exists()
    changed, created = fees.history.order_by("-history_id")[:2]
    assert (changed.history_type, changed.history_user) == ("~", focal_a)
    assert (changed.target_value, created.target_value) == (Decimal("95"), Decimal("90"))
    removed = Indicator.history.filter(id=workers.pk).latest("history_id")
    assert (removed.history_type, removed.history_user) == ("-", focal_a)


def test_deleting_a_result_removes_it_and_its_indicators(actor_a, focal_a):
    pledge = PledgeFactory(lead=actor_a, published=True)
    client = token_client(focal_a)
    created = client.post(results_url(pledge), result_body(), format="json").json()

    response = client.delete(result_url(ExpectedResult.objects.get(pk=created["id"])))

    assert response.status_code == 204
    assert not ExpectedResult.objects.filter(pledge=pledge).exists()
    assert not Indicator.objects.filter(result__pledge=pledge).exists()
    removed = Indicator.history.get(id=created["indicators"][0]["id"], history_type="-")
    assert removed.history_user == focal_a
    pledge.refresh_from_db()
    assert not pledge.measurable


# Validation: every error at once, under the names of the body; nothing saved.


@pytest.mark.parametrize(
    ("indicators", "errors"),
    [
        (
            [
                indicator_body(
                    unit="percentage",
                    baseline={"value": "10", "date": "2025-01-01"},
                    target={"value": "150", "date": "2028-01-01"},
                )
            ],
            [{"target": {"value": ["A percentage is between 0 and 100."]}}],
        ),
        (
            [indicator_body(), indicator_body(unit="currency", currency="")],
            [{}, {"currency": ["Give the currency as a three-letter code, e.g. USD."]}],
        ),
        (
            [indicator_body(unit="number", currency="USD")],
            [{"currency": ["Only an amount in a currency names a currency."]}],
        ),
        (
            [indicator_body(target={"value": "600", "date": "2024-12-31"})],
            [{"target": {"date": ["The target date cannot be before the baseline date."]}}],
        ),
        (
            [indicator_body(unit="yes-no", baseline={"value": "2"}, target={"value": "1"})],
            [{"baseline": {"value": ["A yes-or-no value is 1 (yes) or 0 (no)."]}}],
        ),
    ],
)
def test_an_invalid_indicator_is_a_400_naming_its_field(actor_a, focal_a, indicators, errors):
    pledge = PledgeFactory(lead=actor_a)

    response = token_client(focal_a).post(
        results_url(pledge), result_body(indicators=indicators), format="json"
    )

    assert response.status_code == 400, response.content
    assert response.json() == {"indicators": errors}
    assert not ExpectedResult.objects.filter(pledge=pledge).exists()
    assert not Indicator.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"indicators": []}, "statement"),
        (result_body(indicators=[indicator_body(disaggregation=["colour"])]), "indicators"),
        (result_body(indicators=[indicator_body(framework_indicator=999999)]), "indicators"),
        (result_body(indicators=[indicator_body(name="")]), "indicators"),
        (result_body(indicators=[indicator_body(unit="kilograms")]), "indicators"),
        (result_body(indicators=[indicator_body(target={"value": "1e30"})]), "indicators"),
        (result_body(indicators=[indicator_body()] * 21), "indicators"),
    ],
)
def test_a_body_outside_the_schema_is_a_400_naming_the_field(actor_a, focal_a, body, field):
    pledge = PledgeFactory(lead=actor_a)

    response = token_client(focal_a).post(results_url(pledge), body, format="json")

    assert response.status_code == 400, response.content
    assert list(response.json()) == [field]
    assert not ExpectedResult.objects.exists()


def test_an_indicator_of_another_result_cannot_be_changed_through_this_one(measured, focal_a):
    other = ExpectedResult.objects.create(pledge=measured["pledge"], statement="Another")
    stranger = Indicator.objects.create(result=other, name="Someone else's")

    response = token_client(focal_a).put(
        result_url(measured["result"]),
        result_body(indicators=[indicator_body(id=stranger.pk), indicator_body(id=10**12)]),
        format="json",
    )

    assert response.status_code == 400
    message = ["This indicator is not one of the result's."]
    assert response.json()["indicators"] == [{"id": message}, {"id": message}]
    stranger.refresh_from_db()
    assert (stranger.result, stranger.name) == (other, "Someone else's")


def test_an_indicator_with_reported_values_cannot_be_removed(measured, focal_a):
    def shown():
        return APIClient().get(result_url(measured["result"])).json()

    before = shown()
    body = result_body("Changed too", [indicator_body(id=measured["workers"].pk)])  # no `fees`

    response = token_client(focal_a).put(result_url(measured["result"]), body, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": [
            "An indicator with reported values cannot be removed; change it or add another."
        ]
    }
    assert shown() == before


def test_a_result_with_reported_values_cannot_be_deleted(measured, focal_a):
    response = token_client(focal_a).delete(result_url(measured["result"]))

    assert response.status_code == 400
    assert "reported values" in response.json()["detail"]
    assert Indicator.objects.filter(result=measured["result"]).count() == 2
