"""Who pledged on what, at a glance: the coverage-gap map, the dashboards, the world map, and
the pledges of a page (an objective's, an actor's, a cycle's), worked out from the statistics.

Every figure is a count of reviews.stats over the public pledges, chosen by the pledge list's
FilterSet, and every figure links to the pledge list with exactly the filters that count it: a
cell of 0 (a gap) links to an empty list. The counts are cached under the statistics' token,
which every write they depend on replaces (publishing or withdrawing a pledge among them), so a
cached page is never stale; the pages themselves are rendered per request, in the reader's
language.
"""

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import models
from django.http import HttpResponse, QueryDict
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from actors.models import Actor, Coalition, Region
from reviews import cards, geo, stats
from reviews.charts import Bar, Chart, Level, Scale, bars
from reviews.exports.sql import FORMULA_STARTS
from reviews.filters import PledgeFilter
from reviews.models import (
    DeclarationParagraphObjective,
    Objective,
    Pledge,
    ProgressUpdate,
    ReviewCycle,
    RoundTableObjective,
)
from reviews.models.freshness import CHOICES as FRESHNESS_CHOICES

LIST = "reviews:pledge-list"
# Pledges a page shows of its own ("the latest few"), beside the link to all of them.
LATEST = 5
PLEDGES_OF_MEMBERS = _("Pledges of its members")
FEED_OF_THESE = _("Atom feed of these pledges")
# The pledge list's bounded count (reviews.views.pledges.COUNT_LIMIT).
COUNT_LIMIT = 10_000


def query(**params) -> QueryDict:
    """A QueryDict of the parameters given (an empty value left out), as a request's GET."""
    data = QueryDict(mutable=True)
    for name, value in params.items():
        if value not in (None, ""):
            data[name] = str(value)
    return data


def carried(data: QueryDict, *dropping: str) -> dict[str, list[str]]:
    """The pledge filters of `data`, without `dropping` and without the order: what every link
    of a page passes on, so that a cell of a narrowed map links to the narrowed list."""
    kept = {}
    for name in PledgeFilter.base_filters:
        if name in dropping or name == "sort":
            continue
        values = [value for value in data.getlist(name) if value]
        if values:
            kept[name] = values
    return kept


def as_query(base: dict[str, list[str]]) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, values in base.items():
        data.setlist(name, values)
    return data


def list_url(base: dict[str, list[str]], **params) -> str:
    """The pledge list with the filters `base` and `params` (which win)."""
    data = as_query(base)
    for name, value in params.items():
        data[name] = str(value)
    encoded = data.urlencode()
    return reverse(LIST) + (f"?{encoded}" if encoded else "")


def feed_of(**params) -> str:
    """The Atom feed of the pledges the filters choose (a saved search: reviews.feeds)."""
    encoded = query(**params).urlencode()
    return reverse("feeds:pledges") + (f"?{encoded}" if encoded else "")


def chosen(data: QueryDict) -> PledgeFilter:
    """The pledge list's FilterSet, bound to `data`: its form says what is wrong, if anything."""
    return PledgeFilter(data, queryset=Pledge.objects.public())


class Selection:
    """The public pledges some filters choose, for the figures of a page: the filters are
    validated (a query per object they name) once, and only when a figure must be counted, so
    that a page whose figures are all cached costs no query for them."""

    def __init__(self, data: QueryDict):
        self.data = data
        self._filter: PledgeFilter | None = None

    @property
    def filter(self) -> PledgeFilter:
        if self._filter is None:
            self._filter = chosen(self.data)
        return self._filter

    def qs(self):
        if not self.filter.is_valid():
            raise stats.InvalidFilter(self.filter.errors)
        return self.filter.qs.order_by()

    def counts(self, dimension: str) -> list[dict]:
        return stats.counts(dimension, self.data, self.qs)

    def total(self) -> tuple[int, bool]:
        return stats.total(self.data, COUNT_LIMIT, self.qs)

    def newest(self, limit: int = LATEST) -> list:
        """The cards of the newest few: their ids cached as the counts are, the cards read
        fresh (their reporting colour moves with the clock)."""
        key = stats.cache_key(f"newest-{limit}", self.data)
        positions = stats.remembered(
            key,
            lambda: list(cards.positions(self.qs().order_by("-published_at", "-pk"))[:limit]),
        )
        if not positions:
            return []
        return cards.cards_of(positions, Pledge.objects.all().db, timezone.now())


# --- The coverage-gap map --------------------------------------------------------------------


