"""The public pledges as IATI activities (IATI Activity Standard 2.03), streamed.

The same selection as the pledge exports (PledgeFilter over `Pledge.objects.public()`), one
`iati-activity` per pledge, written one at a time into ~64 KB chunks: a batch of pledges is read
with its partners, objectives, results, indicators and public actual values in a fixed number of
queries, whatever the number of pledges. The root element is closed only after the last activity,
so a cut download is not well-formed XML. The elements follow the order of the schema's sequence
(tests/tooling/iati/2.03 holds the XSD the tests validate against).

How a pledge is told in IATI's terms:

- `iati-identifier`: IATI_ORGANISATION_IDENTIFIER, a hyphen, the pledge's number. It never
  changes, as IATI requires. `last-updated-datetime` is the pledge's last change or its latest
  progress report, whichever is later.
- `reporting-org`: the portal's secretariat (IATI_ORGANISATION_IDENTIFIER,
  IATI_REPORTING_ORG_TYPE, IATI_REPORTING_ORG_NAME), marked `secondary-reporter`: it publishes what
  the leads pledged, activities it is not itself responsible for.
- `title` and `description` (type 1, general; the summary when there is no description): the
  pledge's own text, in its language (`xml:lang` on the activity, the ISO 639-1 part of the
  code: `zh-hans` is `zh`). A pledge whose language was never recorded declares none.
- `participating-org` (OrganisationRole): the lead is Accountable (2), and Funding (1) for a
  financial pledge, Implementing (4) for any other; each confirmed partner is Implementing (4).
  Pending and declined partners are left out, as everywhere in the open data. Organisations have
  no IATI identifier on the portal, so only their names are given, with their OrganisationType
  where the stakeholder kind says it (ORGANISATION_TYPES); a kind that could be several types
  (civil society: a national or an international NGO?) is given none.
- `activity-status` (ActivityStatus): planned is 1 (Pipeline/identification), in progress 2
  (Implementation), completed 3 (Finalisation: physical activity is complete, but the pledge
  stays open to progress reports and their values, and nothing on the portal signs it off, which
  4, Closed, would say), discontinued 5 (Cancelled); a withdrawn pledge is 5 (Cancelled)
  whatever its stage.
- `activity-date` (ActivityDateType): the start date is the planned start (1) and, once a report
  says implementation began and the date is past, the actual start (2); the end date is the
  planned end (3). IATI requires one date: a pledge without a start date takes its publication
  date as the planned start, saying so in a narrative.
- `activity-scope` (ActivityScope): global 1, regional 2, national 4 (3, multi-national, when it
  names several countries); a local pledge has none, since its level (first or second
  administrative level, or a single place) is not recorded.
- `recipient-country`: each country concerned. The portal records no split between them, but
  IATI requires the shares of several countries to add up to 100, so they are spread evenly (to
  two places, the remainder on the first); one country has no percentage.
- `sector`: the GCM objectives are not DAC purpose codes, so the sector is the primary objective
  in the reporting organisation's own vocabulary (99), whose codes are the objective numbers,
  defined on the objectives page (`vocabulary-uri`). It is the pledge's one purpose, so no
  percentage is needed; every objective of the pledge is also a `tag` (vocabulary 99), the
  element IATI made for classifications that carry no split. No policy marker fits.
- `document-link`: the pledge's page on the portal, category A12 (activity web page).
- `result` (ResultType 2, outcome: an expected result says what will have changed), one for each
  expected result with at least one indicator (IATI requires one). For each indicator:
  `measure` (IndicatorMeasure) 1 (unit) for a number, 2 (percentage) for a percentage, 1 for an
  amount (the codelist has no currency: the description names it), 3 (nominal) for yes or no,
  written 1 or 0 as the portal keeps them (5, qualitative, would have no value at all);
  `baseline` with its year, date and value when its value and date are both given (IATI
  requires a year); a
  `period` for each public actual value (a value of a hidden report is left out), from the
  period's start — or, not given, the baseline date or else the pledge's start, when before its
  end — to its end; the `target` in the period that ends on the target date (the pledge's end
  when the target has no date; neither, no target), or in a period of its own from the baseline
  (or the pledge's start) to then.
- Nothing about money (`budget`, `transaction`): a pledge's amount is a promise, not a budget
  split by year or a recorded commitment; its contact person is left out, as in every export.
"""

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from itertools import islice
from xml.etree.ElementTree import Element, SubElement, tostring

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext

