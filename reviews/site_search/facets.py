"""The facets of a search: how many results each type holds, and how many pledges each value of
the pledge list's filters would leave (objective, stakeholder kind and region of the lead,
country, cycle, status, language).

A facet's value is the pledge list's filter of the same name and value (reviews.filters), so a
count is exactly what `PledgeFilter` with that value added counts: each facet is counted over
the selection with every chosen filter but its own (choosing another value of it replaces the
one chosen), grouped by its values, as reviews.stats counts them: by the pledge–objective rows
for objectives, by each country a pledge concerns or its lead is of for countries. The counts are
cached with the statistics, under their token, which every change of a pledge replaces.

A facet counts at most `limit` pledges of its selection (the search counts each kind as far):
of a common word's ten thousand pledges, it counts the first thousand the database finds, each
count then "at least" (`Choice.capped`), and the pledge list each value links to counts them
all. Counting every match made a common word's search five times as slow at 100,000 pledges as
at 1,000; a selection under the limit is counted exactly.
"""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, OuterRef, QuerySet, StringAgg, Subquery, TextField, Value
from django.db.models.functions import Cast
from django.utils.translation import gettext
from django_countries import countries

from portal.filters import choices_of
from reviews import stats
from reviews.filters import PledgeFilter
from reviews.models import Objective, Pledge

# The pledge list's filters offered as facets, in the order the page lists them.
FACETS = ("objective", "actor_kind", "region", "country", "cycle", "status", "language")
# A facet lists this many values, the rest behind "more".
SHOWN = 10


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    count: int
    url: str
    chosen: bool = False
    capped: bool = False  # the count stopped at the limit, or counted a sample: at least `count`


@dataclass(frozen=True)
class Facet:
    name: str
    label: str
    choices: tuple[Choice, ...]
    clear_url: str = ""  # the search without this facet's value, when one is chosen
    sampled: bool = False  # counted over the first pledges found only: each count "at least"

    @property
    def shown(self) -> tuple[Choice, ...]:
        return self.choices[:SHOWN]

    @property
    def more(self) -> tuple[Choice, ...]:
        return self.choices[SHOWN:]

    @property
    def chosen(self) -> Choice | None:
        return next((choice for choice in self.choices if choice.chosen), None)


def without(pledge_filter: PledgeFilter, name: str) -> QuerySet:
    """The filter's selection without its filter `name`: the pledges among which that facet's
    values are counted. The filters apply the values the form has validated already, so nothing
    is looked up again."""
    queryset = pledge_filter.queryset.all()
    for field, value in pledge_filter.form.cleaned_data.items():
        if field not in (name, "sort"):
            queryset = pledge_filter.filters[field].filter(queryset, value)
    return queryset.order_by()


def _first(queryset: QuerySet, limit: int) -> QuerySet:
    """The pledges of a selection, at most `limit` of them (the first the database finds)."""
    return Pledge.objects.filter(pk__in=queryset.values("pk")[:limit]).order_by()


def _grouped(rows: QuerySet, facet: str, key: str, extra: str | None = None) -> QuerySet:
    # (facet, value, a second column, count) of one facet, as a UNION of them reads them.
    text = TextField()
    second = Cast(extra, text) if extra else Value(None, output_field=text)
    return (
        rows.order_by()
        .values(facet_key=Cast(key, text), facet_extra=second)
        .annotate(facet_count=Count("*"))
        .values_list(Value(facet, output_field=text), "facet_key", "facet_extra", "facet_count")
    )


def _size(rows: QuerySet, facet: str) -> QuerySet:
    # (SIZE, facet, None, how many pledges its counts read): the row that says it was capped.
    text = TextField()
    return (
        rows.order_by()
        .values(facet_key=Value(facet, output_field=text))
        .annotate(facet_count=Count("*"))
        .values_list(
            Value(SIZE, output_field=text),
            "facet_key",
            Value(None, output_field=text),
            "facet_count",
        )
    )


# The facet of the rows that say how many pledges each facet counted.
SIZE = "#size"

