"""The pledges in the IATI Activity Standard 2.03 (/exports/pledges.iati.xml): valid against the
official XSDs vendored in tests/tooling/iati/2.03, carrying each pledge's organisations, places,
results, indicators and public values, with the filters of the other exports, in a number of
queries that does not grow with the pledges."""

import datetime as dt
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

import pytest
import xmlschema
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actors.models import Actor
from reviews.models import ExpectedResult, Indicator, IndicatorActual, Objective, Pledge
from reviews.models import PledgePartner as Partner
from tests.factories import (
    ActorFactory,
    PledgeFactory,
    PledgePartnerFactory,
    ProgressUpdateFactory,
    bulk_pledges,
)

pytestmark = pytest.mark.django_db

XSD = Path(__file__).resolve().parents[1] / "tooling" / "iati" / "2.03"
LANG = "{http://www.w3.org/XML/1998/namespace}lang"
PREFIX = "XI-IATI-TEST"
FRENCH_TITLE = 'Recrutement équitable <pilote> & "suivi"'


@pytest.fixture(scope="module")
def iati_schema():
    # The sandbox reads no file outside the folder and nothing from the network.
    return xmlschema.XMLSchema(str(XSD / "iati-activities-schema.xsd"), allow="sandbox")


@pytest.fixture(autouse=True)
def reporting_org(settings, time_machine):
    time_machine.move_to(dt.datetime(2026, 9, 1, 12, tzinfo=dt.UTC), tick=False)
    settings.IATI_ORGANISATION_IDENTIFIER = PREFIX
    settings.IATI_REPORTING_ORG_NAME = "Secrétariat du portail"
    settings.IATI_REPORTING_ORG_TYPE = "40"


def download(client, query=None) -> bytes:
    response = client.get(reverse("reviews:export-iati"), query or {})
    assert response.status_code == 200 and response.streaming
    return b"".join(response.streaming_content)


def parsed(body: bytes) -> dict[str, ElementTree.Element]:
    """The activities by pledge number (our own output; parsed to be read, not trusted)."""
    root = ElementTree.fromstring(body)  # noqa: S314
    assert root.tag == "iati-activities" and root.get("version") == "2.03"
    prefix = f"{PREFIX}-"
    return {
        int(a.findtext("iati-identifier").removeprefix(prefix)): a
        for a in root.findall("iati-activity")
    }


def texts(element, path: str) -> list[str]:
    return [found.text for found in element.findall(path)]


def measured(pledge, statement, *indicators):
    result = ExpectedResult.objects.create(pledge=pledge, statement=statement)
    return [
        Indicator.objects.create(result=result, position=n, **fields)
        for n, fields in enumerate(indicators, start=1)
    ]


def reported(indicator, *, value, end, start=None, hidden=False):
    update = ProgressUpdateFactory(pledge=indicator.result.pledge, is_hidden=hidden, date=end)
    IndicatorActual.objects.create(
        indicator=indicator, update=update, value=value, period_start=start, period_end=end
    )