from actors.models import Actor
from reviews.exports import sql, streams
from reviews.models import (
    ExpectedResult,
    Indicator,
    IndicatorActual,
    Pledge,
    PledgePartner,
)
from reviews.models.pledge_queries import SEARCH_COLUMNS

VERSION = "2.03"
# Pledges read at once, with their results: small enough for the IN lists of the prefetches.
BATCH = 500
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# What XML 1.0 cannot hold at all, even escaped; dropped from the text written.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

STAGE = Pledge.ImplementationStatus
ACTIVITY_STATUS = {
    STAGE.PLANNED: "1",
    STAGE.IN_PROGRESS: "2",
    STAGE.COMPLETED: "3",
    STAGE.DISCONTINUED: "5",
}
CANCELLED = "5"
BEGUN = (STAGE.IN_PROGRESS, STAGE.COMPLETED, STAGE.DISCONTINUED)
PLANNED_START, ACTUAL_START, PLANNED_END = "1", "2", "3"
FUNDING, ACCOUNTABLE, IMPLEMENTING = "1", "2", "4"
KIND = Actor.Kind
ORGANISATION_TYPES = {
    KIND.MEMBER_STATE: "10",  # Government
    KIND.LOCAL_GOVERNMENT: "11",  # Local Government
    KIND.NHRI: "15",  # Other Public Sector
    KIND.UN_ENTITY: "40",  # Multilateral
    KIND.IOM: "40",
    KIND.PRIVATE_SECTOR: "70",  # Private Sector
    KIND.ACADEMIA: "80",  # Academic, Training and Research
    KIND.OTHER: "90",  # Other
}
SCOPE = Pledge.Scope
ACTIVITY_SCOPES = {SCOPE.GLOBAL: "1", SCOPE.REGIONAL: "2", SCOPE.NATIONAL: "4"}
MULTI_NATIONAL = "3"
OUTCOME = "2"
UNIT = Indicator.Unit
MEASURES = {UNIT.NUMBER: "1", UNIT.PERCENTAGE: "2", UNIT.CURRENCY: "1", UNIT.YES_NO: "3"}
OWN_VOCABULARY = "99"
GENERAL = "1"
ACTIVITY_WEB_PAGE = "A12"


@dataclass(frozen=True)
class Wording:
    """The portal's own words in the file, in the language of the request (made in the view:
    the stream is written after it returns), and the addresses it links to."""

    language: str
    amount_in: str
    yes_or_no: str
    no_start: str
    objectives_page: str
    absolute: Callable[[str], str]  # request.build_absolute_uri

    @classmethod
    def of(cls, request):
        return cls(
            language=iso_639_1(get_language() or settings.LANGUAGE_CODE),
            # Translators: describes an indicator measured as an amount, e.g. "An amount in USD."
            amount_in=gettext("An amount in %(currency)s."),
            yes_or_no=gettext("Yes or no: 1 means yes, 0 means no."),
            no_start=gettext("No start date was given: the date the pledge was published."),
            objectives_page=request.build_absolute_uri(reverse("reviews:objective-list")),
            absolute=request.build_absolute_uri,
        )


def iso_639_1(code: str) -> str:
    return code.split("-")[0].lower()


def pledges(filters):
    """The selection in the export's order, with everything an activity tells."""
    partners = PledgePartner.objects.filter(status=PledgePartner.Status.CONFIRMED)
    actuals = IndicatorActual.objects.public().order_by("period_end", "pk")
    indicators = Indicator.objects.order_by("position", "pk").prefetch_related(
        Prefetch("actuals", queryset=actuals)
    )
    results = ExpectedResult.objects.order_by("position", "pk").prefetch_related(
        Prefetch("indicators", queryset=indicators)
    )
    return (
        sql.ordered(filters)
        .select_related("lead", "primary_objective")
        .defer(*SEARCH_COLUMNS, "lead__description", "contact_name", "contact_email")
        .prefetch_related(
            Prefetch(
                "partnerships",
                queryset=partners.select_related("actor")
                .defer("actor__description")
                .order_by("actor__name", "pk"),
            ),
            "objectives",
            Prefetch("results", queryset=results),
        )
    )


