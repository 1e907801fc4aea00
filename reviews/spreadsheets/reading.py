"""Reading an uploaded spreadsheet back: the file is checked as a whole (an XLSX of the
template's version, within the limits), then each row is parsed into what it asks for, with an
error naming each cell that cannot be read.

openpyxl reads it in read-only mode and never evaluates anything. Formulas are read as
formulas (not `data_only`, which would hand over whatever result the last program that saved
the file cached): a cell holding one is refused, so what is published is what was typed.
"""

import datetime as dt
import io
import warnings
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import ParseError

import openpyxl
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext
from openpyxl.utils.exceptions import InvalidFileException

from reviews.models import Pledge
from reviews.models.results import VALUE_DIGITS, VALUE_PLACES
from reviews.spreadsheets.layout import (
    COLUMNS,
    EDITABLE,
    FORMAT,
    INDEX,
    MAX_BYTES,
    MAX_ID,
    MAX_ROWS,
    MAX_UNPACKED_BYTES,
    VERSION,
    CellError,
    headers,
)

# What a damaged or foreign file makes openpyxl raise while it is opened or read.
UNREADABLE = (
    zipfile.BadZipFile,
    InvalidFileException,
    ParseError,
    KeyError,
    ValueError,
    TypeError,
    IndexError,
    OSError,
    EOFError,
)
STAGES = Pledge.ImplementationStatus


class SpreadsheetRefused(ValidationError):
    """The file cannot be read as the template: nothing of it is used."""


@dataclass
class Row:
    """What one row of the sheet asks for. `given` names the editable cells filled in (read or
    not); `bad` those that could not be read, each with its error in `errors`."""

    number: int
    pledge: int | None = None
    indicator: int | None = None
    date: dt.date | None = None
    stage: str = ""
    narrative: str = ""
    value: Decimal | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    given: set[str] = field(default_factory=set)
    bad: set[str] = field(default_factory=set)
    errors: list[CellError] = field(default_factory=list)

    def refuse(self, key: str, message: str) -> None:
        self.bad.add(key)
        self.errors.append(CellError(self.number, key, message))


@dataclass
class Sheet:
    """An upload read: its rows (those with anything in them), the language its headers are
    in, the organisation it was made for, and the bytes it came as (kept for the confirmation)."""

    rows: list[Row]
    language: str
    organisation: str
    content: bytes


def _refused(message: str) -> SpreadsheetRefused:
    return SpreadsheetRefused(message, code="refused")


def _content(upload) -> bytes:
    if isinstance(upload, bytes):
        content = upload
    else:
        if getattr(upload, "refused", False) or (upload.size or 0) > MAX_BYTES:
            raise _too_large()
        content = b"".join(upload.chunks())
    if len(content) > MAX_BYTES:
        raise _too_large()
    return content


