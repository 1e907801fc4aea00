"""A search of the whole site, as /search/ and /api/v1/search/ answer it.

The words (`q`) are read once, as the pledge list reads them (reviews.search.parse), and searched
in the public rows of every kind (reviews.site_search.kinds). Without a `type`, the page shows
the best few results of each kind that has any, each kind's with a link to all of them (the
pledges' to the pledge list itself, with the same words and filters); with a `type`, the
results of that kind, paged by key as the lists are (portal.pagination). The pledge list's
filters narrow the pledges, by the same names and values (reviews.filters.PledgeFilter): given
one, the search shows pledges.

The cost of a page does not grow with the rows: two queries for the facets, over the first
COUNT_LIMIT pledges found, which also count the pledges that far (cached with the statistics;
searching another kind, the pledges are counted by one query, cached alike), a count of every
other kind up to COUNT_LIMIT in one query, and the rows shown, one query per kind shown (one to
three for pledges, one per ranking tier the page reaches).
Suggestions cost two more queries, and only when nothing is found.
"""

from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.http import QueryDict
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext

from portal import keyset
from portal.pagination import CURSOR_PARAMS, Page, page_of
from reviews import discovery, search, stats
from reviews.filters import PledgeFilter
from reviews.forms import SiteSearchForm
from reviews.models import Pledge
from reviews.site_search import suggestions
from reviews.site_search.facets import Choice, Facet, pledge_facets
from reviews.site_search.kinds import KINDS, Hit, Kind

PAGE_SIZE = 20
# Results of each kind on the page of every kind.
PREVIEW = 5
# Each kind is counted up to this many results ("1,000+"), and the facets count as many pledges
# at most: the search is a way in, each of whose counts links to the list that counts them all
# (the pledge list, to 10,000). Counting every match of a common word, the search of 100,000
# pledges took five times as long as that of 1,000.
COUNT_LIMIT = 1000
PLEDGE = "pledge"


def address(params: dict) -> str:
    """The search with these parameters (a value or a list of values; empty ones left out)."""
    data = QueryDict(mutable=True)
    for name, value in params.items():
        values = value if isinstance(value, list) else [value]
        values = [str(item) for item in values if item not in (None, "")]
        if values:
            data.setlist(name, values)
    encoded = data.urlencode()
    return reverse("reviews:search") + (f"?{encoded}" if encoded else "")


def bounded_counts(querysets: dict, limit: int) -> dict:
    """How many rows each queryset holds, up to `limit`, all in one query: `SELECT (SELECT
    COUNT(*) FROM (… LIMIT n)), …`. A queryset that can hold nothing (`none()`) is 0 unasked."""
    found, parts, params, using = {}, [], [], None
    for name, queryset in querysets.items():
        bounded = queryset.order_by().values("pk")[:limit]
        try:
            sql, part_params = bounded.query.get_compiler(using=bounded.db).as_sql()
        except EmptyResultSet:
            found[name] = 0
            continue
        # The ORM's own SQL of the queryset, its values still parameters.
        parts.append((name, f"(SELECT COUNT(*) FROM ({sql}) AS bounded)"))  # noqa: S608
        params.extend(part_params)
        using = bounded.db
    if parts:
        with connections[using].cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(sql for _name, sql in parts), params)
            row = cursor.fetchone()
        found.update(zip((name for name, _sql in parts), row, strict=True))
    return found


@dataclass
class Section:
    """The results of one kind on the page."""

    kind: str
    label: str
    count: int
    capped: bool
    hits: list[Hit]
    more_url: str  # all of them: the pledge list, or the search of this kind

    @property
    def more(self) -> bool:
        return self.count > len(self.hits)

    @property
    def shown_count(self) -> str:
        """The count in the reader's number format, "1,000+" when it stopped at the limit."""
        shown = formats.number_format(self.count, force_grouping=True)
        return f"{shown}+" if self.capped else shown


@dataclass
class Suggestion:
    words: str
    url: str
    corrections: tuple[tuple[str, str], ...]


