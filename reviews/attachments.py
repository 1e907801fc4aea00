"""What a pledge may carry as attachment: PDF or office documents, recognised by their content."""

import zipfile

from django.core.exceptions import ValidationError

MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024

PDF = "application/pdf"
OLE2 = "application/x-ole-storage"  # .doc, .xls, .ppt
OOXML = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
ODF_PREFIX = b"application/vnd.oasis.opendocument."
OLE2_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")

ALLOWED = "a PDF, or a Word, Excel, PowerPoint or OpenDocument file"


def sniff(file) -> str | None:
    """The media type of an allowed document, read from its bytes; None for anything else."""
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head == OLE2_MAGIC:
        return OLE2
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(file) as archive:
                names = archive.namelist()
                if "mimetype" in names:
                    mimetype = archive.read("mimetype").strip()
                    if mimetype.startswith(ODF_PREFIX):
                        return mimetype.decode("ascii")
                if "[Content_Types].xml" in names:
                    for folder, media_type in OOXML.items():
                        if any(name.startswith(folder) for name in names):
                            return media_type
        except (zipfile.BadZipFile, UnicodeDecodeError, KeyError):
            return None
        finally:
            file.seek(0)
    return None


def validate_attachment(file) -> str:
    """Check size and content; return the media type found."""
    if file.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            f"The file is {file.size / 1024 / 1024:.1f} MB; attachments are limited to "
            f"{MAX_ATTACHMENT_BYTES / 1024 / 1024:g} MB."
        )
    media_type = sniff(file)
    if media_type is None:
        raise ValidationError(
            f"This file is not {ALLOWED} (its content was checked, not its name)."
        )
    return media_type
