"""A list's rows read by a query compiled once, for the ids of a page (DESIGN §8).

The pledge list's rows carry their related lists (objectives, principles, partners) as
correlated subqueries: building and compiling that query took a third of an API list's time,
every request, although only the ids of the page change. Here the query is built and compiled
once per database (for `pk = ANY(ids)`), and each page runs it with its own ids, its values
converted by the compiler's own converters, as `.values()` would give them. Which rows, in which
order, is decided before, by the list's ordinary queryset (filters, visibility, cursor): this
only reads the columns of rows already chosen.

On PostgreSQL the query is also a prepared statement of the connection (planned once; that
halves its time): it is the one query run with server-side binding, so Django's other queries
stay unprepared, as its PostgreSQL backend keeps them for connection poolers. Behind PgBouncer
in transaction mode before 1.21 (which cannot keep prepared statements), DATABASE_PGBOUNCER=1
turns this off (portal.databases).
"""

import json
import weakref

from django.db import connections
from django.db.models import F, Lookup

try:
    import psycopg
    from django.db.backends.postgresql.base import ServerBindingCursor
    from psycopg.types.numeric import Int8

    # psycopg's own loader of timestamps with a time zone, in C where psycopg has its binary
    # build: Django's (a Python subclass, for its own tzinfo) took a tenth of an API page.
    TIMESTAMPTZ = psycopg.adapters.get_loader(
        psycopg.postgres.types["timestamptz"].oid, psycopg.pq.Format.TEXT
    )
except ImportError:  # no psycopg: SQLite only
    ServerBindingCursor = TIMESTAMPTZ = None
    Int8 = int

# An id no row has: the compiled query is made for it, then run with the page's ids.
SENTINEL = -987654321


class InIds(Lookup):
    """`field = ANY(ids)`, with the ids as one parameter (one query text for any page)."""

    lookup_name = "in_ids"
    prepare_rhs = False

    @staticmethod
    def parameter(ids, vendor: str):
        if vendor == "postgresql":
            # Always bigint[]: psycopg would type small ids int2[] and others int4[], and each
            # type would be a prepared statement of its own.
            return [Int8(pk) for pk in ids]
        return json.dumps([int(pk) for pk in ids])

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        ids = self.parameter(self.rhs, connection.vendor)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", (*lhs_params, ids)
        # lhs is a compiled column reference; the ids are a parameter.
        return f"{lhs} IN (SELECT value FROM json_each(%s))", (*lhs_params, ids)  # noqa: S608


class CompiledRows:
    """`build(queryset)` (a `.values()` queryset) compiled once per database, run per page."""

    def __init__(self, model, build):
        self.model = model
        self.build = build
        # Per connection object (one per thread and database): the compiler belongs to it.
        self._compiled = weakref.WeakKeyDictionary()

    def _compile(self, using: str):
        queryset = self.build(
            self.model._default_manager.using(using).filter(InIds(F("pk"), [SENTINEL]))
        )
        query = queryset.query
        compiler = query.get_compiler(using)
        sql, params = compiler.as_sql()
        sentinel = InIds.parameter([SENTINEL], connections[using].vendor)
        slots = [index for index, param in enumerate(params) if param == sentinel]
        if len(slots) != 1:
            raise RuntimeError("the compiled rows query must take the page's ids exactly once")
        names = [*query.extra_select, *query.values_select, *query.annotation_select]
        fields = [column[0] for column in compiler.select[: compiler.col_count]]
        compiled = (sql, list(params), slots[0], names, compiler, compiler.get_converters(fields))
        self._compiled[connections[using]] = compiled
        return compiled

    def fetch(self, ids, using: str) -> list[dict]:
        """The rows of these ids (in no particular order), as dicts of the values' names."""
        if not ids:
            return []
        compiled = self._compiled.get(connections[using]) or self._compile(using)
        sql, params, slot, names, compiler, converters = compiled
        params = [
            *params[:slot],
            InIds.parameter(ids, connections[using].vendor),
            *params[slot + 1 :],
        ]
        with _cursor(connections[using]) as cursor:
            if TIMESTAMPTZ is not None and connections[using].vendor == "postgresql":
                # Aware datetimes in the connection's time zone (UTC), as Django's are.
                cursor.cursor.adapters.register_loader("timestamptz", TIMESTAMPTZ)
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if converters:
            rows = compiler.apply_converters(rows, converters)
        return [dict(zip(names, row, strict=True)) for row in rows]


def prepares(connection) -> bool:
    """Whether the rows query is a prepared statement on this connection."""
    return connection.vendor == "postgresql" and connection.settings_dict.get(
        "PREPARED_STATEMENTS", True
    )


def _cursor(connection):
    """Django's cursor of the connection (its health check, error wrapping, time zone and
    logging); on PostgreSQL one that binds on the server, so that psycopg prepares the query at
    its first run on the connection."""
    if not prepares(connection):
        return connection.cursor()
    connection.ensure_connection()
    raw = connection.connection
    # Django's backend turns psycopg's preparing off (None); only server-binding cursors
    # prepare, and this is the only one the portal makes.
    if raw.prepare_threshold is None:
        raw.prepare_threshold = 0
    factory = raw.cursor_factory
    raw.cursor_factory = ServerBindingCursor
    try:
        # A failed health check reconnects: the new connection's cursor binds on the client.
        return connection.cursor()
    finally:
        raw.cursor_factory = factory