@dataclass(frozen=True)
class Axis:
    """The columns of the coverage map: what the objectives are crossed with."""

    name: str  # the `by` value
    dimension: str  # the statistics' dimension of objective × this
    total_dimension: str  # the statistics' dimension of this alone (a pledge once)
    key: str  # the key of the dimension's rows
    param: str  # the pledge filter of one column
    label: str

    def columns(self) -> list[tuple[str, str]]:
        """(value, label) of each column, in order."""
        if self.name == "kind":
            return [(value, str(label)) for value, label in Actor.Kind.choices]
        if self.name == "region":
            return [(value, str(label)) for value, label in Region.choices]
        if self.name == "cycle":
            return list(
                ReviewCycle.objects.order_by("-starts_on", "slug").values_list("slug", "name")
            )
        return [
            (slug, short or name)
            for slug, name, short in Coalition.objects.order_by("name").values_list(
                "slug", "name", "short_name"
            )
        ]


AXES = {
    "kind": Axis(
        "kind", "coverage", "actor-kind", "actor_kind", "actor_kind", _("Stakeholder kind")
    ),
    "region": Axis("region", "coverage-region", "region", "region", "region", _("Region")),
    "cycle": Axis("cycle", "coverage-cycle", "cycle", "cycle", "cycle", _("Review cycle")),
    "coalition": Axis(
        "coalition", "coverage-coalition", "coalition", "coalition", "coalition", _("Coalition")
    ),
}


@dataclass(frozen=True)
class Cell:
    count: int
    url: str
    level: Level

    @property
    def gap(self) -> bool:
        return self.count == 0


@dataclass(frozen=True)
class Column:
    value: str
    label: str
    total: int  # pledges of the column, each once
    url: str


@dataclass(frozen=True)
class Row:
    number: int
    label: str
    url: str  # the objective's page
    cells: tuple[Cell, ...]
    total: int  # pledges on the objective, each once
    total_url: str

    @property
    def gaps(self) -> int:
        return sum(cell.gap for cell in self.cells)


@dataclass(frozen=True)
class Grid:
    axis: Axis
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    scale: Scale

    @property
    def gaps(self) -> int:
        return sum(row.gaps for row in self.rows)

    @property
    def cells(self) -> int:
        return len(self.rows) * len(self.columns)

    def csv_rows(self):
        yield [gettext("Objective"), *(column.label for column in self.columns)]
        for row in self.rows:
            yield [f"{row.number}. {row.label}", *(cell.count for cell in row.cells)]


def _objectives() -> list[Objective]:
    return list(Objective.objects.only("number", "short_label").order_by("number"))


def per_objective(rows: list[dict]) -> dict[int, int]:
    """Rows of a coverage dimension added up per objective."""
    totals: dict[int, int] = {}
    for row in rows:
        totals[row["objective"]] = totals.get(row["objective"], 0) + row["count"]
    return totals


def coverage(axis: Axis, data: QueryDict) -> Grid:
    """The 23 objectives × the axis's columns, each cell the public pledges of both."""
    base = carried(data, "objective", axis.param)
    narrowed = as_query(base)
    chosen_ = Selection(narrowed)
    cells = {
        (row["objective"], row[axis.key]): row["count"] for row in chosen_.counts(axis.dimension)
    }
    objective_totals = per_objective(chosen_.counts("coverage"))
    column_totals = {row[axis.key]: row["count"] for row in chosen_.counts(axis.total_dimension)}
    columns = tuple(
        Column(
            value,
            label,
            column_totals.get(value, 0),
            list_url(base, **{axis.param: value}),
        )
        for value, label in axis.columns()
    )
    scale = Scale.up_to(max(cells.values(), default=0))
    rows = []
    for objective in _objectives():
        row_cells = []
        for column in columns:
            count = cells.get((objective.number, column.value), 0)
            url = list_url(base, objective=objective.number, **{axis.param: column.value})
            row_cells.append(Cell(count, url, scale.level(count)))
        rows.append(
            Row(
                number=objective.number,
                label=objective.short_label,
                url=objective.get_absolute_url(),
                cells=tuple(row_cells),
                total=objective_totals.get(objective.number, 0),
                total_url=list_url(base, objective=objective.number),
            )
        )
    return Grid(axis, columns, tuple(rows), scale)


# --- An actor's and an objective's coverage --------------------------------------------------


@dataclass(frozen=True)
class Peer:
    """A group an actor is compared with: its own kind, or a coalition it belongs to."""

    label: str
    url: str


@dataclass(frozen=True)
class ActorRow:
    number: int
    label: str
    url: str
    own: Cell
    peers: tuple[Cell, ...]


