"""The template's layout, shared by the writer and the reader: its columns in order (what the
portal fills in, then what the person does), the marker and version that make a file the
portal's, the limits an upload is held to, and an error that names its cell ("Q7: …")."""

from dataclasses import dataclass

from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from xlsxwriter.utility import xl_col_to_name

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The About sheet's first cells name the format and its version (B1, B2), the language the
# headers are written in (B3) and the organisation the file was made for (B4). A change of the
# columns is a new version: a file of another version is refused, never read column by guess.
FORMAT = "gcm-review-portal/progress-reports"
VERSION = 1

# An upload holds at most this many bytes, unpacks to at most this many (a small zip can expand
# to gigabytes), and has at most this many rows; a focal point's forty pledges with their
# indicators need a few hundred.
MAX_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_ROWS = 5_000
# The largest id a row may name (the database's integer; a larger number names no pledge).
MAX_ID = 2**31 - 1


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    editable: bool = False
    width: int = 14


COLUMNS = [
    Column("pledge", _("Pledge id"), width=10),
    Column("title", _("Pledge"), width=40),
    Column("lead", _("Lead organisation"), width=24),
    Column("indicator", _("Indicator id"), width=10),
    Column("indicator_name", _("Indicator"), width=32),
    Column("unit", _("Unit")),
    Column("baseline", _("Baseline")),
    Column("target", pgettext_lazy("an indicator's target", "Target")),
    Column("latest", _("Latest value")),
    Column("round", _("Open round"), width=24),
    Column("deadline", _("Deadline")),
    Column("reported", _("Reported in the round")),
    Column("last_date", _("Last report")),
    Column("last_stage", _("Last stage")),
    Column("date", _("Report date"), editable=True),
    Column("stage", _("Stage"), editable=True),
    Column("narrative", _("Narrative"), editable=True, width=50),
    Column("value", _("Value reached"), editable=True),
    Column("period_start", _("Period from"), editable=True),
    Column("period_end", _("Period to"), editable=True),
]
INDEX = {column.key: index for index, column in enumerate(COLUMNS)}
EDITABLE = tuple(column.key for column in COLUMNS if column.editable)
# What a report takes from the rows of its pledge: given once, or the same on each row.
PLEDGE_FIELDS = ("date", "stage", "narrative")


def letter(key: str) -> str:
    return xl_col_to_name(INDEX[key])


def headers() -> list[str]:
    """The header row, in the active language."""
    return [str(column.label) for column in COLUMNS]


def sheet_name(label: str) -> str:
    """A translated label as a sheet's name (31 characters at most, none of []:*?/\\)."""
    return "".join(c for c in label if c not in "[]:*?/\\")[:31].strip("'") or "Sheet"


@dataclass(frozen=True)
class CellError:
    """A problem of one cell: row number and column as the spreadsheet shows them."""

    row: int
    key: str
    message: str

    @property
    def column(self) -> str:
        return letter(self.key)

    @property
    def cell(self) -> str:
        return f"{self.column}{self.row}"

    def __str__(self):
        return gettext("%(cell)s: %(message)s") % {"cell": self.cell, "message": self.message}
