"""Open data: the filtered selection, whole, as CSV, XLSX or JSON, in constant memory.

Only public content is ever exported: the public pledges of the list and the statistics
(published, and withdrawn ones marked as such), no draft, no hidden comment or update, no e-mail
address. The modules: `columns` (what each export holds), `sql` (the rows, cast and formatted by
the database), `streams` (CSV and JSON in 64 KB chunks, recognisably complete), `xlsx` (workbooks
in constant memory), `jobs` (large XLSX built by a task) and `views` (the addresses). For the
tools that read open data: `schema` (each JSON export's JSON Schema and the open data page's data
dictionary), `datapackage` (the CSV exports as a Frictionless data package) and `iati` (the
pledges in the IATI Activity Standard 2.03), all made from the same columns.
"""

from reviews.exports.columns import documentation
from reviews.exports.streams import CSV_TRAILER
from reviews.exports.views import export

__all__ = ["CSV_TRAILER", "documentation", "export"]
