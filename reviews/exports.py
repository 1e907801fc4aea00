"""Open data: the filtered selection, whole, as CSV, XLSX or JSON, streamed in constant memory.

Rows come from `values_list` over a server-side cursor (`.iterator()`), with the many-to-many
columns joined in SQL subqueries, so no model objects are built. Only public content is ever
exported: the public pledges of the list and the statistics (published, and withdrawn ones marked
as such), no draft, no hidden comment or update, no e-mail address.

A streamed body cannot change its 200 once sent, so its format tells whether it is whole: a CSV
ends with CSV_TRAILER, a JSON array is closed only after its last row, and a failure half-way is
logged and aborts the response. XLSX is built whole before it is sent.
"""

import csv
import datetime as dt
import decimal
import json
import logging
import tempfile
from dataclasses import dataclass

import xlsxwriter
from django.conf import settings
from django.db import connection
from django.db.models import CharField, F, OuterRef, Subquery, Value
from django.db.models import StringAgg as _StringAgg
from django.db.models.functions import Cast, Coalesce, NullIf
from django.http import FileResponse, Http404, JsonResponse, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe
from django_filters import FilterSet

from reviews.filters import CommentFilter, PledgeFilter, ProgressUpdateFilter
from reviews.models import Comment, Pledge, PledgePartner, ProgressUpdate

CHUNK = 2000
logger = logging.getLogger(__name__)
# The last line of a complete CSV export; a file without it was cut short (see open_data.html).
CSV_TRAILER = "# complete: {rows} rows"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def StringAgg(expression, delimiter=",", **kwargs):
    return _StringAgg(expression, delimiter=Value(delimiter), **kwargs)


