"""The spreadsheet round trip of an organisation's progress reports (issue 14).

A focal point of many pledges downloads the organisation's `template` (one row per published
pledge and indicator, with what the portal knows and empty columns for the next report), fills
it in offline and uploads it: `read` parses every row, naming each cell it cannot read;
`plan` turns the rows into one report per pledge with what changes, and every error by cell;
`apply` publishes the reports through `services.progress_update_create`, all in one
transaction, or none. The site (reviews.views.spreadsheets) keeps the upload between preview
and confirmation (`uploads`); the API (reviews.api.spreadsheets) takes it again with `confirm`.

`layout`: the columns and limits; `current`: what the pledges stand at now; `writing`,
`reading`, `planning` (with `checks`, the rules of one pledge's rows): the steps; `uploads`:
an upload kept between preview and confirmation; `forms`: the site's forms.
"""

from reviews.spreadsheets.layout import MAX_BYTES, MAX_ROWS, XLSX_TYPE, CellError
from reviews.spreadsheets.planning import Plan, PlanChanged, PlannedReport, apply, plan
from reviews.spreadsheets.reading import Row, Sheet, SpreadsheetRefused, read
from reviews.spreadsheets.writing import template

__all__ = [
    "MAX_BYTES",
    "MAX_ROWS",
    "XLSX_TYPE",
    "CellError",
    "Plan",
    "PlanChanged",
    "PlannedReport",
    "Row",
    "Sheet",
    "SpreadsheetRefused",
    "apply",
    "plan",
    "read",
    "template",
]