@pytest.fixture
def world(db):
    """Public pledges with what IATI can tell (results, values, partners, places), a withdrawn
    one, and a draft that must never appear."""
    lead = ActorFactory(name="Ministère du Travail & de l'Emploi", kind=Actor.Kind.MEMBER_STATE)
    measured_pledge = PledgeFactory(
        published=True,
        lead=lead,
        kind=Pledge.Kind.JOINT,
        title=FRENCH_TITLE,
        language="fr",
        support=Pledge.Support.FINANCIAL,
        amount=Decimal("1250000.50"),
        currency="EUR",
        scope=Pledge.Scope.NATIONAL,
        countries="SN,GH,ML",
        implementation_status=Pledge.ImplementationStatus.IN_PROGRESS,
        primary_objective=Objective.objects.get(number=6),
        objectives=list(Objective.objects.filter(number__in=[6, 7])),
    )
    for name, kind, status in [
        ("UN Agency <Geneva>", Actor.Kind.UN_ENTITY, Partner.Status.CONFIRMED),
        ("Pending Partner", Actor.Kind.ACADEMIA, Partner.Status.PENDING),
        ("Declined Partner", Actor.Kind.ACADEMIA, Partner.Status.DECLINED),
    ]:
        actor = ActorFactory(name=name, kind=kind)
        PledgePartnerFactory(pledge=measured_pledge, actor=actor, status=status)
    workers, _fees, refunds, _law = measured(
        measured_pledge,
        "Travail décent & sûr",
        {
            "name": "Workers with a written contract",
            "baseline_value": Decimal(120),
            "baseline_date": dt.date(2025, 1, 1),
            "target_value": Decimal(600),
            "target_date": dt.date(2028, 12, 31),
        },
        {
            "name": "Recruitment fees refunded",
            "unit": Indicator.Unit.PERCENTAGE,
            "baseline_value": Decimal("10.5"),
            "baseline_date": dt.date(2025, 1, 1),
            "target_value": Decimal(90),
        },
        {
            "name": "Fees refunded",
            "unit": Indicator.Unit.CURRENCY,
            "currency": "USD",
            "target_value": Decimal(5000),
            "target_date": dt.date(2025, 12, 31),
        },
        {
            "name": "Law adopted",
            "unit": Indicator.Unit.YES_NO,
            "baseline_value": Decimal(0),
            "baseline_date": dt.date(2024, 12, 31),
            "target_value": Decimal(1),
            "target_date": dt.date(2027, 6, 30),
        },
    )
    reported(workers, value=Decimal(300), start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 30))
    reported(workers, value=Decimal(350), end=dt.date(2026, 8, 31))  # since the baseline
    reported(workers, value=Decimal(999), end=dt.date(2026, 7, 31), hidden=True)
    reported(
        refunds, value=Decimal("2500.25"), start=dt.date(2025, 7, 1), end=dt.date(2025, 12, 31)
    )
    ExpectedResult.objects.create(pledge=measured_pledge, statement="Not measured yet")
    withdrawn = PledgeFactory(
        published=True,
        status=Pledge.Status.WITHDRAWN,
        title="安全、有序 & 正常移民",
        description="Un texte\x0b avec un caractère qu'XML ne peut porter. " * 8,
        language="zh-hans",
        scope=Pledge.Scope.REGIONAL,
        countries="KE",
        start_date=None,
    )
    plain = PledgeFactory(
        published=True,
        language="",
        scope=Pledge.Scope.LOCAL,
        implementation_status=Pledge.ImplementationStatus.COMPLETED,
        primary_objective=None,
        objectives=[],
    )
    draft = PledgeFactory(title="secret-draft-pledge")
    measured(draft, "secret-draft-result", {"name": "secret-draft-indicator"})
    return {"measured": measured_pledge, "withdrawn": withdrawn, "plain": plain, "draft": draft}


def test_the_iati_export_validates_against_the_iati_2_03_schema_and_holds_no_draft(
    client, iati_schema, world
):
    body = download(client)

    errors = [error.reason for error in iati_schema.iter_errors(xmlschema.XMLResource(body))]
    assert errors == []
    assert sorted(parsed(body)) == sorted(world[k].pk for k in ("measured", "withdrawn", "plain"))
    assert b"secret-draft" not in body


def test_the_xsd_check_is_real_an_element_out_of_order_fails_it(client, iati_schema, world):
    body = download(client, {"objective": "7"})
    status = b'<activity-status code="2" />'
    scope = b"<activity-scope"
    out_of_order = body.replace(status, b"").replace(scope, status + scope)

    assert iati_schema.is_valid(xmlschema.XMLResource(body))
    assert not iati_schema.is_valid(xmlschema.XMLResource(out_of_order))


