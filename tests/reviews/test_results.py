"""Measured results on the site: a pledge's expected results and indicators, the values its
progress reports give, the path the pledge page draws, the checks that make a pledge
measurable, and the `measurable` flag the lists, the statistics and the dashboard count."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from actors.models import Membership
from reviews import services
from reviews.models import ExpectedResult, Indicator, IndicatorActual, Pledge, ProgressUpdate
from tests.factories import (
    MembershipFactory,
    PledgeFactory,
    ProgressUpdateFactory,
    VerifiedUserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(actor_a):
    user = VerifiedUserFactory(display_name="Mo Member")
    MembershipFactory(user=user, actor=actor_a, role=Membership.Role.CONTRIBUTOR)
    return user


def _form(statement="Fair recruitment for seasonal workers", rows=(), initial=0) -> dict:
    data = {
        "statement": statement,
        "indicators-TOTAL_FORMS": str(len(rows)),
        "indicators-INITIAL_FORMS": str(initial),
        "indicators-MIN_NUM_FORMS": "0",
        "indicators-MAX_NUM_FORMS": "20",
    }
    for index, row in enumerate(rows):
        data.update({f"indicators-{index}-{name}": value for name, value in row.items()})
    return data


WORKERS = {
    "name": "Workers with a written contract",
    "unit": "number",
    "baseline_value": "120",
    "baseline_date": "2025-01-01",
    "target_value": "600",
    "target_date": "2028-12-31",
}
FEES = {
    "name": "Recruitment fees refunded",
    "unit": "percentage",
    "baseline_value": "10",
    "baseline_date": "2025-01-01",
    "target_value": "90",
}


PERCENT = {"unit": "percentage", "baseline_value": Decimal(10), "target_value": Decimal(90)}


def _measured(pledge, *rows, statement="Fair recruitment"):
    indicators = [
        {
            "name": "Workers with a written contract",
            "unit": "number",
            "baseline_value": Decimal(120),
            "baseline_date": dt.date(2025, 1, 1),
            "target_value": Decimal(600),
            "target_date": dt.date(2028, 12, 31),
            **row,
        }
        for row in rows or [{}]
    ]
    return services.result_save(
        pledge=pledge, by=None, data={"statement": statement, "indicators": indicators}
    )


def test_a_member_adds_a_result_with_two_indicators_and_the_pledge_becomes_measurable(
    client, member, actor_a
):
    pledge = PledgeFactory(lead=actor_a)
    client.force_login(member)

    response = client.post(
        reverse("reviews:result-create", args=[pledge.pk]), _form(rows=[WORKERS, FEES])
    )

    assert response.status_code == 302
    result = ExpectedResult.objects.get(pledge=pledge)
    names = list(result.indicators.values_list("name", "position", "unit"))
    assert names == [
        ("Workers with a written contract", 1, "number"),
        ("Recruitment fees refunded", 2, "percentage"),
    ]
    before = pledge.updated_at
    pledge.refresh_from_db()
    assert pledge.measurable  # the first has a baseline and a target, each with a date
    assert pledge.updated_at > before  # the exports date the pledge by its last change
    assert result.history.get().history_user == member
    assert Indicator.history.filter(history_user=member).count() == 2


def test_a_blank_extra_row_is_no_indicator(client, member, actor_a):
    pledge = PledgeFactory(lead=actor_a)
    client.force_login(member)
    blank = dict.fromkeys(WORKERS, "") | {"unit": "number"}

    client.post(reverse("reviews:result-create", args=[pledge.pk]), _form(rows=[WORKERS, blank]))

    assert Indicator.objects.count() == 1


def test_a_bad_value_is_named_at_its_field_and_nothing_typed_is_lost(client, member, actor_a):
    pledge = PledgeFactory(lead=actor_a)
    client.force_login(member)
    wrong = FEES | {"target_value": "150", "target_date": "2020-01-01"}

    response = client.post(
        reverse("reviews:result-create", args=[pledge.pk]),
        _form(statement="Refunds for every worker", rows=[WORKERS, wrong]),
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "A percentage is between 0 and 100." in html
    assert "The target date cannot be before the baseline date." in html
    assert 'href="#id_indicators-1-target_value"' in html  # the summary links to the cell
    assert 'value="Refunds for every worker"' in html and 'value="150"' in html
    assert not ExpectedResult.objects.exists() and not Indicator.objects.exists()


def test_an_amount_names_its_currency_and_only_an_amount_does(client, member, actor_a):
    pledge = PledgeFactory(lead=actor_a)
    client.force_login(member)
    url = reverse("reviews:result-create", args=[pledge.pk])

    no_code = client.post(url, _form(rows=[WORKERS | {"unit": "currency", "currency": ""}]))
    code_on_count = client.post(url, _form(rows=[WORKERS | {"currency": "USD"}]))
    amount = client.post(url, _form(rows=[WORKERS | {"unit": "currency", "currency": "usd"}]))

    assert no_code.status_code == code_on_count.status_code == 400
    assert "Give the currency as a three-letter code" in no_code.content.decode()
    assert "Only an amount in a currency names a currency." in code_on_count.content.decode()
    assert amount.status_code == 302
    assert Indicator.objects.get().currency == "USD"


def test_a_changed_target_of_a_published_pledge_stays_in_the_history(client, member, actor_a):
    pledge = PledgeFactory(lead=actor_a, published=True)
    result = _measured(pledge)
    indicator = result.indicators.get()
    client.force_login(member)
    row = WORKERS | {"id": str(indicator.pk), "result": str(result.pk), "target_value": "450"}

    response = client.post(
        reverse("reviews:result-edit", args=[pledge.pk, result.pk]),
        _form(statement=result.statement, rows=[row], initial=1),
    )

    assert response.status_code == 302
    indicator.refresh_from_db()
    assert indicator.target_value == 450
    targets = list(
        indicator.history.order_by("history_date").values_list("target_value", flat=True)
    )
    assert targets == [600, 450]
    assert indicator.history.latest().history_user == member


def test_an_indicator_with_reported_values_cannot_be_removed(client, member, actor_a):
    pledge = PledgeFactory(lead=actor_a, published=True)
    result = _measured(pledge)
    indicator = result.indicators.get()
    update = ProgressUpdateFactory(pledge=pledge)
    IndicatorActual.objects.create(
        indicator=indicator, update=update, period_end=update.date, value=200
    )
    client.force_login(member)
    row = WORKERS | {"id": str(indicator.pk), "result": str(result.pk), "DELETE": "on"}

    response = client.post(
        reverse("reviews:result-edit", args=[pledge.pk, result.pk]),
        _form(statement=result.statement, rows=[row], initial=1),
    )
    deleted = client.post(
        reverse("reviews:result-delete", args=[pledge.pk, result.pk]), follow=True
    )

    assert response.status_code == 400
    assert "An indicator with reported values cannot be removed" in response.content.decode()
    assert "whose indicators have reported values cannot be removed" in deleted.content.decode()
    assert Indicator.objects.filter(pk=indicator.pk).exists()
    assert ExpectedResult.objects.filter(pk=result.pk).exists()


def test_removing_the_last_measurable_indicator_clears_the_flag(client, member, actor_a):
    pledge = PledgeFactory(lead=actor_a)
    result = _measured(pledge)
    pledge.refresh_from_db()
    assert pledge.measurable
    client.force_login(member)

    client.post(reverse("reviews:result-delete", args=[pledge.pk, result.pk]))

    pledge.refresh_from_db()
    assert not pledge.measurable and not Indicator.objects.exists()


def test_a_progress_report_gives_the_values_its_indicators_reached(client, actor_a, focal_a):
    pledge = PledgeFactory(lead=actor_a, published=True)
    result = _measured(pledge, {}, PERCENT | {"name": "Fees refunded"})
    workers, fees = result.indicators.all()
    client.force_login(focal_a)

    response = client.post(
        reverse("reviews:pledge-progress", args=[pledge.pk]),
        {
            "actor": actor_a.pk,
            "date": "2026-06-30",
            "stage": "in-progress",
            "narrative": "The first season is done.",
            "period_start": "2026-01-01",
            f"actual_{workers.pk}": "310",
        },
    )

    assert response.status_code == 302
    actual = IndicatorActual.objects.get()
    assert (actual.indicator, actual.value) == (workers, 310)
    assert (actual.period_start, actual.period_end) == (dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    assert actual.history.get().history_user == focal_a
    html = client.get(pledge.get_absolute_url()).content.decode()
    assert "Latest reported: 310 on 30 June 2026." in html
    assert "40% of the way from the baseline to the target." in html  # 190 of 480
    assert not IndicatorActual.objects.filter(indicator=fees).exists()


def test_a_value_that_does_not_fit_its_indicator_keeps_the_report_unsent(client, actor_a, focal_a):
    pledge = PledgeFactory(lead=actor_a, published=True)
    fees = _measured(pledge, PERCENT).indicators.get()
    client.force_login(focal_a)
    report = {
        "actor": actor_a.pk,
        "date": "2026-06-30",
        "stage": "in-progress",
        "narrative": "Most fees were refunded.",
        f"actual_{fees.pk}": "130",
        "period_end": "2026-07-31",
    }

    response = client.post(reverse("reviews:pledge-progress", args=[pledge.pk]), report)

    assert response.status_code == 400
    html = response.content.decode()
    assert "A percentage is between 0 and 100." in html
    assert "The period cannot end after the report&#x27;s date." in html
    assert "Most fees were refunded." in html
    assert not ProgressUpdate.objects.exists() and not IndicatorActual.objects.exists()


def test_the_pledge_page_draws_each_path_with_its_table(client, actor_a):
    pledge = PledgeFactory(lead=actor_a, published=True)
    indicator = _measured(pledge).indicators.get()
    for value, day in ((200, dt.date(2026, 1, 31)), (340, dt.date(2026, 7, 31))):
        update = ProgressUpdateFactory(pledge=pledge, date=day)
        IndicatorActual.objects.create(
            indicator=indicator, update=update, period_end=day, value=value
        )

    html = client.get(pledge.get_absolute_url()).content.decode()

    section = html.split('id="results"', 1)[1].split("</section>", 1)[0]
    assert "Measurable" in section
    assert section.count("<polyline") == 2  # the plan, and what was reported
    assert (
        f'aria-labelledby="indicator-{indicator.pk}-name indicator-{indicator.pk}-summary"'
        in section
    )
    cells = re.findall(
        r"<tr><th scope=\"row\">([^<]+)</th><td>([^<]+)</td><td class=\"number\">([^<]+)</td>",
        section,
    )
    assert cells == [
        ("Baseline", "1 January 2025", "120"),
        ("Reported", "31 January 2026", "200"),
        ("Reported", "31 July 2026", "340"),
        ("Target", "31 December 2028", "600"),
    ]


def test_a_hidden_reports_values_are_hidden_with_it(client, actor_a, moderator):
    pledge = PledgeFactory(lead=actor_a, published=True)
    indicator = _measured(pledge).indicators.get()
    update = ProgressUpdateFactory(pledge=pledge, is_hidden=True, narrative="secret report")
    IndicatorActual.objects.create(
        indicator=indicator, update=update, period_end=update.date, value=555
    )

    anonymous = client.get(pledge.get_absolute_url()).content.decode()
    client.force_login(moderator)
    overseer = client.get(pledge.get_absolute_url()).content.decode()

    assert "No value reported yet." in anonymous and "555" not in anonymous
    assert "Latest reported: 555" in overseer


def test_the_checks_list_what_would_make_a_draft_measurable_without_blocking_it(
    client, actor_a, focal_a
):
    pledge = PledgeFactory(lead=actor_a, scope=Pledge.Scope.REGIONAL, amount=500)
    client.force_login(focal_a)

    before = client.get(pledge.get_absolute_url()).content.decode()
    _measured(pledge, {"target_date": None})
    pledge.refresh_from_db()
    after = pledge.submission_warnings()

    assert "No indicator measures the pledge" in before
    assert "A regional pledge should name the countries it concerns." in before
    assert "Give an amount together with its currency, or neither." in before
    assert (
        after[0] == "No indicator has both a baseline and a target, each with its value and date."
    )
    assert "This indicator has no target date: Workers with a written contract." in after
    submitted = services.pledge_submit(pledge=pledge, by=focal_a)
    assert submitted.status == Pledge.Status.SUBMITTED  # warnings do not stop a submission


def test_the_measurable_filter_lists_exactly_the_measurable_pledges(client, actor_a):
    measured = PledgeFactory(lead=actor_a, published=True)
    _measured(measured)
    half = PledgeFactory(lead=actor_a, published=True)
    _measured(half, {"target_date": None})
    plain = PledgeFactory(lead=actor_a, published=True)

    def listed(value):
        html = client.get(reverse("reviews:pledge-list"), {"measurable": value}).content.decode()
        return {p.pk for p in (measured, half, plain) if p.get_absolute_url() in html}

    assert listed("yes") == {measured.pk}
    assert listed("no") == {half.pk, plain.pk}
    chart = client.get(reverse("reviews:dashboard")).context["charts"]
    bars = {bar.label: bar.count for c in chart if c.slug == "measurable" for bar in c.bars}
    assert bars == {"Measurable": 1, "Not measurable yet": 2}


def test_the_pledge_page_costs_the_same_queries_with_one_or_many_indicators(
    client, actor_a, django_assert_max_num_queries
):
    one, many = (PledgeFactory(lead=actor_a, published=True) for _ in range(2))
    _measured(one)
    for number in range(3):
        _measured(many, *[{"name": f"Indicator {n}"} for n in range(6)], statement=f"R{number}")
    for pledge in (one, many):
        for indicator in Indicator.objects.filter(result__pledge=pledge):
            update = ProgressUpdateFactory(pledge=pledge)
            IndicatorActual.objects.create(
                indicator=indicator, update=update, period_end=update.date, value=1
            )
    client.get(one.get_absolute_url())  # the session and caches of a first request

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        client.get(one.get_absolute_url())
    with django_assert_max_num_queries(len(first)):
        client.get(many.get_absolute_url())


def test_results_close_with_the_pledge_even_when_the_page_was_opened_before(actor_a):
    """The state is checked again once the pledge is locked: a submission may come first."""
    pledge = PledgeFactory(lead=actor_a)
    result = _measured(pledge)
    Pledge.objects.filter(pk=pledge.pk).update(status=Pledge.Status.SUBMITTED)

    with pytest.raises(services.ResultsClosed, match="submitted for review pledge"):
        _measured(pledge)
    with pytest.raises(services.ResultsClosed):
        services.result_delete(pledge=pledge, by=None, result=result)
    assert ExpectedResult.objects.filter(pledge=pledge).count() == 1


def test_the_api_gives_a_drafts_submission_check_with_its_advice(actor_a, member):
    from rest_framework.test import APIClient

    draft = PledgeFactory(lead=actor_a, summary="")
    published = PledgeFactory(lead=actor_a, published=True)
    api = APIClient()
    api.force_authenticate(member)

    check = api.get(reverse("api:pledge-detail", args=[draft.pk])).json()["submission_check"]
    shown = api.get(reverse("api:pledge-detail", args=[published.pk])).json()

    assert check["errors"] == {"summary": ["Write a one-line summary."]}
    assert check["warnings"] == draft.submission_warnings()
    assert check["warnings"][0].startswith("No indicator measures the pledge")
    assert shown["submission_check"] is None
