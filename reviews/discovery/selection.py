"""The public pledges some filters choose, and the addresses of their lists and feeds: what
every figure of the discovery pages is counted over and links to."""

from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reviews import cards, stats
from reviews.filters import PledgeFilter
from reviews.models import (
    Objective,
    Pledge,
)

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


def objectives() -> list[Objective]:
    return list(Objective.objects.only("number", "short_label").order_by("number"))


def per_objective(rows: list[dict]) -> dict[int, int]:
    """Rows of a coverage dimension added up per objective."""
    totals: dict[int, int] = {}
    for row in rows:
        totals[row["objective"]] = totals.get(row["objective"], 0) + row["count"]
    return totals
