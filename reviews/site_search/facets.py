"""The facets of a search: how many results each type holds, and how many pledges each value of
the pledge list's filters would leave (objective, stakeholder kind and region of the lead,
country, cycle, status, language).

A facet's value is the pledge list's filter of the same name and value (reviews.filters), so a
count is exactly what `PledgeFilter` with that value added counts: each facet is counted over
the selection with every chosen filter but its own (choosing another value of it replaces the
one chosen), grouped by its values in one query for all seven facets (a UNION ALL of seven
grouped counts), as reviews.stats counts them: by the pledge–objective rows for objectives, by
each country a pledge concerns or its lead is of for countries. The counts are cached with the
statistics, under their token, which every change of a pledge replaces.
"""

from dataclasses import dataclass

from django.db.models import Count, QuerySet, TextField, Value
from django.db.models.functions import Cast
from django.utils.translation import gettext
from django_countries import countries

from portal.filters import choices_of
from reviews import stats
from reviews.filters import PledgeFilter
from reviews.models import Pledge

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
    capped: bool = False  # the count stopped at the limit: at least `count`


@dataclass(frozen=True)
class Facet:
    name: str
    label: str
    choices: tuple[Choice, ...]
    clear_url: str = ""  # the search without this facet's value, when one is chosen

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


def _shared_rows(pledge_filter: PledgeFilter, names: list[str]) -> list[tuple]:
    """The facets none of whose values is chosen, counted over the whole selection in one
    scan: grouped by all their columns at once, and added up here per facet."""
    columns = sorted({column for name in names for column in COLUMNS[name] if column})
    aliases = {f"facet_{n}": Cast(column, TextField()) for n, column in enumerate(columns)}
    alias_of = dict(zip(columns, aliases, strict=True))
    combinations = (
        without(pledge_filter, "").values(**aliases).annotate(facet_count=Count("*")).order_by()
    )
    totals: dict[tuple, int] = {}
    for combination in combinations:
        for name in names:
            key, extra = COLUMNS[name]
            found = (
                name,
                combination[alias_of[key]],
                combination[alias_of[extra]] if extra else None,
            )
            totals[found] = totals.get(found, 0) + combination["facet_count"]
    return [(*found, count) for found, count in totals.items()]


def _count_rows(pledge_filter: PledgeFilter) -> list[tuple]:
    """(facet, value, second column, count) rows of every facet, in two queries: the facets
    with a chosen value, each over the selection without it, and the objectives (counted by
    their pledge–objective rows) in one UNION ALL; every other facet in one grouped scan of
    the selection (a scan for each took seven times as long at 100,000 pledges)."""
    chosen = [name for name in COLUMNS if _chosen_value(pledge_filter, name)]
    through = Pledge.objectives.through.objects.filter(
        pledge_id__in=without(pledge_filter, "objective").values("pk")
    )
    first = _grouped(through, "objective", "objective__number", "objective__short_label")
    rest = [_grouped(without(pledge_filter, name), name, *COLUMNS[name]) for name in chosen]
    rows = [tuple(row) for row in first.union(*rest, all=True).order_by()]
    shared = [name for name in COLUMNS if name not in chosen]
    return rows + (_shared_rows(pledge_filter, shared) if shared else [])


def counts(pledge_filter: PledgeFilter, data) -> dict[str, dict[str, tuple[int, str]]]:
    """{facet: {value: (count, label or "")}} of a valid filter, from the statistics' cache
    when no pledge changed since."""
    key = stats.cache_key("search-facets", data)
    seconds = stats.FRESHNESS_SECONDS if data.get("freshness") else stats.CACHE_SECONDS
    rows = stats.remembered(key, lambda: _count_rows(pledge_filter), seconds)
    found: dict[str, dict[str, tuple[int, str]]] = {name: {} for name in FACETS}
    for facet, value, extra, count in rows:
        if facet == "country":
            # A pledge once under each country it concerns or its lead is of (the filter's rule).
            for code in {*filter(None, (value or "").split(",")), *filter(None, [extra])}:
                before = found[facet].get(code, (0, ""))[0]
                found[facet][code] = (before + count, "")
        elif value:
            found[facet][value] = (count, extra or "")
    return found


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


def pledge_facets(pledge_filter: PledgeFilter, data, url, *, empty: bool = False) -> list[Facet]:
    """The facets of the pledges a valid filter chooses; `url(name, value)` is the address of
    the search with the filter `name` set to `value` (or left out, for None). `empty`: the
    selection holds no pledge, so nothing needs counting (only a chosen value is listed)."""
    found = {name: {} for name in FACETS} if empty else counts(pledge_filter, data)
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
            )
            for value, (count, _label) in values.items()
        ]
        facets.append(
            Facet(
                name=name,
                label=str(PledgeFilter.base_filters[name].label),
                choices=tuple(_order(name, choices)),
                clear_url=url(name, None) if chosen else "",
            )
        )
    return facets
