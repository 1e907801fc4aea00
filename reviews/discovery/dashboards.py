"""The dashboard's charts: pledges per objective, kind, region, month, stage, reporting
freshness, and the financial pledges' announced totals by currency."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.http import QueryDict
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from actors.models import Actor, Region
from reviews.charts import Bar, Chart, bars
from reviews.discovery.selection import (
    Selection,
    as_query,
    carried,
    list_url,
    objectives,
    per_objective,
)
from reviews.filters import MEASURABILITY
from reviews.models import (
    Pledge,
)
from reviews.models.freshness import CHOICES as FRESHNESS_CHOICES

# --- The dashboards --------------------------------------------------------------------------


def dashboard(data: QueryDict) -> list[Chart]:
    """The charts of the dashboard, for the pledges the filters choose."""
    base, selection = carried(data), Selection(data)
    return [chart(name, data, base, selection) for name in CHARTS]


def _summary(total: int, bars_: tuple[Bar, ...], what: str) -> str:
    if not total:
        return gettext("No public pledge matches these filters.")
    top = max(bars_, key=lambda bar: bar.count)
    empty = sum(1 for bar in bars_ if bar.count == 0)
    text = gettext("%(total)s pledges counted %(what)s. The most: %(label)s, with %(count)s.") % {
        "total": formats.number_format(total, force_grouping=True),
        "what": what,
        "count": formats.number_format(top.count, force_grouping=True),
        "label": top.label,
    }
    if empty:
        text += " " + ngettext(
            "%(empty)s group has none.", "%(empty)s groups have none.", empty
        ) % {"empty": empty}
    return text


def chart(name: str, data: QueryDict, base: dict | None = None, selection=None) -> Chart:
    """One chart of the dashboard (CHARTS), for the pledges the filters choose."""
    base = carried(data) if base is None else base
    title, build = CHARTS[name]
    rows, what, notes = build(selection or Selection(data), base)
    made = bars(rows, notes)
    csv_url = reverse("reviews:dashboard-csv", args=[name])
    encoded = as_query(base).urlencode()
    return Chart(
        slug=name,
        title=str(title),
        summary=_summary(sum(r[1] for r in rows), made, str(what)),
        bars=made,
        csv_url=csv_url + (f"?{encoded}" if encoded else ""),
    )


def _by_objective(selection, base):
    totals = per_objective(selection.counts("coverage"))
    rows = [
        (
            f"{o.number}. {o.short_label}",
            totals.get(o.number, 0),
            list_url(base, objective=o.number),
        )
        for o in objectives()
    ]
    return rows, _("by objective (a pledge under each of its objectives)"), None


def _by_choices(dimension: str, key: str, param: str, choices, what):
    def build(selection, base):
        found = {row[key]: row["count"] for row in selection.counts(dimension)}
        rows = [
            (str(label), found.pop(value, 0), list_url(base, **{param: value}))
            for value, label in choices
        ]
        # A value outside the choices (a blank region, no freshness owed) has no list of its
        # own: it is counted, unlinked.
        for value, count in found.items():
            rows.append((_unchosen(dimension, value), count, ""))
        return rows, what, None

    return build


def _unchosen(dimension: str, value) -> str:
    if dimension == "freshness":
        return gettext("Owes no report (withdrawn, completed or discontinued)")
    return gettext("Not stated") if not value else str(value)


def _by_month(selection, base):
    found = {row["month"]: row["count"] for row in selection.counts("month") if row["month"]}
    rows = []
    for year, number in _months(min(found, default=None), max(found, default=None)):
        month = f"{year:04d}-{number:02d}"
        label = formats.date_format(dt.date(year, number, 1), "F Y")
        # A month without a publication is a bar of 0: the chart shows the pauses too.
        rows.append((label, found.get(month, 0), list_url(base, month=month)))
    return rows, _("by month of publication"), None


def _months(first: str | None, last: str | None):
    """(year, month) from the month `first` to `last` ("2026-05"), both included."""
    if first is None or last is None:
        return
    year, month = (int(part) for part in first.split("-"))
    end = tuple(int(part) for part in last.split("-"))
    while (year, month) <= end:
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _by_measurability(selection, base):
    found = {row["measurable"]: row["count"] for row in selection.counts("measurable")}
    rows = [
        (str(label), found.get(value == "yes", 0), list_url(base, measurable=value))
        for value, label in MEASURABILITY
    ]
    return rows, _("by measurability (an indicator with a baseline and a target)"), None


def _by_currency(selection, base):
    rows, notes = [], {}
    for index, row in enumerate(selection.counts("currency")):
        code = row["currency"]
        rows.append(
            (code, row["count"], list_url(base, support=Pledge.Support.FINANCIAL, currency=code))
        )
        notes[index] = (amount(row["amount"], code), row["amount"])
    return rows, _("financial pledges announcing an amount, by currency"), notes


def amount(value, currency: str) -> str:
    """An announced total, in the reader's number format, with its currency."""
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError):
        return ""
    shown = formats.number_format(number, decimal_pos=2, force_grouping=True)
    return gettext("%(amount)s %(currency)s announced") % {"amount": shown, "currency": currency}


CHARTS = {
    "objectives": (_("Pledges per objective"), _by_objective),
    "stakeholders": (
        _("Pledges per stakeholder kind of the lead"),
        _by_choices(
            "actor-kind",
            "actor_kind",
            "actor_kind",
            Actor.Kind.choices,
            _("by stakeholder kind of the lead"),
        ),
    ),
    "regions": (
        _("Pledges per region of the lead"),
        _by_choices("region", "region", "region", Region.choices, _("by region of the lead")),
    ),
    "months": (_("Pledges published per month"), _by_month),
    "stages": (
        _("Pledges by stage of implementation"),
        _by_choices(
            "implementation-status",
            "implementation_status",
            "implementation_status",
            Pledge.ImplementationStatus.choices,
            _("by stage of implementation"),
        ),
    ),
    "freshness": (
        _("Pledges by reporting freshness"),
        _by_choices(
            "freshness", "freshness", "freshness", FRESHNESS_CHOICES, _("by reporting freshness")
        ),
    ),
    "measurable": (_("Measurable pledges"), _by_measurability),
    "currencies": (_("Financial pledges: announced totals by currency"), _by_currency),
}
