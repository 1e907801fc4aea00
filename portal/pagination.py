"""One paginator for the site's HTML lists: a page of rows without counting the whole table.

It fetches one row more than the page holds to know whether another page follows (DESIGN §8: no
`COUNT(*)` over the table on every page). Big lists page by key (`keyset=True`): the links carry
the sort values of the last (or first) row shown, `?after=…` or `?before=…`, and the next page is
read with `WHERE (sort keys) beyond them`, so page 4,000 costs what the first page costs, where an
OFFSET reads and throws away every row before it. `?page=N` keeps working (offset), for old links.
The API pages with a cursor (`portal.api`).
"""

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass, field
from math import ceil

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import F, OrderBy, Q

# Far beyond any list's end, and well inside what a database accepts as an OFFSET.
MAX_PAGE = 100_000
# A key longer than this was not made by a page link (a title is at most a few hundred bytes).
MAX_KEY = 2_000
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


@dataclass(frozen=True)
class _Key:
    """One term of a list's order, as keyset paging compares it."""

    field: object  # the model field
    descending: bool
    nulls_last: bool

    def reversed(self) -> "_Key":
        return _Key(self.field, not self.descending, not self.nulls_last)

    def order_by(self) -> OrderBy:
        expression = F(self.field.attname)
        if self.nulls_last:
            return (
                expression.desc(nulls_last=True)
                if self.descending
                else expression.asc(nulls_last=True)
            )
        return (
            expression.desc(nulls_first=True)
            if self.descending
            else expression.asc(nulls_first=True)
        )

    def beyond(self, value) -> Q | None:
        """Rows after `value` in this order (None: no row can be)."""
        name = self.field.attname
        if value is None:
            return None if self.nulls_last else Q(**{f"{name}__isnull": False})
        condition = Q(**{f"{name}__{'lt' if self.descending else 'gt'}": value})
        if self.field.null and self.nulls_last:
            condition |= Q(**{f"{name}__isnull": True})
        return condition

    def equal(self, value) -> Q:
        name = self.field.attname
        return Q(**{f"{name}__isnull": True}) if value is None else Q(**{name: value})


def _keys(queryset) -> list[_Key] | None:
    """The order of the queryset as keys, when keyset paging can follow it: plain model fields
    ending with the primary key (so that no two rows tie), each nullable one with its NULLs
    placed explicitly. Otherwise None, and the list pages by offset."""
    meta = queryset.model._meta
    keys = []
    for term in queryset.query.order_by or meta.ordering:
        if isinstance(term, str):
            descending, name, nulls_last = term.startswith("-"), term.lstrip("-"), None
        elif isinstance(term, OrderBy) and isinstance(term.expression, F):
            descending, name = term.descending, term.expression.name
            nulls_last = True if term.nulls_last else False if term.nulls_first else None
        else:
            return None
        try:
            model_field = meta.pk if name == "pk" else meta.get_field(name)
        except FieldDoesNotExist:
            return None
        if model_field.is_relation or "__" in name:
            return None
        if nulls_last is None:
            if model_field.null:
                return None
            nulls_last = False
        keys.append(_Key(model_field, descending, nulls_last))
    if not keys or keys[-1].field is not meta.pk:
        return None
    return keys


def _json_value(value):
    # Whole ISO 8601, microseconds included (DjangoJSONEncoder keeps milliseconds only, and a
    # key that is not exactly the row's repeats or skips rows).
    if isinstance(value, dt.date):
        return value.isoformat()
    return DjangoJSONEncoder().default(value)


def _encode(keys, row) -> str:
    # A row is a model instance, or a dict of values() named by the columns' attnames.
    if isinstance(row, dict):
        values = [row[key.field.attname] for key in keys]
    else:
        values = [getattr(row, key.field.attname) for key in keys]
    text = json.dumps(values, default=_json_value, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _decode(keys, token: str) -> list | None:
    """The sort values a page link carries, or None for anything a link did not make."""
    if not token or len(token) > MAX_KEY:
        return None
    try:
        values = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (binascii.Error, ValueError):
        return None
    if not isinstance(values, list) or len(values) != len(keys):
        return None
    if any(value is None and not key.field.null for key, value in zip(keys, values, strict=True)):
        return None
    try:
        return [
            None if value is None else key.field.to_python(value)
            for key, value in zip(keys, values, strict=True)
        ]
    except (ValidationError, TypeError, ValueError, OverflowError):
        return None


def _after(keys, values) -> Q:
    """Rows after the one with these sort values: (k1 beyond v1) or (k1 = v1 and k2 beyond v2)…"""
    condition, equal = Q(pk__in=[]), Q()
    for key, value in zip(keys, values, strict=True):
        beyond = key.beyond(value)
        if beyond is not None:
            condition |= equal & beyond
        equal &= key.equal(value)
    return condition


def _keyset_page(queryset, keys, request, size: int) -> tuple[list, str, str, bool]:
    """(rows, after, before, has_next) of the page the request's key asks for."""
    after = _decode(keys, request.GET.get("after", ""))
    before = None if after is not None else _decode(keys, request.GET.get("before", ""))
    if before is not None:
        backwards = [key.reversed() for key in keys]
        rows = list(
            queryset.filter(_after(backwards, before)).order_by(
                *[key.order_by() for key in backwards]
            )[: size + 1]
        )
        more_before, rows = len(rows) > size, rows[:size][::-1]
        has_next, has_previous = True, more_before
    else:
        if after is not None:
            queryset = queryset.filter(_after(keys, after))
        rows = list(queryset[: size + 1])
        has_next, rows = len(rows) > size, rows[:size]
        has_previous = after is not None
    if not rows:
        return rows, "", "", False
    return (
        rows,
        _encode(keys, rows[-1]) if has_next else "",
        _encode(keys, rows[0]) if has_previous else "",
        has_next,
    )


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
    keys = _keys(queryset) if keyset and "page" not in request.GET else None
    if keys is not None:
        number, (rows, after, before, has_next) = None, _keyset_page(queryset, keys, request, size)
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