def _too_large() -> SpreadsheetRefused:
    return _refused(
        gettext("The file is larger than %(size)d MB: upload the template, filled in.")
        % {"size": MAX_BYTES // (1024 * 1024)}
    )


def _not_xlsx() -> SpreadsheetRefused:
    return _refused(
        gettext(
            "This is not an XLSX file. Save it as an Excel workbook (.xlsx) and upload it again."
        )
    )


def _check_zip(content: bytes) -> None:
    """An XLSX is a zip holding a workbook; its parts must unpack to a bounded size."""
    if not content.startswith(b"PK\x03\x04"):
        raise _not_xlsx()
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise _not_xlsx() from error
    if "xl/workbook.xml" not in {part.filename for part in parts}:
        raise _not_xlsx()
    if len(parts) > 1000 or sum(part.file_size for part in parts) > MAX_UNPACKED_BYTES:
        raise _refused(
            gettext(
                "The workbook unpacks to more than %(size)d MB: upload the template, filled in."
            )
            % {"size": MAX_UNPACKED_BYTES // (1024 * 1024)}
        )


def _not_the_template() -> SpreadsheetRefused:
    return _refused(
        gettext(
            "This is not the portal's progress spreadsheet: download the template on this page, "
            "fill it in and upload it."
        )
    )


def _marker(workbook) -> tuple[str, str]:
    """The language and organisation the About sheet names; refuses another format or version."""
    for sheet in workbook.worksheets[1:6]:
        cells = list(sheet.iter_rows(min_row=1, max_row=4, max_col=2, values_only=True))
        if len(cells) < 4 or cells[0][1] != FORMAT:
            continue
        version, language, organisation = cells[1][1], cells[2][1], cells[3][1]
        if version != VERSION:
            raise _refused(
                gettext(
                    "This spreadsheet was made for another version of the template: download a "
                    "new one and copy your entries into it."
                )
            )
        codes = [code for code, _name in settings.LANGUAGES]
        if language not in codes:
            raise _not_the_template()
        return language, organisation if isinstance(organisation, str) else ""
    raise _not_the_template()


def read(upload) -> Sheet:
    """The rows of an uploaded template (an UploadedFile or bytes), each with the errors of its
    cells; raises SpreadsheetRefused when the file as a whole cannot be used."""
    content = _content(upload)
    _check_zip(content)
    try:
        with warnings.catch_warnings():
            # openpyxl warns of parts it does not read (extensions, print settings).
            warnings.simplefilter("ignore", UserWarning)
            workbook = openpyxl.load_workbook(
                io.BytesIO(content), read_only=True, data_only=False, keep_links=False
            )
            try:
                language, organisation = _marker(workbook)
                with translation.override(language):
                    rows = _rows(workbook.worksheets[0])
            finally:
                workbook.close()
    except UNREADABLE as error:
        raise _not_xlsx() from error
    return Sheet(rows=rows, language=language, organisation=organisation, content=content)


def _rows(sheet) -> list[Row]:
    sheet.reset_dimensions()
    found = sheet.iter_rows(max_col=len(COLUMNS))
    first = next(found, None)
    if first is None or [_text(cell.value) for cell in first] != headers():
        raise _refused(
            gettext(
                "The first sheet's columns are not the template's: keep its columns as they "
                "are (in the same order), or download a new template."
            )
        )
    rows = []
    for cells in found:
        if all(cell.value is None or cell.value == "" for cell in cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise _refused(
                gettext("The sheet has more than %(count)d rows: split it into several files.")
                % {"count": MAX_ROWS}
            )
        rows.append(_row(cells))
    return rows


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _row(cells) -> Row:
    number = next(cell.row for cell in cells if getattr(cell, "row", None))
    row = Row(number=number)
    for key in ("pledge", "indicator", *EDITABLE):
        cell = cells[INDEX[key]]
        value = cell.value
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if key in EDITABLE:
            row.given.add(key)
        if cell.data_type == "f":
            row.refuse(key, gettext("This cell holds a formula: type the value itself."))
            continue
        if cell.data_type == "e":
            row.refuse(key, gettext("This cell holds an error (%(error)s).") % {"error": value})
            continue
        try:
            setattr(row, key, READERS[key](value))
        except ValueError as error:
            row.refuse(key, str(error))
    return row


def _id(value) -> int:
    if isinstance(value, bool):
        raise ValueError(gettext("Give the id as the template has it: a whole number."))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or not 0 < value <= MAX_ID:
        raise ValueError(gettext("Give the id as the template has it: a whole number."))
    return value


def _date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(gettext("Give a date, as YYYY-MM-DD."))


def _stage(value) -> str:
    text = _text(value).casefold()
    for code, label in STAGES.choices:
        if text in (code.casefold(), str(label).casefold()):
            return code
    raise ValueError(
        gettext("Choose one of: %(stages)s.")
        % {"stages": ", ".join(str(label) for label in STAGES.labels)}
    )


def _narrative(value) -> str:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return _text(value)


def _value(value) -> Decimal:
    """A number as typed: yes and no (or TRUE and FALSE) are 1 and 0; at most four decimal
    places and the digits the database keeps."""
    if isinstance(value, bool):
        return Decimal(int(value))
    if isinstance(value, str):
        text = value.strip().casefold()
        if text in (gettext("yes").casefold(), "yes"):
            return Decimal(1)
        if text in (gettext("no").casefold(), "no"):
            return Decimal(0)
    if isinstance(value, dt.date | dt.datetime | dt.time | dt.timedelta):
        raise ValueError(gettext("Give a number."))
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(gettext("Give a number.")) from None
    if not number.is_finite():
        raise ValueError(gettext("Give a number."))
    exponent = number.as_tuple().exponent
    if exponent < -VALUE_PLACES:
        raise ValueError(
            gettext("Give at most %(places)d decimal places.") % {"places": VALUE_PLACES}
        )
    if abs(number) >= Decimal(10) ** (VALUE_DIGITS - VALUE_PLACES):
        raise ValueError(gettext("This number is too large."))
    # 1E+3 (typed as "1e3") is 1000.
    return number.quantize(Decimal(1)) if exponent > 0 else number


# How each cell the reader uses is read; a ValueError's message names what to type instead.
READERS = {
    "pledge": _id,
    "indicator": _id,
    "date": _date,
    "period_start": _date,
    "period_end": _date,
    "stage": _stage,
    "narrative": _narrative,
    "value": _value,
}
