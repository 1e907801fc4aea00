"""The rows of an export, cast and formatted by the database, fetched in batches.

Each value arrives as it will be written, so Python converts nothing: timestamps as their UTC ISO
text (`datetime.isoformat()`'s form, microseconds only when there are some), dates as ISO dates,
amounts as text with their two decimals (a float for XLSX, where an amount is a number), numbers
as numbers, and — for CSV and XLSX — free text whose first character a spreadsheet would run as a
formula prefixed with an apostrophe. JSON keeps the text as written: it is data, not a sheet.
"""

from itertools import islice

from django.db.models import Case as _Case
from django.db.models import CharField, ExpressionWrapper, FloatField, Func, Value, When
from django.db.models.functions import Cast, Concat, Left
from django.db.models.lookups import In
from django_filters import FilterSet

from reviews.exports.columns import Column, Kind, columns_of, selection

# Rows per FETCH from the server-side cursor, and per batch handed to a writer.
BATCH = 2000
# What a spreadsheet reads as the start of a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _neutralised(expression):
    text = ExpressionWrapper(expression, output_field=CharField())
    return _Case(
        When(In(Left(text, 1), list(FORMULA_STARTS)), then=Concat(Value("'"), text)),
        default=text,
        output_field=CharField(),
    )


class IsoTimestamp(Func):
    """`datetime.astimezone(UTC).isoformat()`, in SQL."""

    output_field = CharField()
    arity = 1

    def as_postgresql(self, compiler, connection, **extra_context):
        utc = "(%(expressions)s AT TIME ZONE 'UTC')"
        template = (
            f"(to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || CASE to_char({utc}, 'US') "
            f"WHEN '000000' THEN '' ELSE '.' || to_char({utc}, 'US') END || '+00:00')"
        )
        return self.as_sql(compiler, connection, template=template, **extra_context)

    def as_sqlite(self, compiler, connection, **extra_context):
        # Stored as UTC text, 'YYYY-MM-DD HH:MM:SS[.ffffff]' (isoformat(" ") of the naive value).
        template = "(replace(%(expressions)s, ' ', 'T') || '+00:00')"
        return self.as_sql(compiler, connection, template=template, **extra_context)


class IsoDate(Func):
    output_field = CharField()
    arity = 1

    def as_postgresql(self, compiler, connection, **extra_context):
        template = "to_char(%(expressions)s, 'YYYY-MM-DD')"
        return self.as_sql(compiler, connection, template=template, **extra_context)

    def as_sqlite(self, compiler, connection, **extra_context):
        # Stored as ISO text already; an expression, so that sqlite3 does not parse it back
        # into a date from the column's declared type.
        template = "(%(expressions)s || '')"
        return self.as_sql(compiler, connection, template=template, **extra_context)


class DecimalText(Func):
    """A decimal as `str(Decimal)` gives it: `1250000.50`, with every decimal place."""

    output_field = CharField()
    arity = 1

    def as_postgresql(self, compiler, connection, **extra_context):
        # numeric(14, 2) keeps its scale when cast to text.
        return self.as_sql(
            compiler, connection, template="(%(expressions)s)::text", **extra_context
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        # SQLite keeps a decimal as a REAL; the field's two places are written back.
        places = self.source_expressions[0].output_field.decimal_places
        template = (
            f"(CASE WHEN %(expressions)s IS NULL THEN NULL "
            f"ELSE printf('%%%%.{places}f', %(expressions)s) END)"
        )
        return self.as_sql(compiler, connection, template=template, **extra_context)


def rendered(column: Column, fmt: str):
    """The SQL expression of `column` as `fmt` writes it."""
    expression = column.expression() if callable(column.expression) else column.expression
    match column.kind:
        case Kind.INT:
            return expression
        case Kind.TEXT:
            return expression if fmt == "json" else _neutralised(expression)
        case Kind.CODE:
            return ExpressionWrapper(expression, output_field=CharField())
        case Kind.DECIMAL:
            return Cast(expression, FloatField()) if fmt == "xlsx" else DecimalText(expression)
        case Kind.DATE:
            return IsoDate(expression)
        case Kind.DATETIME:
            return IsoTimestamp(expression)
    raise ValueError(column.kind)


def ordered(filters: FilterSet):
    """The filtered selection in a total order: by id, unless the filters chose an order (the
    pledges' `sort`), always ending on the id. A selection made distinct by a filter over a
    relation is read again by id, so that annotations and prefetches apply to plain rows."""
    ordering = [*filters.qs.query.order_by, "pk"]
    queryset = filters.qs.order_by(*ordering)
    if getattr(queryset.query, "distinct", False):
        queryset = queryset.model.objects.filter(pk__in=queryset.values("pk")).order_by(*ordering)
    return queryset


def selected(resource: str, params, fmt: str):
    """The queryset of the export: the selection in a total order, as tuples ready to write."""
    filters = params if isinstance(params, FilterSet) else selection(resource, params)
    queryset = ordered(filters)
    columns = columns_of(resource)
    annotated = queryset.annotate(**{f"x_{c.name}": rendered(c, fmt) for c in columns})
    return annotated.values_list(*(f"x_{c.name}" for c in columns))


def batches(resource: str, params, fmt: str):
    """The selection as lists of up to BATCH tuples, streamed over a server-side cursor."""
    stream = selected(resource, params, fmt).iterator(chunk_size=BATCH)
    while batch := list(islice(stream, BATCH)):
        yield batch


def rows(resource: str, params, fmt: str):
    """The selection one tuple at a time (for the writers that take a row at a time)."""
    for batch in batches(resource, params, fmt):
        yield from batch