@dataclass
class Results:
    form: SiteSearchForm
    pledge_filter: PledgeFilter
    words: str = ""
    chosen: str = ""  # the kind shown alone, or "" for the best of every kind
    searched: bool = False
    errors: dict[str, list[str]] = field(default_factory=dict)
    # (label, messages) of each parameter in error, for the page.
    problems: list[tuple[str, list[str]]] = field(default_factory=list)
    # The chosen type and pledge filters, which a new search of other words keeps.
    hidden: list[tuple[str, str]] = field(default_factory=list)
    types: Facet | None = None
    facets: list[Facet] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    page: Page | None = None
    suggestion: Suggestion | None = None
    # The pledge list's parameters of this search: its words and filters (the list, exports).
    pledge_query: str = ""
    pledge_list_url: str = ""

    @property
    def total(self) -> int:
        return sum(choice.count for choice in self.types.choices) if self.types else 0

    @property
    def capped(self) -> bool:
        """A kind's count stopped at the limit: the total is "at least"."""
        return any(choice.capped for choice in self.types.choices) if self.types else False

    @property
    def shown_total(self) -> str:
        shown = formats.number_format(self.total, force_grouping=True)
        return f"{shown}+" if self.capped else shown

    @property
    def count_limit(self) -> str:
        return formats.number_format(COUNT_LIMIT, force_grouping=True)

    @property
    def sampled(self) -> bool:
        """A facet counted the first COUNT_LIMIT pledges of more: its counts are "at least"."""
        return any(facet.sampled for facet in self.facets)

    @property
    def found(self) -> bool:
        if not self.types:
            return False
        if self.chosen:
            return any(c.count for c in self.types.choices if c.value == self.chosen)
        return self.total > 0


def _errors(form: SiteSearchForm, pledge_filter: PledgeFilter) -> dict[str, list[str]]:
    errors = {name: [str(m) for m in messages] for name, messages in form.errors.items()}
    for name, messages in pledge_filter.errors.items():
        # The words are the form's, validated alike: their errors are said once.
        if name != "q":
            errors[name] = [str(message) for message in messages]
    return errors


def _label(form: SiteSearchForm, name: str) -> str:
    if name in form.fields:
        return str(form.fields[name].label)
    if name in PledgeFilter.base_filters:
        return str(PledgeFilter.base_filters[name].label or name)
    return name


def _ranked(kind: Kind, pledge_filter: PledgeFilter, alternatives, postgresql: bool):
    if kind.value == PLEDGE:
        # The pledge list's own selection and order: its words' tiers, then the newest.
        return pledge_filter.sorted_qs()
    return kind.ranked(alternatives, postgresql=postgresql)


def _first(queryset, size: int) -> list:
    """The first rows of a ranked queryset, read tier by tier as its first page would be."""
    order = keyset.order_of(queryset)
    if order is None:
        return list(queryset[:size])
    return keyset.keyset_page(queryset, order, size).rows


def _finding_nothing(words: list[str], postgresql: bool) -> list[str]:
    """The words that, searched alone, find nothing public of any kind (one query)."""
    checks = {
        (word, kind.value): kind.matching([[search.Term((word,))]], postgresql=postgresql)
        for word in words
        for kind in KINDS.values()
    }
    found = bounded_counts(checks, 1)
    return [word for word in words if not any(found[(word, kind)] for kind in KINDS)]


def _counts(pledges: tuple[int, bool], alternatives, postgresql: bool) -> dict:
    """{kind: (count, whether it stopped at the limit)}: the pledges' as given, the others' in
    one query, uncached (a moderator's hiding of a comment or a report is not among the writes
    the statistics' token follows)."""
    others = bounded_counts(
        {
            kind.value: kind.matching(alternatives, postgresql=postgresql)
            for kind in KINDS.values()
            if kind.value != PLEDGE
        },
        COUNT_LIMIT,
    )
    return {PLEDGE: pledges} | {name: (n, n >= COUNT_LIMIT) for name, n in others.items()}


def _suggestion(data, words: str, alternatives, postgresql: bool, using: str):
    """The search again with its misspelt words corrected, if any is (None otherwise)."""
    missing = _finding_nothing(suggestions.words_of(alternatives), postgresql)
    replacements = suggestions.nearest(missing, postgresql=postgresql, using=using)
    if not replacements:
        return None
    text = suggestions.corrected(words, replacements)
    kept = {name: data.getlist(name) for name in data if name not in ("q", *CURSOR_PARAMS)}
    return Suggestion(text, address({**kept, "q": text}), tuple(replacements.items()))