def batches(filters):
    stream = pledges(filters).iterator(chunk_size=BATCH)
    while batch := list(islice(stream, BATCH)):
        yield batch


def activities_stream(filters, wording: Wording):
    buffer = streams.TextBuffer()
    generated = timezone.now().astimezone(dt.UTC).isoformat(timespec="seconds")
    buffer.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    buffer.write(f'<iati-activities version="{VERSION}" generated-datetime="{generated}">\n')
    today = timezone.localdate()
    for batch in streams.logged(batches(filters), "pledges", "iati"):
        for pledge in batch:
            buffer.write(tostring(activity(pledge, wording, today), encoding="unicode"))
            buffer.write("\n")
            if buffer.tell() >= streams.CHUNK_BYTES:
                yield buffer.drain()
    # Closed only at the end: a truncated body is not well-formed.
    buffer.write("</iati-activities>\n")
    yield buffer.drain()


# One activity ---------------------------------------------------------------------------------


def _clean(text: str) -> str:
    return NOT_XML.sub("", text)


def _narrative(parent, tag: str, text: str, *, lang: str = "", **attributes) -> Element:
    element = SubElement(parent, tag, attributes)
    narrative = SubElement(element, "narrative", {XML_LANG: lang} if lang else {})
    narrative.text = _clean(text)
    return element


