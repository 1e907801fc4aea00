"""CSV and JSON exports as streams of ~64 KB chunks.

A streamed body cannot change its 200 once sent, so its format tells whether it is whole: a CSV
ends with CSV_TRAILER, a JSON array is closed only after its last row, and a failure half-way is
logged and raised, so the server aborts the response instead of ending it cleanly.
"""

import csv
import io
import json
import logging
from functools import partial

from reviews.exports import sql
from reviews.exports.columns import columns_of

logger = logging.getLogger("reviews.exports")
# The last line of a complete CSV export; a file without it was cut short (see open_data.html).
CSV_TRAILER = "# complete: {rows} rows"
# A chunk is sent once the buffer holds this much: few enough writes to the socket, and memory
# that stays flat whatever the size of the selection.
CHUNK_BYTES = 64 * 1024
SLICE = 64


def csv_stream(resource: str, params):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")  # so spreadsheets read UTF-8
    writer.writerow([c.name for c in columns_of(resource)])
    count = 0
    for batch in logged(sql.batches(resource, params, "csv"), resource, "csv"):
        # Every value is text, a number or None (written empty) already: the C writer does it
        # all, a slice of rows at a time, so that a chunk stays near CHUNK_BYTES.
        for start in range(0, len(batch), SLICE):
            writer.writerows(batch[start : start + SLICE])
            if buffer.tell() >= CHUNK_BYTES:
                yield _drain(buffer)
        count += len(batch)
    # Written only once every row is out: its absence marks a truncated file.
    buffer.write(CSV_TRAILER.format(rows=count) + "\r\n")
    yield _drain(buffer)


def json_stream(resource: str, params):
    names = [c.name for c in columns_of(resource)]
    # What stands between two objects in an encoded list: `}, {"id": ` (the first key).
    apart = "}, {" + json.dumps(names[0]) + ": "
    lined = apart.replace(", ", ",\n", 1)
    keyed = partial(zip, names)
    encode = json.JSONEncoder().encode
    buffer = io.StringIO()
    buffer.write("[")
    first = True
    for batch in logged(sql.batches(resource, params, "json"), resource, "json"):
        for start in range(0, len(batch), SLICE):
            # One C call encodes a slice of objects, `[{"id": …}, {"id": …}]`; each object goes
            # on a line of its own, as ever. `apart` occurs only between two objects: inside a
            # JSON string every quote is escaped.
            objects = encode(list(map(dict, map(keyed, batch[start : start + SLICE]))))
            buffer.write("\n" if first else ",\n")
            buffer.write(objects[1:-1].replace(apart, lined))
            first = False
            if buffer.tell() >= CHUNK_BYTES:
                yield _drain(buffer)
    # The array is closed only at the end: a truncated body is not valid JSON.
    buffer.write("\n]\n")
    yield _drain(buffer)


class TextBuffer(io.StringIO):
    """What a stream writes before it sends it, emptied one chunk at a time."""

    def drain(self) -> str:
        return _drain(self)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def logged(batches, resource: str, fmt: str):
    """The batches of a streamed export; a failure half-way is logged with the rows sent so far,
    then raised, so the server aborts the response (already begun with a 200)."""
    count = 0
    try:
        for batch in batches:
            yield batch
            count += len(batch)
    except Exception:
        logger.exception(
            "The %s export of %s failed after %d rows; the body sent is incomplete.",
            fmt,
            resource,
            count,
        )
        raise