def actor_coverage(
    actor: Actor, coalitions: list[Coalition], own_pledges: Selection | None = None
) -> tuple[list[Peer], list[ActorRow]]:
    """The objectives the actor has pledged on (as lead or confirmed partner) and those it has
    not, beside the pledges of every actor of its kind and of each of its coalitions."""
    own_pledges = own_pledges or Selection(query(actor=actor.slug))
    own = per_objective(own_pledges.counts("coverage"))
    kind = per_objective(Selection(query(actor_kind=actor.kind)).counts("coverage"))
    slugs = {coalition.slug for coalition in coalitions}
    by_coalition: dict[tuple[int, str], int] = {
        (row["objective"], row["coalition"]): row["count"]
        for row in Selection(query()).counts("coverage-coalition")
        if row["coalition"] in slugs
    }
    peers = [Peer(actor.get_kind_display(), list_url({}, actor_kind=actor.kind))]
    peers += [Peer(c.short_name or c.name, list_url({}, coalition=c.slug)) for c in coalitions]
    scale = Scale.up_to(max(own.values(), default=0))
    peer_scale = Scale.up_to(max([*kind.values(), *by_coalition.values()], default=0))
    rows = []
    for objective in _objectives():
        number = objective.number
        count = own.get(number, 0)
        peer_cells = [
            Cell(
                kind.get(number, 0),
                list_url({}, objective=number, actor_kind=actor.kind),
                peer_scale.level(kind.get(number, 0)),
            )
        ]
        for coalition in coalitions:
            found = by_coalition.get((number, coalition.slug), 0)
            url = list_url({}, objective=number, coalition=coalition.slug)
            peer_cells.append(Cell(found, url, peer_scale.level(found)))
        rows.append(
            ActorRow(
                number,
                objective.short_label,
                objective.get_absolute_url(),
                Cell(count, list_url({}, objective=number, actor=actor.slug), scale.level(count)),
                tuple(peer_cells),
            )
        )
    return peers, rows


@dataclass(frozen=True)
class Group:
    label: str
    count: int
    url: str


def objective_groups(on: Selection, number: int) -> tuple[list[Group], list[Group]]:
    """Who pledged on the objective (`on` chooses its pledges): by stakeholder kind of the
    lead, and by region; every kind and region listed, a gap as 0."""
    # The pledges on it are counted under each of their objectives: this one's rows only.
    kinds = {r["actor_kind"]: r["count"] for r in on.counts("coverage") if r["objective"] == number}
    regions = {
        r["region"]: r["count"] for r in on.counts("coverage-region") if r["objective"] == number
    }
    return (
        [
            Group(str(label), kinds.get(value, 0), list_url({}, objective=number, actor_kind=value))
            for value, label in Actor.Kind.choices
        ],
        [
            Group(str(label), regions.get(value, 0), list_url({}, objective=number, region=value))
            for value, label in Region.choices
        ],
    )


# --- The pledges of a page -------------------------------------------------------------------


@dataclass(frozen=True)
class Pledges:
    """A page's public pledges: how many, the newest few, and the list of all of them."""

    count: int
    capped: bool
    latest: list
    url: str


def pledges_of(selection: Selection | None = None, **params) -> Pledges:
    """The public pledges the filters choose (an objective, an actor, a cycle …), or the
    selection of them a page already has."""
    selection = selection or Selection(query(**params))
    url = list_url(carried(selection.data))
    try:
        count, capped = selection.total()
    except stats.InvalidFilter:  # an organisation not (or no longer) in the directory
        return Pledges(0, False, [], url)
    return Pledges(count, capped, selection.newest() if count else [], url)


@dataclass(frozen=True)
class Count:
    count: int
    capped: bool
    url: str


def none_of(**params) -> Count:
    """No public pledge, and the (empty) list the filters choose."""
    return Count(0, False, list_url({}, **params))


def cycle_part_counts(cycle: ReviewCycle) -> tuple[dict[int, Count], dict[int, Count]]:
    """The public pledges on the objectives of each round table and of each Declaration
    paragraph of the cycle (as the `round_table` and `paragraph` filters choose them): two
    grouped queries, cached as the statistics are, whatever the number of tables and
    paragraphs. A pledge on two objectives of one round table counts once: the one DISTINCT
    count of the portal, over the pledge–objective rows of the cycle's objectives only."""

    def compute():
        public = Pledge.objects.public()
        tables = (
            RoundTableObjective.objects.filter(round_table__cycle=cycle)
            .filter(objective__pledges__in=public)
            .values("round_table_id")
            .annotate(count=models.Count("objective__pledges", distinct=True))
            .order_by()
        )
        paragraphs = (
            DeclarationParagraphObjective.objects.filter(paragraph__cycle=cycle)
            .filter(objective__pledges__in=public)
            .values("paragraph_id")
            .annotate(count=models.Count("objective__pledges", distinct=True))
            .order_by()
        )
        return (
            {row["round_table_id"]: row["count"] for row in tables},
            {row["paragraph_id"]: row["count"] for row in paragraphs},
        )

    tables, paragraphs = stats.remembered(
        stats.cache_key(f"cycle-parts-{cycle.pk}", query()), compute
    )
    return (
        {pk: Count(n, False, list_url({}, round_table=pk)) for pk, n in tables.items()},
        {pk: Count(n, False, list_url({}, paragraph=pk)) for pk, n in paragraphs.items()},
    )


