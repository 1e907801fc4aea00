"""The CSV of a figure: the same rows as its table."""

import csv
import io

from django.http import HttpResponse
from django.utils.translation import gettext

from reviews.charts import Chart
from reviews.discovery.world import WorldMap
from reviews.exports.sql import FORMULA_STARTS

# --- CSV of a figure -------------------------------------------------------------------------


def _cell(value) -> str:
    text = str(value)
    # A label never starts so, but a spreadsheet must not read one as a formula if it did.
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_response(filename: str, rows) -> HttpResponse:
    """The rows as a CSV download (UTF-8 with a byte order mark, for spreadsheets)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def chart_csv_rows(made: Chart):
    amounts = made.slug == "currencies"
    yield [
        gettext("Group"),
        gettext("Pledges"),
        *([gettext("Amount announced")] if amounts else []),
    ]
    for bar in made.bars:
        yield [bar.label, bar.count, *([bar.value] if amounts else [])]


def map_csv_rows(made: WorldMap):
    yield [gettext("Country code"), gettext("Country"), gettext("Pledges")]
    for country in sorted((*made.table, *made.without), key=lambda c: (-c.count, c.name)):
        yield [country.code, country.name, country.count]
