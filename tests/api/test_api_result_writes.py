"""Actual values given with a progress report through the API (the lead and the confirmed
partners; nobody else), and the permission matrix of the results' writes: every persona × every
write, with exact statuses (tests/matrix.py says what a cell checks). The reads, the writes and
their validation are in test_api_results.py."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from reviews.models import ExpectedResult, Indicator, IndicatorActual, Pledge, ProgressUpdate
from tests.api.conftest import API_PERSONAS, token_client
from tests.api.test_api_permissions import SEE_DRAFT, SEE_OTHER_DRAFT
from tests.api.test_api_results import (  # noqa: F401 (fixtures)
    framework_entry,
    indicator_body,
    measured,
    result_body,
    result_url,
    results_url,
)
from tests.factories import PledgeFactory
from tests.matrix import assert_cell, denials, make_table

pytestmark = pytest.mark.django_db

table = make_table(API_PERSONAS)


# Actual values given with a progress report.


@pytest.fixture
def reporting(world):
    """The published joint pledge of `world` (C a confirmed partner) with a percentage
    indicator, and B's published pledge with one of its own."""
    published = world["published"]
    result = ExpectedResult.objects.create(pledge=published, statement="Fair recruitment")
    fees = Indicator.objects.create(result=result, name="Fees refunded", unit="percentage")
    b_pledge = PledgeFactory(lead=world["b_draft"].lead, published=True)
    b_result = ExpectedResult.objects.create(pledge=b_pledge, statement="B's result")
    return {
        **world,
        "fees": fees,
        "b_indicator": Indicator.objects.create(result=b_result, name="B's indicator"),
    }


def report(pledge, actuals, **fields) -> dict:
    return {
        "pledge": pledge.pk,
        "stage": "in-progress",
        "narrative": "Half of the fees were refunded.",
        "actuals": actuals,
        **fields,
    }


@pytest.mark.parametrize(("persona", "actor"), [("focal_a", "actor_a"), ("partner_c", "actor_c")])
def test_the_lead_and_a_confirmed_partner_give_values_with_their_report(
    request, reporting, persona, actor
):
    user, actor = request.getfixturevalue(persona), request.getfixturevalue(actor)
    today = timezone.localdate()
    start = today - dt.timedelta(days=90)
    body = report(
        reporting["published"],
        [{"indicator": reporting["fees"].pk, "value": "55.5", "period_start": start.isoformat()}],
        actor=actor.pk,
    )

    response = token_client(user).post(reverse("api:progress-update-list"), body, format="json")

    assert response.status_code == 201, response.content
    update = ProgressUpdate.objects.get(pk=response.json()["id"])
    assert update.actor == actor
    assert response.json()["actuals"] == [
        {
            "indicator": reporting["fees"].pk,
            "period_start": start.isoformat(),
            "period_end": today.isoformat(),  # the report's date when left out
            "value": "55.5000",
        }
    ]
    actual = IndicatorActual.objects.get(update=update)
    assert (actual.indicator, actual.value) == (reporting["fees"], Decimal("55.5"))
    assert actual.history.get().history_user == user
    shown = APIClient().get(result_url(reporting["fees"].result)).json()
    assert shown["indicators"][0]["actuals"][0]["update"] == update.pk


def test_another_organisation_cannot_give_values(reporting, focal_b):
    body = report(reporting["published"], [{"indicator": reporting["fees"].pk, "value": "55"}])

    response = token_client(focal_b).post(reverse("api:progress-update-list"), body, format="json")

    assert response.status_code == 403
    assert not IndicatorActual.objects.exists()
    assert not ProgressUpdate.objects.filter(narrative=body["narrative"]).exists()


@pytest.mark.parametrize(
    ("given", "errors"),
    [
        (
            lambda r: [{"indicator": r["b_indicator"].pk, "value": "5"}],
            [{"indicator": ["This indicator is not one of the pledge's."]}],
        ),
        (
            lambda r: [
                {"indicator": r["fees"].pk, "value": "50"},
                {"indicator": r["fees"].pk, "value": "120"},
            ],
            [
                {},
                {
                    "indicator": ["Give one value per indicator in a report."],
                    "value": ["A percentage is between 0 and 100."],
                },
            ],
        ),
        (
            lambda r: [{"indicator": r["fees"].pk, "value": "5", "period_start": "2999-01-01"}],
            [{"period_end": ["The period cannot end before it starts."]}],
        ),
    ],
)
def test_values_that_do_not_fit_the_pledge_s_indicators_are_a_400(
    reporting, focal_a, given, errors
):
    body = report(reporting["published"], given(reporting))

    response = token_client(focal_a).post(reverse("api:progress-update-list"), body, format="json")

    assert response.status_code == 400, response.content
    assert response.json() == {"actuals": errors}
    assert not ProgressUpdate.objects.filter(narrative=body["narrative"]).exists()
    assert not IndicatorActual.objects.exists()


