"""XLSX exports, written in xlsxwriter's constant-memory mode into a temporary file.

A workbook is a zip that can only be sent once it is whole, so it is written to a file, never held
in memory: row by row (constant_memory flushes each row as the next begins), with the values cast
by the database (reviews.exports.sql). A small selection is then sent from that file at once; a
large one is built by a task into the default storage (reviews.exports.jobs), so no request waits
for it past the worker timeout.
"""

import tempfile
from collections.abc import Callable

import xlsxwriter
from django.conf import settings

from reviews.exports import sql
from reviews.exports.columns import columns_of

OPTIONS = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}


def write_workbook(
    resource: str, params, target, *, progress: Callable[[int], None] | None = None
) -> int:
    """Write the selection as a workbook into `target` (a path or a binary file); returns the
    number of rows. `progress` is told the rows written so far after each batch."""
    workbook = xlsxwriter.Workbook(target, OPTIONS)
    sheet = workbook.add_worksheet(resource)
    for col, column in enumerate(columns_of(resource)):
        sheet.write_string(0, col, column.name)
    number = 0
    for batch in sql.batches(resource, params, "xlsx"):
        for row in batch:
            number += 1
            for col, value in enumerate(row):
                if value is None:
                    continue
                # An amount is a number in a spreadsheet (cast to a double in SQL: its 14
                # significant digits survive); ids and objective numbers too.
                if isinstance(value, int | float):
                    sheet.write_number(number, col, value)
                else:
                    sheet.write_string(number, col, value)
        if progress:
            progress(number)
    workbook.close()
    return number


def spooled(resource: str, params):
    """The workbook in an anonymous temporary file, rewound (FileResponse closes it)."""
    spool = tempfile.TemporaryFile(dir=settings.EXPORT_TMP_DIR)  # noqa: SIM115
    write_workbook(resource, params, spool)
    spool.seek(0)
    return spool