def test_an_activity_tells_the_pledge_its_organisations_and_its_places(client, world):
    pledge = world["measured"]

    activity = parsed(download(client))[pledge.pk]

    assert activity.get(LANG) == "fr"
    assert activity.findtext("iati-identifier") == f"{PREFIX}-{pledge.pk}"
    reporter = activity.find("reporting-org")
    assert (reporter.get("ref"), reporter.get("type"), reporter.get("secondary-reporter")) == (
        PREFIX,
        "40",
        "1",
    )
    assert texts(activity, "reporting-org/narrative") == ["Secrétariat du portail"]
    assert texts(activity, "title/narrative") == [FRENCH_TITLE]
    assert texts(activity, "description/narrative") == [pledge.description]
    organisations = [
        (org.get("role"), org.get("type"), org.findtext("narrative"))
        for org in activity.findall("participating-org")
    ]
    assert organisations == [
        ("1", "10", "Ministère du Travail & de l'Emploi"),  # a financial pledge: it funds
        ("2", "10", "Ministère du Travail & de l'Emploi"),
        ("4", "40", "UN Agency <Geneva>"),  # confirmed partners only
    ]
    assert activity.find("activity-status").get("code") == "2"
    dates = [(d.get("type"), d.get("iso-date")) for d in activity.findall("activity-date")]
    assert dates == [("1", "2026-01-01"), ("2", "2026-01-01"), ("3", "2028-12-31")]
    assert activity.find("activity-scope").get("code") == "3"  # national, several countries
    countries = [(c.get("code"), c.get("percentage")) for c in activity.iter("recipient-country")]
    assert countries == [("GH", "33.34"), ("ML", "33.33"), ("SN", "33.33")]
    assert sum(Decimal(share) for _, share in countries) == 100
    objectives_page = "http://testserver" + reverse("reviews:objective-list")
    (sector,) = activity.findall("sector")
    assert (sector.get("vocabulary"), sector.get("code")) == ("99", "6")
    assert sector.get("vocabulary-uri") == objectives_page
    assert sector.find("narrative").text == Objective.objects.get(number=6).title
    assert [(t.get("vocabulary"), t.get("code")) for t in activity.findall("tag")] == [
        ("99", "6"),
        ("99", "7"),
    ]
    link = activity.find("document-link")
    assert link.get("url") == "http://testserver" + pledge.get_absolute_url()
    assert link.find("category").get("code") == "A12"


def test_a_withdrawn_pledge_is_cancelled_and_one_without_a_start_says_which_date_it_gives(
    client, world
):
    pledge = world["withdrawn"]

    activity = parsed(download(client))[pledge.pk]

    assert activity.get(LANG) == "zh"
    assert texts(activity, "title/narrative") == ["安全、有序 & 正常移民"]
    assert "\x0b" not in activity.findtext("description/narrative")
    assert activity.find("activity-status").get("code") == "5"
    assert activity.find("activity-scope").get("code") == "2"
    start, end = activity.findall("activity-date")
    assert (start.get("type"), start.get("iso-date")) == ("1", "2026-09-01")  # published
    assert start.find("narrative").text.startswith("No start date was given")
    assert (end.get("type"), end.get("iso-date")) == ("3", "2028-12-31")
    countries = [(c.get("code"), c.get("percentage")) for c in activity.iter("recipient-country")]
    assert countries == [("KE", None)]  # one country: no split to give


def test_a_pledge_without_language_scope_objectives_or_results_still_has_what_iati_needs(
    client, world
):
    activity = parsed(download(client))[world["plain"].pk]

    assert activity.get(LANG) is None
    assert activity.find("activity-status").get("code") == "3"  # completed: finalisation
    roles = [org.get("role") for org in activity.findall("participating-org")]
    assert roles == ["2", "4"]  # not financial: the lead implements
    for absent in ("activity-scope", "recipient-country", "sector", "tag", "result"):
        assert activity.find(absent) is None, absent


def periods(indicator) -> list[tuple]:
    return [
        (
            period.find("period-start").get("iso-date"),
            period.find("period-end").get("iso-date"),
            getattr(period.find("target"), "attrib", {}).get("value"),
            getattr(period.find("actual"), "attrib", {}).get("value"),
        )
        for period in indicator.findall("period")
    ]