def run(request) -> Results:
    """The search the request's parameters ask for (`request.GET`: q, type, page keys and the
    pledge list's filters). Invalid parameters give `errors` and no result."""
    data = request.GET
    form = SiteSearchForm(data)
    pledge_filter = PledgeFilter(data, queryset=Pledge.objects.public())
    results = Results(form=form, pledge_filter=pledge_filter)
    valid = form.is_valid() & pledge_filter.is_valid()  # both, so that both say what is wrong
    narrowed = bool(discovery.carried(data, "q"))
    if valid and narrowed and form.cleaned_data["type"] not in ("", PLEDGE):
        form.add_error(
            "type",
            gettext(
                "The pledge list's filters choose pledges: search pledges, or leave the "
                "filters out."
            ),
        )
    results.errors = _errors(form, pledge_filter)
    if results.errors:
        results.problems = [(_label(form, name), m) for name, m in results.errors.items()]
        return results
    carried = discovery.carried(data)
    results.hidden = [
        (name, value) for name, values in carried.items() if name != "q" for value in values
    ]
    if form.cleaned_data["type"]:
        results.hidden.append(("type", form.cleaned_data["type"]))
    results.words = words = form.cleaned_data["q"]
    results.chosen = chosen = form.cleaned_data["type"] or (PLEDGE if narrowed else "")
    if not words:
        return results
    results.searched = True
    alternatives = search.parse(words)
    public = Pledge.objects.public()
    postgresql = search.on_postgresql(public)
    results.pledge_query = discovery.as_query(carried).urlencode()
    results.pledge_list_url = discovery.list_url(carried)

    if chosen in ("", PLEDGE):

        def facet_url(name: str, value) -> str:
            params = discovery.carried(data, name)
            if value is not None:
                params[name] = [value]
            return address({**params, "type": PLEDGE})

        # The facets read the selection's first pledges: how many there are, up to the limit.
        results.facets, selected = pledge_facets(pledge_filter, data, facet_url, limit=COUNT_LIMIT)
        pledges = (selected, selected >= COUNT_LIMIT)
    else:
        pledges = stats.total(data, COUNT_LIMIT, pledge_filter.qs)
    counts = _counts(pledges, alternatives, postgresql)

    def kind_url(value: str) -> str:
        # Pledges keep the pledge filters; any other kind is searched by its words alone.
        if value == PLEDGE:
            return address({**carried, "type": PLEDGE})
        return address({"q": words, "type": value})

    results.types = Facet(
        name="type",
        label=str(form.fields["type"].label),
        choices=tuple(
            Choice(
                value=kind.value,
                label=str(kind.plural),
                count=counts[kind.value][0],
                capped=counts[kind.value][1],
                url=kind_url(kind.value),
                chosen=kind.value == chosen,
            )
            for kind in KINDS.values()
        ),
        clear_url=address({"q": words}) if chosen else "",
    )

    def more_url(kind: Kind) -> str:
        return results.pledge_list_url if kind.value == PLEDGE else kind_url(kind.value)

    def shown(kind: Kind):
        ranked = _ranked(kind, pledge_filter, alternatives, postgresql)
        return kind.shown(ranked, alternatives, postgresql=postgresql)

    def hits(kind: Kind, rows) -> list[Hit]:
        return [kind.hit(row, alternatives, postgresql=postgresql) for row in rows]

    if chosen:
        kind = KINDS[chosen]
        page = page_of(shown(kind), request, PAGE_SIZE, keyset=True)
        page.count, page.count_capped = counts[chosen]
        page.rows = hits(kind, page.rows)
        results.page = page
        count, capped = counts[chosen]
        results.sections = [
            Section(chosen, str(kind.plural), count, capped, page.rows, more_url(kind))
        ]
    else:
        for kind in KINDS.values():
            count, capped = counts[kind.value]
            if count:
                found = hits(kind, _first(shown(kind), PREVIEW))
                section = Section(
                    kind.value, str(kind.plural), count, capped, found, more_url(kind)
                )
                results.sections.append(section)
        # The kinds whose best result ranks higher first (a title found before a text), the
        # kinds' own order between equals.
        results.sections.sort(key=lambda s: -s.hits[0].tier if s.hits else 0)

    if not results.found:
        results.suggestion = _suggestion(data, words, alternatives, postgresql, public.db)
    return results
