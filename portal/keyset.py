"""Keyset paging: a list's next page read with `WHERE (sort keys) beyond the last row shown`.

The links carry the sort values of the last (or first) row shown, so page 4,000 costs what the
first page costs, where an OFFSET reads and throws away every row before it. The HTML lists
(`portal.pagination.page_of`) and the API's cursor (`portal.api`) both page through here.

An order may lead with tiers (`Tiers`): an annotation that is a CASE of conditions with constant
values, such as a search's rank. Sorting by it would read every row to sort them; the page is
read instead one tier at a time, each tier a condition of its own, in the order that follows it
(an index's), and only as many tiers as the page needs: one more query per tier it reaches.
"""

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Case, F, IntegerField, OrderBy, Q, Value, When

# A key longer than this was not made by a page link (a title is at most a few hundred bytes).
MAX_KEY = 2_000


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


class Tiers(Case):
    """A CASE of conditions with constant, distinct values, such as a search's rank: the rows of
    a value are those of its condition that no earlier condition took; the rest get `default`.

    Ordered by it, a list is paged one tier at a time (`_Tiers`), each tier read as a condition
    of its own in the order that follows it. The conditions are kept as given: once the CASE is
    part of a query they are resolved into SQL and no longer filter anything else."""

    def __init__(self, *tiers: tuple[int, Q], default: int):
        self.tiers = tiers
        self.default_tier = default
        super().__init__(
            *(When(condition, then=Value(value)) for value, condition in tiers),
            default=Value(default),
            output_field=IntegerField(),
        )


@dataclass(frozen=True)
class _Tiers:
    """The tiers an order leads with, and in which direction."""

    name: str
    descending: bool
    conditions: tuple  # ((value, condition), …) in the CASE's order; the default's is None

    @classmethod
    def of(cls, queryset, name: str, descending: bool) -> "_Tiers | None":
        case = queryset.query.annotations.get(name)
        if not isinstance(case, Tiers):
            return None
        return cls(name, descending, (*case.tiers, (case.default_tier, None)))

    def reversed(self) -> "_Tiers":
        return _Tiers(self.name, not self.descending, self.conditions)

    def values(self) -> list[int]:
        return sorted((value for value, _ in self.conditions), reverse=self.descending)

    def only(self, value: int) -> Q:
        """The rows of this tier: its condition, and none of the conditions before it."""
        rows = Q()
        for tier, condition in self.conditions:
            if tier == value:
                return rows & condition if condition is not None else rows
            rows &= ~condition
        raise ValueError(value)


def _keys(queryset, terms) -> list[_Key] | None:
    """The order terms as keys, when keyset paging can follow them: plain model fields ending
    with the primary key (so that no two rows tie), each nullable one with its NULLs placed
    explicitly. Otherwise None, and the list pages by offset."""
    meta = queryset.model._meta
    keys = []
    for term in terms:
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


def _value(row, key: _Key):
    # A row is a model instance, or a dict of values() named by the columns' attnames (the
    # primary key may be named `pk`).
    if not isinstance(row, dict):
        return getattr(row, key.field.attname)
    if key.field.primary_key and key.field.attname not in row:
        return row["pk"]
    return row[key.field.attname]


