"""Every persona × the pages and actions of measured results, with exact outcomes: the lead's
members set the results and indicators of its draft, returned and published pledges; the
lead's and the confirmed partners' members give actual values in their progress reports;
nobody else does (tests/matrix.py says what each outcome means)."""

import pytest
from django.urls import reverse

from reviews.models import ExpectedResult, Indicator, IndicatorActual, Pledge
from tests.matrix import assert_cell, denials, done_when, make_table, outcome
from tests.reviews.test_pledge_permissions import (  # noqa: F401 (fixtures)
    ALL,
    EDIT,
    REPORT,
    actor_c,
    partner_c,
    world,
)

pytestmark = pytest.mark.django_db

table = make_table(ALL)

RESULTS_OF_DRAFT = EDIT  # as editing the draft itself
RESULTS_OF_PUBLISHED = {
    **EDIT,  # they all see a public pledge: who is not of the lead is refused, not unaware
    "verified_user": "403",
    "focal_b": "403",
    "moderator_without_mfa": "403",
    "administrator_without_mfa": "403",
}
RESULTS_OF_SUBMITTED = table(
    anonymous="login",
    verified_user="404",
    contributor_a="409",  # under review: nothing changes until the moderators decide
    focal_a="409",
    focal_a_without_mfa="409",
    focal_b="404",
    moderator="403",
    moderator_without_mfa="404",
    administrator="403",
    administrator_without_mfa="404",
    partner_c="404",
)


def _indicator_post(statement="More workers with written contracts", **indicator) -> dict:
    fields = {
        "name": "Workers with a written contract",
        "unit": "number",
        "currency": "",
        "baseline_value": "120",
        "baseline_date": "2025-01-01",
        "target_value": "600",
        "target_date": "2028-12-31",
        **indicator,
    }
    data = {
        "statement": statement,
        "indicators-TOTAL_FORMS": "1",
        "indicators-INITIAL_FORMS": "0",
        "indicators-MIN_NUM_FORMS": "0",
        "indicators-MAX_NUM_FORMS": "20",
    }
    data.update({f"indicators-0-{name}": value for name, value in fields.items()})
    return data


@pytest.fixture
def measured(world):  # noqa: F811
    """The published joint pledge with one result and its indicator, and a submitted one."""
    published = world["published"]
    result = ExpectedResult.objects.create(pledge=published, statement="Fair recruitment")
    indicator = Indicator.objects.create(
        result=result,
        name="Recruitment fees refunded",
        unit=Indicator.Unit.PERCENTAGE,
        baseline_value=10,
        baseline_date="2025-01-01",
        target_value=90,
        target_date="2028-01-01",
    )
    return {**world, "indicator": indicator}


def _actions(measured, persona):
    draft, published = measured["draft"], measured["published"]
    submitted, indicator = measured["submitted"], measured["indicator"]
    reporter = measured["confirmed"].actor if persona == "partner_c" else published.lead
    report = {
        "actor": reporter.pk,
        "date": "2026-06-30",
        "stage": "in-progress",
        "narrative": "Half of the fees were refunded.",
        f"actual_{indicator.pk}": "55",
    }

    def create(pledge):
        return reverse("reviews:result-create", args=[pledge.pk])

    return {
        "results-page-draft": ("get", create(draft), {}, RESULTS_OF_DRAFT),
        "results-save-draft": ("post", create(draft), _indicator_post(), done_when(EDIT)),
        "results-save-published": (
            "post",
            create(published),
            _indicator_post(),
            done_when(RESULTS_OF_PUBLISHED),
        ),
        "results-edit-published": (
            "post",
            reverse("reviews:result-edit", args=[published.pk, indicator.result_id]),
            {
                **_indicator_post(statement="Fair recruitment, measured"),
                "indicators-INITIAL_FORMS": "0",
            },
            done_when(RESULTS_OF_PUBLISHED),
        ),
        "results-save-submitted": (
            "post",
            create(submitted),
            _indicator_post(),
            RESULTS_OF_SUBMITTED,
        ),
        "results-delete-published": (
            "post",
            reverse("reviews:result-delete", args=[published.pk, indicator.result_id]),
            {},
            done_when(RESULTS_OF_PUBLISHED),
        ),
        "report-values": (
            "post",
            reverse("reviews:pledge-progress", args=[published.pk]),
            report,
            REPORT,
        ),
    }


def state():
    return (
        tuple(ExpectedResult.objects.order_by("pk").values_list("pk", "pledge", "statement")),
        tuple(
            Indicator.objects.order_by("pk").values_list(
                "pk", "result", "name", "baseline_value", "target_value"
            )
        ),
        tuple(IndicatorActual.objects.order_by("pk").values_list("pk", "indicator", "value")),
        tuple(Pledge.objects.order_by("pk").values_list("pk", "measurable")),
    )


ACTIONS = [
    "results-page-draft",
    "results-save-draft",
    "results-save-published",
    "results-edit-published",
    "results-save-submitted",
    "results-delete-published",
    "report-values",
]


@pytest.mark.parametrize("persona", ALL)
@pytest.mark.parametrize("action", ACTIONS)
def test_results_permission_matrix(client, as_persona, measured, caplog, persona, action):
    as_persona(persona)
    method, url, data, expected = _actions(measured, persona)[action]
    before = state()

    with denials(caplog) as denied:
        response = getattr(client, method)(url, data)

    assert_cell(
        outcome(response),
        expected[persona],
        method=method,
        before=before,
        after=state(),
        denied=denied,
    )
