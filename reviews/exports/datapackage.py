"""The CSV exports as a Frictionless data package (Data Package v1, Tabular Data Package), so that
a data tool (frictionless, pandas through it, Open Data Editor, CKAN…) reads them with their
types and checks them: its Table Schemas are made from the columns of reviews.exports.columns,
through the descriptions of reviews.exports.schema.

How reviews.exports.streams writes a CSV, which the package declares:

- UTF-8, after a byte order mark (so that spreadsheets read UTF-8; a UTF-8 reader skips it);
- comma-separated, double quotes doubled, CRLF line ends, one header row of column names;
- a last line `# complete: N rows` that proves the file whole: the dialect's `commentChar` makes
  readers skip it (no data row starts with `#`: the first column, `id`, is a number);
- an empty cell where the value is null (`missingValues`); text columns also write the empty
  text so, which a reader takes as missing;
- text that a spreadsheet would run as a formula prefixed with an apostrophe (still a string);
- amounts with their decimal places (`number`), dates as `YYYY-MM-DD` (`date`, its default
  format), and moments in UTC as `datetime.isoformat()` writes them
  (`2026-03-04T05:06:07.089100+00:00`, the fraction only when there is one): `datetime` with the
  format `any`, since the spec's default format is `YYYY-MM-DDThh:mm:ssZ` alone.
"""

from django.urls import reverse
from django.utils.translation import gettext

from reviews.exports.columns import RESOURCES, Kind
from reviews.exports.schema import SCHEMA_VERSION, Described, described

# Table Schema type and format of each kind (None: the type's default format).
TABLE_TYPES = {
    Kind.INT: ("integer", None),
    Kind.DECIMAL: ("number", None),
    Kind.DATE: ("date", None),
    Kind.DATETIME: ("datetime", "any"),
    Kind.CODE: ("string", None),
    Kind.TEXT: ("string", None),
}
DIALECT = {
    "delimiter": ",",
    "doubleQuote": True,
    "lineTerminator": "\r\n",
    "quoteChar": '"',
    "header": True,
    "commentChar": "#",
}


def field(column: Described) -> dict:
    kind, fmt = TABLE_TYPES[column.kind]
    described_field = {"name": column.name, "type": kind, "description": column.description}
    if fmt:
        described_field["format"] = fmt
    # A value the database never leaves null is required; text is not, since its empty value is
    # written as an empty cell, which readers take as missing.
    if not column.nullable and kind != "string":
        described_field["constraints"] = {"required": True}
    return described_field


def resource(name: str, path: str) -> dict:
    return {
        "name": name,
        "path": path,
        "profile": "tabular-data-resource",
        "title": name,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "dialect": DIALECT,
        "schema": {
            "fields": [field(column) for column in described(name)],
            "primaryKey": ["id"],
            "missingValues": [""],
        },
    }


def datapackage(absolute) -> dict:
    """The package of the whole CSV exports; `absolute` makes a path an absolute address
    (request.build_absolute_uri)."""
    return {
        "profile": "tabular-data-package",
        "name": "gcm-review-portal",
        "title": gettext("GCM Review Portal: open data"),
        "description": gettext(
            "The public pledges, comments, progress reports and questions of the portal, whole, "
            "as CSV. "
            "Each file ends with a line “# complete: N rows”, a comment for the reader."
        ),
        "homepage": absolute(reverse("reviews:open-data")),
        "version": f"{SCHEMA_VERSION}.0.0",
        "resources": [
            resource(name, absolute(reverse("reviews:export", args=[name, "csv"])))
            for name in RESOURCES
        ],
    }