# The pledge's columns each facet is counted by: its value, and a second one (the value's label,
# or, for countries, the lead's country: a pledge counts under those it concerns and its lead's).
COLUMNS = {
    "actor_kind": ("lead__kind", None),
    "region": ("lead__region", None),
    "country": ("countries", "lead__country"),
    "cycle": ("cycle__slug", "cycle__name"),
    "status": ("status", None),
    "language": ("language", None),
}


def _objectives_of_each() -> Subquery:
    # The ids of the outer pledge's objectives, as text ("3,7,12").
    through = Pledge.objectives.through.objects.filter(pledge_id=OuterRef("pk"))
    ids = (
        through.order_by()
        .values("pledge_id")
        .annotate(ids=StringAgg(Cast("objective_id", TextField()), delimiter=Value(",")))
    )
    return Subquery(ids.values("ids"), output_field=TextField())


def _shared_rows(pledge_filter: PledgeFilter, names: list[str], limit: int):
    """(rows, {objective id: count}) of the facets `names`, none of whose values is chosen,
    counted over the selection's first `limit` pledges, read in one query (their columns as
    text, and the ids of their objectives, added up here by combination, then per facet:
    grouping them in the database read each pledge again for each of two groupings); with a
    SIZE row for each of `names`, and one for the selection itself ("")."""
    columns = sorted(
        {column for name in names if name in COLUMNS for column in COLUMNS[name] if column}
    )
    expressions = [Value(1), *(Cast(column, TextField()) for column in columns)]
    if "objective" in names:
        expressions.append(_objectives_of_each())
    read = list(without(pledge_filter, "").values_list(*expressions)[:limit])
    # Few combinations of the columns, and few of the objectives: each added up once.
    combinations = Counter(row[: len(columns) + 1] for row in read)
    position = {column: n for n, column in enumerate(columns, start=1)}
    totals: Counter = Counter()
    for combination, count in combinations.items():
        for name in names:
            if name in COLUMNS:
                key, extra = COLUMNS[name]
                found = combination[position[key]], combination[position[extra]] if extra else None
                totals[(name, *found)] += count
    by_objective: Counter = Counter()
    if "objective" in names:
        for ids, count in Counter(row[-1] for row in read).items():
            for objective_id in filter(None, (ids or "").split(",")):
                by_objective[int(objective_id)] += count
    counted = len(read)
    sizes = [(SIZE, name, None, counted) for name in ["", *names]]
    return [(*found, count) for found, count in totals.items()] + sizes, by_objective


# The rows that name each objective: (LABEL, id, short label, number).
LABEL = "#objective"


def _count_rows(pledge_filter: PledgeFilter, limit: int) -> list[tuple]:
    """(facet, value, second column, count) rows of every facet, in two queries: the first
    `limit` pledges of the selection with the columns of the facets none of whose values is
    chosen and the ids of their objectives, added up here; then, in one UNION ALL, the
    objectives' numbers and labels, and each facet with a chosen value over the first `limit`
    pledges of the selection without it (the objectives by their pledge–objective rows). SIZE
    rows say how many pledges each facet read."""
    chosen = [name for name in FACETS if _chosen_value(pledge_filter, name)]
    names = [name for name in FACETS if name not in chosen]
    shared, by_objective = _shared_rows(pledge_filter, names, limit)
    selected = next(n for facet, value, _extra, n in shared if (facet, value) == (SIZE, ""))
    if not chosen and not selected:
        return shared  # nothing selected, nothing chosen: nothing more to count
    text = TextField()
    parts = []
    if by_objective:
        parts.append(
            Objective.objects.order_by().values_list(
                Value(LABEL, output_field=text),
                Cast("pk", text),
                Cast("short_label", text),
                "number",
            )
        )
    for name in chosen:
        rows = _first(without(pledge_filter, name), limit)
        if name == "objective":
            through = Pledge.objectives.through.objects.filter(pledge__in=rows)
            parts.append(_grouped(through, name, "objective__number", "objective__short_label"))
        else:
            parts.append(_grouped(rows, name, *COLUMNS[name]))
        parts.append(_size(rows, name))
    if not parts:
        return shared
    first, *rest = parts
    found = [tuple(row) for row in (first.union(*rest, all=True) if rest else first).order_by()]
    labels = {
        int(value): (number, label) for facet, value, label, number in found if facet == LABEL
    }
    objectives = [
        ("objective", str(labels[pk][0]), labels[pk][1], count)
        for pk, count in by_objective.items()
    ]
    return shared + objectives + [row for row in found if row[0] != LABEL]


