"""Write many rows of one table at once: `COPY … FROM STDIN` on PostgreSQL, bulk_create elsewhere.

Used by the demo seed, whose 100k pledges and 1M comments took 12 minutes through bulk_create:
Django built a model instance per row, and PostgreSQL checked every foreign key at the final
commit (Django makes them DEFERRABLE INITIALLY DEFERRED). COPY takes plain tuples, and
`immediate_constraints()` has the database check each row as it goes in. COPY fires the tables'
triggers, so a column a trigger keeps current (a search vector) is filled as with INSERT.

Rows are tuples of the `fields` named (attnames, e.g. `lead_id`), in the database's own terms
(strings, numbers, datetimes); a field the caller leaves out gets its default, a nullable field
without one is left to the database (NULL, or what a trigger puts there).
"""

from collections.abc import Iterable, Sequence

from django.db import connection, models
from django.utils import timezone

# Fields whose Python value is what the database stores: no conversion per row.
PLAIN = (
    models.AutoField,
    models.BigAutoField,
    models.BooleanField,
    models.CharField,
    models.DateField,
    models.DecimalField,
    models.ForeignKey,
    models.IntegerField,
    models.TextField,
)


def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


def immediate_constraints() -> None:
    """Check deferred foreign keys at each statement of the current transaction, not at COMMIT."""
    if on_postgresql():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def allocate_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` fresh primary keys, so that rows written later (replies, links) can name them."""
    if count <= 0:
        return []
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        if on_postgresql():
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite has one writer at a time, and the seed runs in a transaction.
        cursor.execute(f'SELECT COALESCE(MAX("{column}"), 0) FROM "{table}"')  # noqa: S608
        start = cursor.fetchone()[0] + 1
    return list(range(start, start + count))


def _defaults(model, given: Sequence[str]):
    """The fields to write besides `given`, with the value each row gets."""
    now = timezone.now()
    extra = []
    for field in model._meta.concrete_fields:
        if field.attname in given or field.primary_key or getattr(field, "generated", False):
            continue
        if field.db_default is not models.NOT_PROVIDED:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            extra.append((field, now))
        elif field.has_default() or not field.null:
            extra.append((field, field.get_default()))
    return extra


def write(model: type[models.Model], fields: Sequence[str], rows: Iterable[tuple]) -> int:
    """Insert the rows; returns how many. Constraints are checked by the database as usual."""
    extra = _defaults(model, fields)
    if not on_postgresql():
        names = [*fields, *(f.attname for f, _ in extra)]
        defaults = tuple(value for _, value in extra)
        objects = [model(**dict(zip(names, row + defaults, strict=True))) for row in rows]
        model.objects.bulk_create(objects, batch_size=500)
        return len(objects)
    by_name = {f.attname: f for f in model._meta.concrete_fields}
    convert = [
        None if isinstance(by_name[name], PLAIN) else by_name[name] for name in fields
    ]  # e.g. a multiple CountryField stores its list as "GH,MX"
    tail = tuple(
        value if isinstance(field, PLAIN) else field.get_db_prep_save(value, connection)
        for field, value in extra
    )
    columns = ", ".join(
        connection.ops.quote_name(by_name[name].column) for name in fields
    ) + "".join(f", {connection.ops.quote_name(f.column)}" for f, _ in extra)
    sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
    count = 0
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            if any(convert):
                row = tuple(
                    value if field is None else field.get_db_prep_save(value, connection)
                    for field, value in zip(convert, row, strict=True)
                )
            copy.write_row(row + tail)
            count += 1
    return count
