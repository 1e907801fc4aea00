"""What a pledge may carry as attachment: PDF or office documents, recognised by their content.

Every read of an upload here is bounded: eight bytes of its head, the directory of an archive
(refused unread when it is too large) and at most a few kilobytes of the one archive member that
names the format. Nothing else is decompressed, so an archive that would expand to gigabytes, or
that holds a hundred thousand members, is refused quickly and in little memory.
"""

import zipfile
import zlib
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class MediaType(models.TextChoices):
    """The only media types a pledge's attachment is stored and served with."""

    PDF = "application/pdf", _("PDF")
    OLE2 = "application/x-ole-storage", _("Word, Excel or PowerPoint 97–2003")
    DOCX = (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _("Word document"),
    )
    XLSX = (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _("Excel workbook"),
    )
    PPTX = (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        _("PowerPoint presentation"),
    )
    ODT = "application/vnd.oasis.opendocument.text", _("OpenDocument text")
    ODS = "application/vnd.oasis.opendocument.spreadsheet", _("OpenDocument spreadsheet")
    ODP = (
        "application/vnd.oasis.opendocument.presentation",
        _("OpenDocument presentation"),
    )


# The endings a download name may have for each type; the first is added to any other name, so
# that no document is ever saved under an ending that would run it as a program.
SUFFIXES = {
    MediaType.PDF: (".pdf",),
    MediaType.OLE2: (".doc", ".xls", ".ppt", ".dot", ".xlt", ".pot", ".pps"),
    MediaType.DOCX: (".docx",),
    MediaType.XLSX: (".xlsx",),
    MediaType.PPTX: (".pptx",),
    MediaType.ODT: (".odt",),
    MediaType.ODS: (".ods",),
    MediaType.ODP: (".odp",),
}
# An Office Open XML package names its main part's type in [Content_Types].xml; macro-enabled
# and template variants name other types and are refused.
OOXML_MAIN_PARTS = {
    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": (
        MediaType.DOCX
    ),
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": MediaType.XLSX,
    b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": (
        MediaType.PPTX
    ),
}
# An OpenDocument file names its type in its "mimetype" member: it is looked up here, never kept.
ODF_TYPES = {
    member.value.encode("ascii"): member for member in (MediaType.ODT, MediaType.ODS, MediaType.ODP)
}
OLE2_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")

# Bounds of an archive: real documents stay far below each of them.
MAX_MEMBERS = 5_000
MAX_DIRECTORY_BYTES = 1024 * 1024  # the archive's table of contents, read in one piece
MAX_UNCOMPRESSED_BYTES = 256 * 1024 * 1024  # what all members together declare
MAX_CONTENT_TYPES_BYTES = 256 * 1024  # how much of [Content_Types].xml is searched
MAX_MIMETYPE_BYTES = 128

ALLOWED = _("a PDF, or a Word, Excel, PowerPoint or OpenDocument file")


def max_bytes() -> int:
    """The size limit of an attachment (also enforced while the upload arrives)."""
    return settings.ATTACHMENT_MAX_BYTES


class ArchiveTooLarge(Exception):
    """The archive's directory or declared content passes the bounds above."""


class _CappedReads:
    """A file that refuses any single read above `cap` bytes.

    ZipFile reads an archive's central directory in one read of the size that the archive
    declares, before it parses a single entry: through this, a directory larger than the cap is
    refused without being read. Reads of members go in small chunks and pass."""

    def __init__(self, file, cap: int):
        self._file = file
        self._cap = cap

    def read(self, size=-1):
        if size is None or size < 0:
            here = self._file.tell()
            size = self._file.seek(0, 2) - here
            self._file.seek(here)
        if size > self._cap:
            raise ArchiveTooLarge(f"a read of {size} bytes")
        return self._file.read(size)

    def __getattr__(self, name):
        return getattr(self._file, name)


# Office documents store or deflate their members, and encrypt none of them.
READABLE_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes | None:
    """At most `limit` bytes of a member, streamed: never more, whatever it expands to."""
    if info.compress_type not in READABLE_METHODS or info.flag_bits & 0x1:
        return None
    with archive.open(info) as member:
        return member.read(limit)


def _sniff_archive(archive: zipfile.ZipFile) -> str | None:
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise ArchiveTooLarge(f"{len(members)} members")
    if sum(info.file_size for info in members) > MAX_UNCOMPRESSED_BYTES:
        raise ArchiveTooLarge("its declared content")
    by_name = {info.filename: info for info in members}
    if "mimetype" in by_name:
        mimetype = _read_member(archive, by_name["mimetype"], MAX_MIMETYPE_BYTES + 1) or b""
        return ODF_TYPES.get(mimetype.strip()) if len(mimetype) <= MAX_MIMETYPE_BYTES else None
    if "[Content_Types].xml" in by_name:
        content_types = _read_member(
            archive, by_name["[Content_Types].xml"], MAX_CONTENT_TYPES_BYTES
        )
        found = {kind for part, kind in OOXML_MAIN_PARTS.items() if part in (content_types or b"")}
        return found.pop() if len(found) == 1 else None
    return None


def sniff(file) -> str | None:
    """The media type of an allowed document, read from its bytes; None for anything else.

    Raises ArchiveTooLarge for an archive past the bounds of this module."""
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    if head.startswith(b"%PDF-"):
        return MediaType.PDF
    if head == OLE2_MAGIC:
        return MediaType.OLE2
    if not head.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(_CappedReads(file, MAX_DIRECTORY_BYTES)) as archive:
            return _sniff_archive(archive)
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError):
        # Broken: a bad directory or header, a corrupt stream, a CRC that does not match.
        return None
    finally:
        file.seek(0)


def validate_attachment(file) -> str:
    """Check size and content; return the media type found (one of MediaType)."""
    limit = filesizeformat(max_bytes())
    if getattr(file, "refused", False):
        # Stopped while it arrived (portal.uploads): its size is not known, only that it is over.
        raise ValidationError(
            gettext(
                "This file is too large: attachments are limited to %(limit)s. It was not kept; "
                "choose a smaller one."
            )
            % {"limit": limit}
        )
    if file.size > max_bytes():
        raise ValidationError(
            gettext("The file is %(size)s; attachments are limited to %(limit)s.")
            % {"size": filesizeformat(file.size), "limit": limit}
        )
    try:
        media_type = sniff(file)
    except ArchiveTooLarge:
        raise ValidationError(
            gettext(
                "This archive holds too many parts or expands too far to be a document; "
                "attachments are %(allowed)s."
            )
            % {"allowed": ALLOWED}
        ) from None
    if media_type is None:
        raise ValidationError(
            gettext("This file is not %(allowed)s (its content was checked, not its name).")
            % {"allowed": ALLOWED}
        )
    return media_type


def served_type(stored: str) -> str:
    """The Content-Type a stored attachment is served with: its type when it is allowed."""
    return stored if stored in MediaType.values else "application/octet-stream"


def download_name(name: str, media_type: str) -> str:
    """The name a download is saved under: the uploader's, ending as its type does."""
    name = name or "attachment"
    suffixes = SUFFIXES.get(media_type)
    if suffixes is None:
        return name if PurePath(name).suffix == "" else f"{PurePath(name).stem}.bin"
    if PurePath(name).suffix.lower() in suffixes:
        return name
    return f"{name}{suffixes[0]}"
