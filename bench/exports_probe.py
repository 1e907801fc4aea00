"""Metric d: the open data exports of all public pledges against `COPY (SELECT …) TO STDOUT`.

The COPY runs the export's own query, `reviews.exports.sql.selected` (the public pledges, the
export's columns cast and formatted as annotations, `values_list`), compiled by Django with
`sql_with_params()` and bound by psycopg. So the ratio is the cost of everything the export
does beyond reading its rows from PostgreSQL. Memory is the peak of Python allocations
(tracemalloc) while the body streams, measured apart from the timed runs, which it would slow.
"""

import os
import statistics
import time
import tracemalloc

from django.db import connection
from django.http import QueryDict
from django.urls import reverse

from reviews.exports import sql

FORMATS = ("csv", "json", "xlsx")
# The streamed formats, whose memory must stay flat (XLSX goes through a temporary file).
MEMORY_FORMATS = ("csv", "json")
# Whole exports take seconds to minutes at the large size: one timed run each by default, right
# after a COPY of the same rows has warmed the database's cache.
REPEAT = int(os.environ.get("BENCH_EXPORT_REPEAT", 1))


class Failed(Exception):
    """A page could not be measured (not a 200, or an exception)."""


def export_queryset(params: QueryDict):
    """The queryset the CSV export streams: its rows, cast and formatted by the database."""
    return sql.selected("pledges", params, "csv")


def copy_seconds(params: QueryDict) -> tuple[float, int]:
    """Time of COPY of the export's query to STDOUT (read to its end), and its size in bytes."""
    sql, values = export_queryset(params).query.sql_with_params()
    statement = f"COPY ({connection.ops.compose_sql(sql, values)}) TO STDOUT WITH (FORMAT csv)"
    size = 0
    started = time.perf_counter()
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for block in copy:
            size += len(block)
    return time.perf_counter() - started, size


def _download(client, fmt: str, params: dict) -> int:
    response = client.get(reverse("reviews:export", args=["pledges", fmt]), params)
    if response.status_code != 200:
        raise Failed(f"the {fmt} export answered {response.status_code}")
    return sum(len(chunk) for chunk in response.streaming_content)


def seconds(client, fmt: str, params: dict) -> float:
    samples = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        _download(client, fmt, params)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def memory_growth(client, fmt: str, params: dict) -> float:
    """Peak Python allocations while the export streams, in MB above the start."""
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        _download(client, fmt, params)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return (peak - before) / 2**20


def rows_of(params: dict) -> int:
    query = QueryDict(mutable=True)
    query.update(params)
    return export_queryset(query).count()


def measure(client, ctx, deep: bool) -> dict:
    """Times and copy ratios of every format for all public pledges; memory growth for all of
    them and, on the large database, for one objective's share (about a tenth)."""
    everything: dict = {}
    copies = []
    for _ in range(REPEAT + 1):
        copied, size = copy_seconds(QueryDict())
        copies.append(copied)
    # The first COPY only warms the cache.
    result = {"rows": rows_of({}), "copy": statistics.median(copies[1:]), "copy_bytes": size}
    for fmt in FORMATS:
        result[fmt] = seconds(client, fmt, everything)
    selections = {"all": everything}
    if deep:
        selections["objective"] = {"objective": ctx.objective}
    result["memory"] = {
        name: {
            "rows": rows_of(params),
            **{fmt: memory_growth(client, fmt, params) for fmt in MEMORY_FORMATS},
        }
        for name, params in selections.items()
    }
    return result