def test_indicators_carry_baselines_targets_and_only_the_public_actual_values(client, world):
    activity = parsed(download(client))[world["measured"].pk]

    (result,) = activity.findall("result")  # the result with no indicator is left out
    assert result.get("type") == "2"
    assert texts(result, "title/narrative") == ["Travail décent & sûr"]
    workers, fees, refunds, law = result.findall("indicator")
    assert [i.get("measure") for i in (workers, fees, refunds, law)] == ["1", "2", "1", "3"]
    assert texts(workers, "title/narrative") == ["Workers with a written contract"]
    assert workers.find("baseline").attrib == {
        "year": "2025",
        "iso-date": "2025-01-01",
        "value": "120",
    }
    assert periods(workers) == [
        ("2026-01-01", "2026-06-30", None, "300"),
        ("2025-01-01", "2026-08-31", None, "350"),  # no start given: since the baseline
        ("2025-01-01", "2028-12-31", "600", None),
    ]
    assert fees.find("baseline").get("value") == "10.5"
    # The target has no date: it applies at the pledge's end.
    assert periods(fees) == [("2025-01-01", "2028-12-31", "90", None)]
    assert refunds.find("baseline") is None
    assert texts(refunds, "description/narrative") == ["An amount in USD."]
    # The value reported for the period that ends on the target date sits beside the target.
    assert periods(refunds) == [("2025-07-01", "2025-12-31", "5000", "2500.25")]
    assert law.find("baseline").get("value") == "0"
    assert periods(law) == [("2024-12-31", "2027-06-30", "1", None)]
    assert b"999" not in ElementTree.tostring(activity)  # the hidden report's value


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"objective": "7"}, ["measured"]),
        ({"status": "withdrawn"}, ["withdrawn"]),
        ({"country": "KE"}, ["withdrawn"]),
        ({"implementation_status": "completed"}, ["plain"]),
    ],
)
def test_the_filters_of_the_other_exports_select_the_activities(client, world, query, expected):
    assert list(parsed(download(client, query))) == [world[name].pk for name in expected]


@pytest.mark.parametrize("query", [{"objective": "99"}, {"status": "draft"}, {"language": "xx"}])
def test_a_filter_that_is_not_valid_is_refused_as_by_the_other_exports(client, world, query):
    response = client.get(reverse("reviews:export-iati"), query)

    assert response.status_code == 400
    assert response.json()["errors"]


def test_the_export_streams_an_xml_attachment(client, world):
    response = client.get(reverse("reviews:export-iati"))

    assert response.streaming
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="gcm-pledges-20260901.iati.xml"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).rstrip().endswith(b"</iati-activities>")


def test_an_empty_selection_is_a_well_formed_file_without_activities(client):
    # The XSD asks for at least one activity: with none, there is nothing to publish.
    assert parsed(download(client)) == {}


def test_the_number_of_queries_does_not_grow_with_the_pledges_of_a_batch(
    client, django_assert_max_num_queries, actor_a, actor_b
):
    def more(count):
        pledges = bulk_pledges(
            count,
            lead=actor_a,
            objectives=list(Objective.objects.filter(number__in=[1, 2])),
            partners=[actor_b],
            published=True,
        )
        for pledge in pledges:
            (indicator,) = measured(pledge, "Result", {"name": "Indicator"})
            reported(indicator, value=Decimal(1), end=dt.date(2026, 6, 30))

    def counted():
        with CaptureQueriesContext(connection) as queries:
            body = download(client, {"objective": "1"})
        return len(queries), len(parsed(body))

    more(3)
    few = counted()
    more(27)
    # The objective's lookup; the pledges; their partners, objectives, results, indicators and
    # public values: one query each per batch.
    with django_assert_max_num_queries(7):
        many = download(client, {"objective": "1"})

    assert few == (7, 3)
    assert counted() == (7, 30) and len(parsed(many)) == 30