def _number(value: Decimal) -> str:
    """A value as a plain decimal number, without trailing zeros (`120.0000` is `120`)."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def activity(pledge: Pledge, wording: Wording, today: dt.date) -> Element:
    # Its values come with progress reports, which leave the pledge's own row as it was.
    changed = max(filter(None, [pledge.updated_at, pledge.last_reported_at]))
    attributes = {"last-updated-datetime": changed.astimezone(dt.UTC).isoformat()}
    if pledge.language:
        attributes[XML_LANG] = iso_639_1(pledge.language)
    element = Element("iati-activity", attributes)
    prefix = settings.IATI_ORGANISATION_IDENTIFIER
    SubElement(element, "iati-identifier").text = f"{prefix}-{pledge.pk}"
    _narrative(
        element,
        "reporting-org",
        settings.IATI_REPORTING_ORG_NAME,
        ref=prefix,
        type=settings.IATI_REPORTING_ORG_TYPE,
        **{"secondary-reporter": "1"},
    )
    _narrative(element, "title", pledge.title)
    text = pledge.description.strip() or pledge.summary.strip() or pledge.title
    _narrative(element, "description", text, type=GENERAL)
    _participants(element, pledge)
    status = CANCELLED if pledge.status == Pledge.Status.WITHDRAWN else None
    code = status or ACTIVITY_STATUS[pledge.implementation_status]
    SubElement(element, "activity-status", code=code)
    _dates(element, pledge, wording, today)
    countries = [country.code for country in pledge.countries]
    scope = ACTIVITY_SCOPES.get(pledge.scope)
    if scope == ACTIVITY_SCOPES[SCOPE.NATIONAL] and len(countries) > 1:
        scope = MULTI_NATIONAL
    if scope:
        SubElement(element, "activity-scope", code=scope)
    for code, share in zip(countries, _shares(len(countries)), strict=True):
        SubElement(element, "recipient-country", {"code": code, **share})
    objective = pledge.primary_objective
    if objective:
        _narrative(
            element,
            "sector",
            objective.title,
            lang="en",  # the official titles of the Compact, in English
            code=str(objective.number),
            vocabulary=OWN_VOCABULARY,
            **{"vocabulary-uri": wording.objectives_page},
        )
    for objective in pledge.objectives.all():
        _narrative(
            element,
            "tag",
            objective.title,
            lang="en",
            code=str(objective.number),
            vocabulary=OWN_VOCABULARY,
            **{"vocabulary-uri": wording.objectives_page},
        )
    link = SubElement(
        element,
        "document-link",
        url=wording.absolute(pledge.get_absolute_url()),
        format="text/html",
    )
    _narrative(link, "title", pledge.title)
    SubElement(link, "category", code=ACTIVITY_WEB_PAGE)
    for result in pledge.results.all():
        _result(element, pledge, result, wording)
    return element


def _participants(element, pledge: Pledge) -> None:
    financial = pledge.support == Pledge.Support.FINANCIAL
    roles = [(pledge.lead, ACCOUNTABLE), (pledge.lead, FUNDING if financial else IMPLEMENTING)]
    roles += [(partnership.actor, IMPLEMENTING) for partnership in pledge.partnerships.all()]
    for actor, role in sorted(roles, key=lambda pair: pair[1]):
        attributes = {"role": role}
        if actor.kind in ORGANISATION_TYPES:
            attributes["type"] = ORGANISATION_TYPES[actor.kind]
        _narrative(element, "participating-org", actor.name, **attributes)


def _dates(element, pledge: Pledge, wording: Wording, today: dt.date) -> None:
    if pledge.start_date:
        SubElement(element, "activity-date", type=PLANNED_START, **_iso(pledge.start_date))
        if pledge.implementation_status in BEGUN and pledge.start_date <= today:
            SubElement(element, "activity-date", type=ACTUAL_START, **_iso(pledge.start_date))
    else:
        published = pledge.published_at or pledge.created_at
        _narrative(
            element,
            "activity-date",
            wording.no_start,
            lang=wording.language,
            type=PLANNED_START,
            **_iso(timezone.localdate(published)),
        )
    if pledge.end_date:
        SubElement(element, "activity-date", type=PLANNED_END, **_iso(pledge.end_date))


def _iso(day: dt.date) -> dict[str, str]:
    return {"iso-date": day.isoformat()}


def _shares(count: int) -> list[dict[str, str]]:
    """Even percentages adding up to exactly 100 (none for one country)."""
    if count <= 1:
        return [{}] * count
    each = (Decimal(100) / count).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    first = Decimal(100) - each * (count - 1)
    return [{"percentage": str(share)} for share in [first] + [each] * (count - 1)]


def _result(element, pledge: Pledge, result: ExpectedResult, wording: Wording) -> None:
    indicators = list(result.indicators.all())
    if not indicators:
        return
    block = SubElement(element, "result", type=OUTCOME)
    _narrative(block, "title", result.statement)
    for indicator in indicators:
        _indicator(block, pledge, indicator, wording)


def _indicator(block, pledge: Pledge, indicator: Indicator, wording: Wording) -> None:
    element = SubElement(block, "indicator", measure=MEASURES[indicator.unit])
    _narrative(element, "title", indicator.name)
    if indicator.unit == UNIT.CURRENCY:
        explained = wording.amount_in % {"currency": indicator.currency}
    elif indicator.unit == UNIT.YES_NO:
        explained = wording.yes_or_no
    else:
        explained = ""
    if explained:
        _narrative(element, "description", explained, lang=wording.language)
    baseline = indicator.baseline_date
    if baseline and indicator.baseline_value is not None:
        SubElement(
            element,
            "baseline",
            year=str(baseline.year),
            value=_number(indicator.baseline_value),
            **_iso(baseline),
        )
    for start, end, target, actual in _periods(pledge, indicator):
        period = SubElement(element, "period")
        SubElement(period, "period-start", **_iso(start))
        SubElement(period, "period-end", **_iso(end))
        if target is not None:
            SubElement(period, "target", value=_number(target))
        if actual is not None:
            SubElement(period, "actual", value=_number(actual))


def _start_before(end: dt.date, *candidates) -> dt.date:
    """The first of the candidate starts that is given and not after `end`; else `end`."""
    return next((day for day in candidates if day and day <= end), end)


def _periods(pledge: Pledge, indicator: Indicator):
    """(start, end, target value, actual value) of each period, in the order they end."""
    fallbacks = (indicator.baseline_date, pledge.start_date)
    periods = [
        [
            actual.period_start or _start_before(actual.period_end, *fallbacks),
            actual.period_end,
            None,
            actual.value,
        ]
        for actual in indicator.actuals.all()
    ]
    target_end = indicator.target_date or pledge.end_date
    if indicator.target_value is not None and target_end:
        ending = next((period for period in periods if period[1] == target_end), None)
        if ending:
            ending[2] = indicator.target_value
        else:
            start = _start_before(target_end, *fallbacks)
            periods.append([start, target_end, indicator.target_value, None])
    return sorted(periods, key=lambda period: (period[1], period[0]))