def test_a_value_outside_the_schema_is_a_400_naming_actuals(reporting, focal_a):
    body = report(reporting["published"], [{"indicator": reporting["fees"].pk, "value": "x"}])

    response = token_client(focal_a).post(reverse("api:progress-update-list"), body, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["actuals"]
    assert not IndicatorActual.objects.exists()


def test_a_report_without_values_still_reports(reporting, focal_a):
    body = report(reporting["published"], [])
    del body["actuals"]

    response = token_client(focal_a).post(reverse("api:progress-update-list"), body, format="json")

    assert response.status_code == 201, response.content
    assert response.json()["actuals"] == []


# The permission matrix of the writes: the lead's contributors and focal points set the results
# of its draft and its published pledge; a submitted one waits for the moderators (409); nobody
# else may (a pledge the person cannot see is a 404, as everywhere).

CREATE_ON_DRAFT = table(
    anonymous=401,
    verified_user=404,
    contributor_a=201,
    focal_a=201,
    focal_a_without_mfa=201,
    focal_b=404,
    moderator=403,
    moderator_without_mfa=404,
    administrator=403,
    administrator_without_mfa=404,
    partner_c=403,  # the draft names C: it sees it, and may not set A's results
)
CREATE_ON_PUBLISHED = table(
    anonymous=401,
    verified_user=403,
    contributor_a=201,
    focal_a=201,
    focal_a_without_mfa=201,
    focal_b=403,
    moderator=403,
    moderator_without_mfa=403,
    administrator=403,
    administrator_without_mfa=403,
    partner_c=403,  # a confirmed partner reports, and does not set the results
)
ON_SUBMITTED = table(
    anonymous=401,
    verified_user=404,
    contributor_a=409,  # under review: nothing changes until the moderators decide
    focal_a=409,
    focal_a_without_mfa=409,
    focal_b=404,
    moderator=403,
    moderator_without_mfa=404,
    administrator=403,
    administrator_without_mfa=404,
    partner_c=404,
)


def _with(row: dict, allowed: int) -> dict:
    return {persona: allowed if status == 201 else status for persona, status in row.items()}


@pytest.fixture
def results_world(world):
    """A result with one indicator on A's joint draft, its published and its submitted pledge."""
    results = {}
    for name in ("draft", "published", "submitted"):
        result = ExpectedResult.objects.create(pledge=world[name], statement=f"{name} result")
        Indicator.objects.create(result=result, name=f"{name} indicator", target_value=5)
        results[name] = result
    return {**world, "results": results}


def _actions(results_world):
    rows = {}
    changed = result_body("Replaced through the API")
    for name in ("draft", "published", "submitted"):
        pledge, result = results_world[name], results_world["results"][name]
        create = {"draft": CREATE_ON_DRAFT, "published": CREATE_ON_PUBLISHED}.get(
            name, ON_SUBMITTED
        )
        rows[f"{name}-post"] = ("post", results_url(pledge), result_body(), create)
        rows[f"{name}-put"] = ("put", result_url(result), changed, _with(create, 200))
        rows[f"{name}-delete"] = ("delete", result_url(result), None, _with(create, 204))
    rows["draft-list"] = ("get", results_url(results_world["draft"]), None, SEE_DRAFT)
    rows["draft-get"] = ("get", result_url(results_world["results"]["draft"]), None, SEE_DRAFT)
    rows["submitted-list"] = (
        "get",
        results_url(results_world["submitted"]),
        None,
        SEE_OTHER_DRAFT,  # no partner names C there
    )
    rows["published-list"] = (
        "get",
        results_url(results_world["published"]),
        None,
        dict.fromkeys(API_PERSONAS, 200),
    )
    return rows


ACTIONS = [
    f"{name}-{method}"
    for name in ("draft", "published", "submitted")
    for method in ("post", "put", "delete")
] + ["draft-list", "draft-get", "submitted-list", "published-list"]


def state():
    return (
        tuple(ExpectedResult.objects.order_by("pk").values_list("pk", "pledge", "statement")),
        tuple(
            Indicator.objects.order_by("pk").values_list(
                "pk", "result", "name", "baseline_value", "target_value"
            )
        ),
        tuple(Pledge.objects.order_by("pk").values_list("pk", "measurable", "status")),
    )


def test_the_matrix_names_every_action(results_world):
    assert sorted(ACTIONS) == sorted(_actions(results_world))


@pytest.mark.parametrize("persona", API_PERSONAS)
@pytest.mark.parametrize("action", ACTIONS)
def test_results_api_permission_matrix(api_as, results_world, caplog, persona, action):
    client = api_as(persona)
    method, url, data, expected = _actions(results_world)[action]
    before = state()

    with denials(caplog) as denied:
        response = getattr(client, method)(url, data, format="json")

    assert_cell(
        response.status_code,
        expected[persona],
        method=method,
        before=before,
        after=state(),
        denied=[line for line in denied if "api access denied" in line],
    )
    if response.status_code >= 400:
        assert "detail" in response.json()