@dataclass(frozen=True)
class Counts:
    found: dict[str, dict[str, tuple[int, str]]]  # {facet: {value: (count, label or "")}}
    sampled: frozenset[str]  # the facets that read `limit` pledges and may have more
    selected: int  # the pledges of the selection, up to `limit`


def counts(pledge_filter: PledgeFilter, data, limit: int) -> Counts:
    """The facets' counts of a valid filter, from the statistics' cache when no pledge changed
    since."""
    key = stats.cache_key(f"search-facets-{limit}", data)
    seconds = stats.FRESHNESS_SECONDS if data.get("freshness") else stats.CACHE_SECONDS
    rows = stats.remembered(key, lambda: _count_rows(pledge_filter, limit), seconds)
    found: dict[str, dict[str, tuple[int, str]]] = {name: {} for name in FACETS}
    sampled, selected = set(), 0
    for facet, value, extra, count in rows:
        if facet == SIZE:
            if count >= limit:
                sampled.add(value)
            if not value:
                selected = count
        elif facet == "country":
            # A pledge once under each country it concerns or its lead is of (the filter's rule).
            for code in {*filter(None, (value or "").split(",")), *filter(None, [extra])}:
                before = found[facet].get(code, (0, ""))[0]
                found[facet][code] = (before + count, "")
        elif value:
            found[facet][value] = (count, extra or "")
    return Counts(found, frozenset(sampled), selected)


def _chosen_value(pledge_filter: PledgeFilter, name: str) -> str:
    value = pledge_filter.form.cleaned_data.get(name)
    if value in (None, ""):
        return ""
    to_field = pledge_filter.filters[name].extra.get("to_field_name")
    return str(getattr(value, to_field)) if to_field else str(value)


def _labels(name: str, found: dict[str, tuple[int, str]]) -> dict[str, str]:
    if name == "objective":
        return {
            value: gettext("Objective %(number)s: %(label)s") % {"number": value, "label": label}
            for value, (_count, label) in found.items()
        }
    if name == "cycle":
        return {value: label for value, (_count, label) in found.items()}
    if name == "country":
        return {code: str(countries.name(code)) or code for code in found}
    return {value: str(label) for value, label in choices_of(PledgeFilter.base_filters[name])}


def _order(name: str, choices: list[Choice]) -> list[Choice]:
    if name == "objective":
        return sorted(choices, key=lambda c: int(c.value))
    if name in ("country", "cycle"):
        return sorted(choices, key=lambda c: (-c.count, c.label))
    # The choices' own order (kinds, regions, statuses, languages as the filter lists them).
    order = [value for value, _label in choices_of(PledgeFilter.base_filters[name])]
    return sorted(choices, key=lambda c: order.index(c.value) if c.value in order else len(order))


def pledge_facets(pledge_filter: PledgeFilter, data, url, *, limit: int):
    """(the facets, the pledges selected up to `limit`) of the pledges a valid filter chooses,
    each facet counted over `limit` pledges at most; `url(name, value)` is the address of the
    search with the filter `name` set to `value` (or left out, for None)."""
    counted = counts(pledge_filter, data, limit)
    found, sampled = counted.found, counted.sampled
    facets = []
    for name in FACETS:
        chosen = _chosen_value(pledge_filter, name)
        values = dict(found[name])
        if chosen and chosen not in values:
            values[chosen] = (0, "")
        labels = _labels(name, values)
        if chosen and name in ("objective", "cycle") and not labels.get(chosen):
            labels[chosen] = str(pledge_filter.form.cleaned_data[name])
        choices = [
            Choice(
                value=value,
                label=labels.get(value) or value,
                count=count,
                url=url(name, value),
                chosen=value == chosen,
                capped=name in sampled,
            )
            for value, (count, _label) in values.items()
        ]
        facets.append(
            Facet(
                name=name,
                label=str(PledgeFilter.base_filters[name].label),
                choices=tuple(_order(name, choices)),
                clear_url=url(name, None) if chosen else "",
                sampled=name in sampled,
            )
        )
    return facets, counted.selected