@dataclass(frozen=True)
class _Order:
    """A list's order as keyset paging follows it: tiers first (or none), then keys."""

    tiers: _Tiers | None
    keys: list

    def reversed(self) -> "_Order":
        tiers = self.tiers.reversed() if self.tiers is not None else None
        return _Order(tiers, [key.reversed() for key in self.keys])

    def encode(self, tier, row) -> str:
        values = [_value(row, key) for key in self.keys]
        if self.tiers is not None:
            values.insert(0, tier)
        text = json.dumps(values, default=_json_value, separators=(",", ":"))
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    def decode(self, token: str) -> tuple | None:
        """(tier, sort values) of a page link's key, or None for anything a link did not make."""
        if not token or len(token) > MAX_KEY:
            return None
        try:
            values = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        except (binascii.Error, ValueError):
            return None
        if not isinstance(values, list):
            return None
        tier = None
        if self.tiers is not None:
            if not values or type(values[0]) is not int or values[0] not in self.tiers.values():
                return None
            tier, values = values[0], values[1:]
        if len(values) != len(self.keys):
            return None
        keys = self.keys
        if any(
            value is None and not key.field.null for key, value in zip(keys, values, strict=True)
        ):
            return None
        try:
            return tier, [
                None if value is None else key.field.to_python(value)
                for key, value in zip(keys, values, strict=True)
            ]
        except (ValidationError, TypeError, ValueError, OverflowError):
            return None

    def read(self, queryset, position, limit: int, *, reorder: bool) -> list[tuple]:
        """Up to `limit` (tier, row) pairs after `position` (None: from the first row)."""
        if self.tiers is None:
            if position is not None:
                queryset = queryset.filter(_after(self.keys, position[1]))
            if reorder:
                queryset = queryset.order_by(*[key.order_by() for key in self.keys])
            return [(None, row) for row in queryset[:limit]]
        values = self.tiers.values()
        if position is not None:
            values = values[values.index(position[0]) :]
        found = []
        for tier in values:
            rows = queryset.filter(self.tiers.only(tier))
            if position is not None and tier == position[0]:
                rows = rows.filter(_after(self.keys, position[1]))
            rows = rows.order_by(*[key.order_by() for key in self.keys])
            found += [(tier, row) for row in rows[: limit - len(found)]]
            if len(found) >= limit:
                break
        return found


def order_of(queryset) -> _Order | None:
    """The queryset's order as keyset paging follows it, or None when it cannot."""
    terms = list(queryset.query.order_by or queryset.model._meta.ordering)
    tiers = None
    if terms:
        first = terms[0]
        if isinstance(first, str):
            tiers = _Tiers.of(queryset, first.lstrip("-"), first.startswith("-"))
        elif isinstance(first, OrderBy) and isinstance(first.expression, F):
            tiers = _Tiers.of(queryset, first.expression.name, first.descending)
    keys = _keys(queryset, terms[1:] if tiers is not None else terms)
    return None if keys is None else _Order(tiers, keys)


def _json_value(value):
    # Whole ISO 8601, microseconds included (DjangoJSONEncoder keeps milliseconds only, and a
    # key that is not exactly the row's repeats or skips rows).
    if isinstance(value, dt.date):
        return value.isoformat()
    return DjangoJSONEncoder().default(value)


def _after(keys, values) -> Q:
    """Rows after the one with these sort values: (k1 beyond v1) or (k1 = v1 and k2 beyond v2)…"""
    condition, equal = Q(pk__in=[]), Q()
    for key, value in zip(keys, values, strict=True):
        beyond = key.beyond(value)
        if beyond is not None:
            condition |= equal & beyond
        equal &= key.equal(value)
    return condition


@dataclass
class KeysetPage:
    rows: list
    after: str  # the key of the next page ("" when there is none)
    before: str  # the key of the previous page ("" when there is none)
    has_next: bool


def keyset_page(queryset, order: _Order, size: int, after: str = "", before: str = ""):
    """The page after the key `after`, or before the key `before`, or else the first page."""
    position = order.decode(after)
    backwards = order.reversed()
    before_position = None if position is not None else backwards.decode(before)
    if before_position is not None:
        pairs = backwards.read(queryset, before_position, size + 1, reorder=True)
        more_before, pairs = len(pairs) > size, pairs[:size][::-1]
        has_next, has_previous = True, more_before
    else:
        pairs = order.read(queryset, position, size + 1, reorder=False)
        has_next, pairs = len(pairs) > size, pairs[:size]
        has_previous = position is not None
    if not pairs:
        return KeysetPage([], "", "", False)
    return KeysetPage(
        [row for _, row in pairs],
        order.encode(*pairs[-1]) if has_next else "",
        order.encode(*pairs[0]) if has_previous else "",
        has_next,
    )
