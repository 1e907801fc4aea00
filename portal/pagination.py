"""One paginator for the site's HTML lists: a page of rows without counting the whole table.

It fetches one row more than the page holds to know whether another page follows (DESIGN §8: no
`COUNT(*)` over the table on every page). Big lists page by key (`keyset=True`): the links carry
the sort values of the last (or first) row shown, `?after=…` or `?before=…`, and the next page is
read with `WHERE (sort keys) beyond them` (`portal.keyset`, which also pages an order that leads
with a search's tiers). `?page=N` keeps working (offset), for old links. The API pages with a
cursor (`portal.api`), by the same keys.
"""

from dataclasses import dataclass, field
from math import ceil

from portal.keyset import keyset_page, order_of

# Far beyond any list's end, and well inside what a database accepts as an OFFSET.
MAX_PAGE = 100_000
CURSOR_PARAMS = ("page", "after", "before")


@dataclass
class Page:
    rows: list
    number: int | None
    has_next: bool
    query: str = ""
    count: int | None = None
    size: int = 20
    # The count stopped at the limit: there are at least `count` rows, maybe more.
    count_capped: bool = False
    extra: dict = field(default_factory=dict)
    # Paged by key: the keys of the pages after and before this one ("" when there is none).
    after: str = ""
    before: str = ""

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, index):
        return self.rows[index]

    def __contains__(self, item):
        return item in self.rows

    @property
    def keyset(self) -> bool:
        return self.number is None

    @property
    def has_previous(self) -> bool:
        return bool(self.before) if self.keyset else self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def num_pages(self) -> int | None:
        if self.count is None or self.count_capped or self.keyset:
            return None
        return max(1, ceil(self.count / self.size))


def page_number(value) -> int:
    """The page asked for; anything that is not a page number in range is the first page."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return 1
    return number if 1 <= number <= MAX_PAGE else 1


def page_of(
    queryset,
    request,
    size: int,
    *,
    count: bool = False,
    count_limit: int = 0,
    keyset: bool = False,
) -> Page:
    """The requested page of the queryset; `count=True` also counts the whole selection (for
    small tables whose total is worth showing).

    With `count_limit`, the count reads at most that many rows (`SELECT COUNT(*) FROM (… LIMIT
    n)`): exact for any selection up to the limit, "at least n" beyond, and never a scan of a
    large table. With `keyset`, the list pages by key (see the module) unless the request asks
    for a page number or the order cannot be followed by key."""
    query = request.GET.copy()
    for name in CURSOR_PARAMS:
        query.pop(name, None)
    order = order_of(queryset) if keyset and "page" not in request.GET else None
    if order is not None:
        number = None
        found = keyset_page(
            queryset, order, size, request.GET.get("after", ""), request.GET.get("before", "")
        )
        rows, after, before, has_next = found.rows, found.after, found.before, found.has_next
    else:
        number, after, before = page_number(request.GET.get("page", 1)), "", ""
        offset = (number - 1) * size
        rows = list(queryset[offset : offset + size + 1])
        has_next, rows = len(rows) > size, rows[:size]
    total, capped = None, False
    if count_limit:
        total = queryset.order_by()[:count_limit].count()
        capped = total >= count_limit
    elif count:
        total = queryset.count()
    return Page(
        rows=rows,
        number=number,
        has_next=has_next,
        query=query.urlencode(),
        count=total,
        size=size,
        count_capped=capped,
        after=after,
        before=before,
    )