@dataclass(frozen=True)
class CycleFigures:
    pledges: Count
    objectives: int  # objectives with at least one of its pledges, of the 23
    kinds: int  # stakeholder kinds of their leads, of all the kinds
    all_kinds: int
    countries: int  # countries they concern or their leads are of
    coverage_url: str
    map_url: str
    dashboard_url: str


def cycle_figures(cycle: ReviewCycle) -> CycleFigures:
    """The cycle's numbers for the home page, from the statistics' cached counts."""
    of_cycle = Selection(query(cycle=cycle.slug))
    coverage = of_cycle.counts("coverage")
    encoded = of_cycle.data.urlencode()
    count, capped = of_cycle.total()
    return CycleFigures(
        pledges=Count(count, capped, list_url({}, cycle=cycle.slug)),
        objectives=len({row["objective"] for row in coverage}),
        kinds=len({row["actor_kind"] for row in coverage}),
        all_kinds=len(Actor.Kind.choices),
        countries=len(of_cycle.counts("country-concerned")),
        coverage_url=f"{reverse('reviews:coverage')}?{encoded}",
        map_url=f"{reverse('reviews:map')}?{encoded}",
        dashboard_url=f"{reverse('reviews:dashboard')}?{encoded}",
    )


def latest_updates(limit: int = LATEST):
    """The newest public progress reports, with their pledges and authors."""
    return list(
        ProgressUpdate.objects.public()
        .select_related("pledge", "actor")
        .only(
            "id",
            "created_at",
            "stage",
            "language",
            "narrative",
            "pledge__id",
            "pledge__title",
            "pledge__language",
            "actor__name",
            "actor__short_name",
        )
        .order_by("-created_at", "-pk")[:limit]
    )


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
        for o in _objectives()
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
    "currencies": (_("Financial pledges: announced totals by currency"), _by_currency),
}


# --- The world map ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    count: int
    url: str
    level: Level
    d: str = ""  # its outline, when the map draws it


@dataclass(frozen=True)
class WorldMap:
    view_box: str
    drawn: tuple[Country, ...]
    undrawn: tuple[tuple[str, str], ...]  # (name, d) of outlines without an ISO code
    table: tuple[Country, ...]  # every country with pledges, most first
    without: tuple[Country, ...]  # the countries of the map without a pledge
    scale: Scale

    @property
    def total_countries(self) -> int:
        return len(self.table)


def world_map(data: QueryDict) -> WorldMap:
    """Pledges per country concerned (or of the lead), as the `country` filter counts them."""
    base = carried(data, "country")
    narrowed = as_query(base)
    found = {
        row["country"]: row["count"] for row in Selection(narrowed).counts("country-concerned")
    }
    scale = Scale.up_to(max(found.values(), default=0))
    outline = geo.world()

    def country(code: str, d: str = "") -> Country:
        count = found.get(code, 0)
        return Country(
            code,
            str(countries.name(code)) or code,
            count,
            list_url(base, country=code),
            scale.level(count),
            d,
        )

    drawn = tuple(country(s.code, s.d) for s in outline.shapes if s.code)
    table = tuple(sorted((country(code) for code in found), key=lambda c: (-c.count, c.name)))
    without = tuple(sorted((c for c in drawn if not c.count), key=lambda c: c.name))
    undrawn = tuple((s.name, s.d) for s in outline.shapes if not s.code)
    return WorldMap(outline.view_box, drawn, undrawn, table, without, scale)


# --- CSV of a figure -------------------------------------------------------------------------


def _cell(value) -> str:
    text = str(value)
    # A label never starts so, but a spreadsheet must not read one as a formula if it did.
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_response(filename: str, rows) -> HttpResponse:
    """The rows as a CSV download (UTF-8 with a byte order mark, for spreadsheets)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def chart_csv_rows(made: Chart):
    amounts = made.slug == "currencies"
    yield [
        gettext("Group"),
        gettext("Pledges"),
        *([gettext("Amount announced")] if amounts else []),
    ]
    for bar in made.bars:
        yield [bar.label, bar.count, *([bar.value] if amounts else [])]


def map_csv_rows(made: WorldMap):
    yield [gettext("Country code"), gettext("Country"), gettext("Pledges")]
    for country in sorted((*made.table, *made.without), key=lambda c: (-c.count, c.name)):
        yield [country.code, country.name, country.count]