def neutralise(value):
    """A cell a spreadsheet will show as text, never run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def plain(value):
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


@dataclass(frozen=True)
class Column:
    name: str
    expression: object
    description: str


def _joined(model, through_filter, field, *, delimiter=",", **extra):
    """A comma-separated list from a related table, as a subquery of one row per parent.

    Built when a query is made: the ordered aggregate exists on PostgreSQL only (on SQLite the
    values come in the order of the related rows).
    """

    def expression():
        ordered = connection.features.supports_aggregate_order_by_clause
        rows = (
            model.objects.filter(**through_filter, **extra)
            .order_by()
            .values(next(iter(through_filter)))
            .annotate(
                joined=StringAgg(
                    Cast(field, CharField()),
                    delimiter=delimiter,
                    **({"order_by": field} if ordered else {}),
                )
            )
            .values("joined")
        )
        return Coalesce(Subquery(rows), Value(""), output_field=CharField())

    return expression


PLEDGE_OBJECTIVES = Pledge.objectives.through
PLEDGE_PRINCIPLES = Pledge.principles.through

PLEDGE_COLUMNS = [
    Column("id", F("pk"), "The pledge's number on the portal."),
    Column("title", F("title"), "Title."),
    Column("summary", F("summary"), "One-line summary."),
    Column("lead_id", F("lead_id"), "Number of the lead organisation."),
    Column("lead_name", F("lead__name"), "Name of the lead organisation."),
    Column("lead_kind", F("lead__kind"), "Stakeholder kind of the lead (member-state, …)."),
    Column("lead_country", F("lead__country"), "ISO 3166 code of the lead's country, if any."),
    Column("lead_region", F("lead__region"), "Region of the lead, if any."),
    Column(
        "partners",
        _joined(
            PledgePartner,
            {"pledge": OuterRef("pk")},
            "actor__name",
            delimiter="; ",
            status=PledgePartner.Status.CONFIRMED,
        ),
        "Confirmed partner organisations, separated by semicolons (names may hold commas).",
    ),
    Column(
        "objectives",
        _joined(PLEDGE_OBJECTIVES, {"pledge": OuterRef("pk")}, "objective__number"),
        "Objective numbers (1–23), comma-separated.",
    ),
    Column("primary_objective", F("primary_objective__number"), "The primary objective."),
    Column(
        "principles",
        _joined(PLEDGE_PRINCIPLES, {"pledge": OuterRef("pk")}, "guidingprinciple__number"),
        "Guiding principle numbers (1–10), comma-separated.",
    ),
    Column("cycle", F("cycle__slug"), "Review cycle (e.g. imrf-2026)."),
    Column("kind", F("kind"), "individual, joint or matching."),
    Column("matches", F("matches_id"), "For a matching pledge: the pledge it answers."),
    Column("support", F("support"), "Form of support."),
    Column("amount", F("amount"), "Amount of a financial pledge."),
    Column("currency", F("currency"), "ISO 4217 currency of the amount."),
    Column("scope", F("scope"), "local, national, regional or global."),
    Column("countries", F("countries"), "Countries concerned (ISO 3166 codes, comma-separated)."),
    Column("start_date", F("start_date"), "Start date."),
    Column("end_date", F("end_date"), "End date."),
    Column("status", F("status"), "published or withdrawn."),
    Column("implementation_status", F("implementation_status"), "Stage of implementation."),
    Column("last_reported_at", F("last_reported_at"), "Publication or latest progress report."),
    Column("created_at", F("created_at"), "When the draft was started (UTC)."),
    Column("submitted_at", F("submitted_at"), "When it was last submitted (UTC)."),
    Column("published_at", F("published_at"), "When it was published (UTC)."),
    Column("updated_at", F("updated_at"), "Last change (UTC)."),
]

COMMENT_COLUMNS = [
    Column("id", F("pk"), "The comment's number."),
    Column("pledge", F("pledge_id"), "The pledge commented on, if any."),
    Column("objective", F("objective__number"), "The objective commented on, if any."),
    Column("paragraph", F("paragraph_id"), "The Declaration paragraph commented on, if any."),
    Column("round_table", F("round_table_id"), "The round table commented on, if any."),
    Column("progress_update", F("progress_update_id"), "The progress report, if any."),
    Column("parent", F("parent_id"), "The comment this one replies to, if any."),
    Column(
        "author",
        Coalesce(NullIf(F("author__display_name"), Value("")), Value("member")),
        "The author's display name.",
    ),
    Column("actor_name", F("actor__name"), "The organisation written for, if any."),
    Column("actor_kind", F("actor__kind"), "Its stakeholder kind."),
    Column("body", F("body"), "The text (Markdown)."),
    Column("created_at", F("created_at"), "Posted (UTC)."),
    Column("edited_at", F("edited_at"), "Last edited (UTC), if edited."),
]

UPDATE_COLUMNS = [
    Column("id", F("pk"), "The progress report's number."),
    Column("pledge", F("pledge_id"), "The pledge reported on."),
    Column("pledge_title", F("pledge__title"), "Its title."),
    Column("date", F("date"), "Date of the report."),
    Column("stage", F("stage"), "planned, in-progress, completed or discontinued."),
    Column("actor_name", F("actor__name"), "The reporting organisation."),
    Column("actor_kind", F("actor__kind"), "Its stakeholder kind."),
    Column("narrative", F("narrative"), "What was reported."),
    Column("created_at", F("created_at"), "Posted (UTC)."),
]


def _public_comments():
    # A reply to a hidden comment is hidden with it; public() leaves out both.
    return Comment.objects.public().filter(deleted_at__isnull=True)


def _public_updates():
    return ProgressUpdate.objects.public()


# resource: (the list's FilterSet, what may be exported at all, the columns)
RESOURCES = {
    "pledges": (PledgeFilter, Pledge.objects.public, PLEDGE_COLUMNS),
    "comments": (CommentFilter, _public_comments, COMMENT_COLUMNS),
    "progress-updates": (ProgressUpdateFilter, _public_updates, UPDATE_COLUMNS),
}


def selection(resource: str, params):
    """The bound FilterSet of the export: `.is_valid()` says whether the filters make sense."""
    filterset_class, public, _ = RESOURCES[resource]
    return filterset_class(params, queryset=public())


def columns_of(resource: str) -> list[Column]:
    return RESOURCES[resource][2]


def rows(resource: str, params, convert=plain):
    """The selection as tuples of plain values, streamed from the database."""
    columns = columns_of(resource)
    filters = params if isinstance(params, FilterSet) else selection(resource, params)
    # By id, unless the filters chose an order (the pledges' `sort`); ending on the id, so that
    # the order is total.
    ordering = [*filters.qs.query.order_by, "pk"]
    queryset = filters.qs.order_by(*ordering)
    if getattr(queryset.query, "distinct", False):
        queryset = queryset.model.objects.filter(pk__in=queryset.values("pk")).order_by(*ordering)
    annotated = queryset.annotate(
        **{
            f"x_{c.name}": c.expression() if callable(c.expression) else c.expression
            for c in columns
        }
    )
    names = [f"x_{c.name}" for c in columns]
    for row in annotated.values_list(*names).iterator(chunk_size=CHUNK):
        yield tuple(convert(value) for value in row)


class _Echo:
    def write(self, value):
        return value


def _csv(resource, params):
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so spreadsheets read UTF-8
    yield writer.writerow([c.name for c in columns_of(resource)])
    count = 0
    for row in _logged(rows(resource, params), resource, "csv"):
        yield writer.writerow([neutralise("" if v is None else v) for v in row])
        count += 1
    # Written only once every row is out: its absence marks a truncated file.
    yield CSV_TRAILER.format(rows=count) + "\r\n"


def _json(resource, params):
    names = [c.name for c in columns_of(resource)]
    yield "["
    first = True
    for row in _logged(rows(resource, params), resource, "json"):
        yield ("" if first else ",") + "\n" + json.dumps(dict(zip(names, row, strict=True)))
        first = False
    # The array is closed only at the end: a truncated body is not valid JSON.
    yield "\n]\n"


def _logged(stream, resource: str, fmt: str):
    """The rows of a streamed export; a failure half-way is logged, then raised, so the server
    aborts the response (already begun with a 200) instead of ending it cleanly."""
    count = 0
    try:
        for row in stream:
            yield row
            count += 1
    except Exception:
        logger.exception(
            "The %s export of %s failed after %d rows; the body sent is incomplete.",
            fmt,
            resource,
            count,
        )
        raise


def _cell(value):
    # An amount is a number in a spreadsheet: its 14 significant digits survive a double.
    return float(value) if isinstance(value, decimal.Decimal) else plain(value)


def _xlsx(resource, params):
    spool = tempfile.TemporaryFile(dir=settings.EXPORT_TMP_DIR)  # noqa: SIM115 — FileResponse closes it
    workbook = xlsxwriter.Workbook(
        spool, {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    sheet = workbook.add_worksheet(resource)
    for col, column in enumerate(columns_of(resource)):
        sheet.write_string(0, col, column.name)
    for number, row in enumerate(rows(resource, params, convert=_cell), start=1):
        for col, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, int | float) and not isinstance(value, bool):
                sheet.write_number(number, col, value)
            else:
                sheet.write_string(number, col, neutralise(str(value)))
    workbook.close()
    spool.seek(0)
    return spool


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@require_safe
def export(request, resource, fmt):
    if resource not in RESOURCES or fmt not in CONTENT_TYPES:
        raise Http404("No such export.")
    filters = selection(resource, request.GET)
    if not filters.is_valid():
        # A filter that makes no sense would otherwise be dropped and export everything.
        return JsonResponse(
            {"detail": "Some filters are not valid.", "errors": filters.errors}, status=400
        )
    filename = f"gcm-{resource}-{timezone.now():%Y%m%d}.{fmt}"
    if fmt == "xlsx":
        response = FileResponse(
            _xlsx(resource, filters),
            as_attachment=True,
            filename=filename,
            content_type=CONTENT_TYPES[fmt],
        )
    else:
        stream = _csv(resource, filters) if fmt == "csv" else _json(resource, filters)
        response = StreamingHttpResponse(stream, content_type=CONTENT_TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def documentation():
    """The columns of every export, for the open data page."""
    return [(name, columns) for name, (_, _, columns) in RESOURCES.items()]
