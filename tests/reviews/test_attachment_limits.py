"""Uploads are bounded: archives are checked without expanding them, the stored type is one of an
allow-list, and a file past the limit is refused while it arrives, keeping what else was typed."""

import functools
import io
import struct
import time
import tracemalloc
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.db import IntegrityError, transaction
from django.urls import reverse

from reviews.attachments import (
    MAX_MEMBERS,
    MAX_UNCOMPRESSED_BYTES,
    MediaType,
    download_name,
    served_type,
    validate_attachment,
)
from reviews.models import Pledge
from tests.api.conftest import assert_json_error, token_client
from tests.factories import PledgeFactory, pledge_form_data
from tests.reviews.test_pledge_attachments import PDF_BYTES, TYPED, assert_typed_fields_kept

pytestmark = pytest.mark.django_db

DOCX_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
MiB = 1024 * 1024


def content_types(main: bytes) -> bytes:
    return (
        b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        b'content-types"><Override PartName="/word/document.xml" ContentType="' + main + b'"/>'
        b"</Types>"
    )


LOCAL_HEADER = struct.Struct("<4s5H3L2H")
DIRECTORY_ENTRY = struct.Struct("<4s6H3L5H2L")
END_RECORD = struct.Struct("<4s4H2LH")
DOS_DATE = 0x21  # 1 January 1980


def raw_zip(entries) -> bytes:
    """A zip archive written by hand, so that it may declare what it likes.

    Each entry is (name, data as stored, method, crc, declared uncompressed size)."""
    body, directory = io.BytesIO(), io.BytesIO()
    for name, data, method, crc, size in entries:
        offset, encoded = body.tell(), name.encode()
        sizes = (crc, len(data), size, len(encoded))
        body.write(LOCAL_HEADER.pack(b"PK\x03\x04", 20, 0, method, 0, DOS_DATE, *sizes, 0))
        body.write(encoded + data)
        directory.write(
            DIRECTORY_ENTRY.pack(
                b"PK\x01\x02", 20, 20, 0, method, 0, DOS_DATE, *sizes, 0, 0, 0, 0, 0, offset
            )
        )
        directory.write(encoded)
    listed = min(len(entries), 0xFFFF)
    end = END_RECORD.pack(b"PK\x05\x06", 0, 0, listed, listed, directory.tell(), body.tell(), 0)
    return body.getvalue() + directory.getvalue() + end


def stored(name: str, data: bytes):
    return (name, data, zipfile.ZIP_STORED, zlib.crc32(data), len(data))


@functools.cache
def deflated_zeros(size: int) -> tuple[bytes, int]:
    """A raw deflate stream of `size` zero bytes (a few kilobytes), and their CRC."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = bytes(MiB)
    stream = b"".join(compressor.compress(chunk) for _ in range(size // MiB))
    return stream + compressor.flush(), zlib.crc32(bytes(size))


def upload(data: bytes, name: str = "plan.docx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, "application/octet-stream")


def refused_within(data: bytes, *, peak_bytes: int, cpu_seconds: float = 2.0) -> str:
    """The error for `data`, checking that finding it stayed within this memory and time."""
    file = upload(data)
    tracemalloc.start()
    started = time.process_time()
    try:
        with pytest.raises(ValidationError) as refused:
            validate_attachment(file)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < peak_bytes, f"{peak} bytes allocated to check {len(data)} bytes"
    assert time.process_time() - started < cpu_seconds
    return " ".join(refused.value.messages)


def test_a_zip_bomb_is_refused_from_its_declared_sizes_without_expanding_it():
    stream, crc = deflated_zeros(16 * MiB)
    parts = MAX_UNCOMPRESSED_BYTES // (16 * MiB) + 1
    bomb = raw_zip(
        [
            stored("[Content_Types].xml", content_types(DOCX_MAIN)),
            *(
                (f"word/media/part{n}.bin", stream, zipfile.ZIP_DEFLATED, crc, 16 * MiB)
                for n in range(parts)
            ),
        ]
    )
    assert len(bomb) < MiB < MAX_UNCOMPRESSED_BYTES

    error = refused_within(bomb, peak_bytes=MiB)

    assert "expands too far" in error


@pytest.mark.parametrize("name", ["mimetype", "[Content_Types].xml"])
def test_the_member_that_names_the_format_is_read_only_as_far_as_needed(name):
    stream, crc = deflated_zeros(64 * MiB)
    archive = raw_zip([(name, stream, zipfile.ZIP_DEFLATED, crc, 64 * MiB)])

    error = refused_within(archive, peak_bytes=MiB)

    assert "is not a PDF" in error


def test_a_member_that_expands_past_what_it_declares_is_refused_unread():
    stream, _ = deflated_zeros(64 * MiB)
    lying = raw_zip([("mimetype", stream, zipfile.ZIP_DEFLATED, zlib.crc32(b"x"), 40)])

    error = refused_within(lying, peak_bytes=MiB)

    assert "is not a PDF" in error


def test_an_archive_of_a_hundred_thousand_members_is_refused_before_its_directory_is_read():
    crowded = raw_zip([stored(f"{n:x}", b"") for n in range(100_000)])

    error = refused_within(crowded, peak_bytes=MiB)

    assert "too many parts" in error


def test_an_archive_with_more_members_than_a_document_has_is_refused():
    members = [stored("[Content_Types].xml", content_types(DOCX_MAIN))]
    members += [stored(f"word/{n}.xml", b"") for n in range(MAX_MEMBERS)]

    assert "too many parts" in refused_within(raw_zip(members), peak_bytes=8 * MiB)


def test_an_archive_just_within_the_bounds_is_a_document():
    members = [stored("[Content_Types].xml", content_types(DOCX_MAIN))]
    members += [stored(f"word/{n}.xml", b"") for n in range(MAX_MEMBERS - 1)]

    assert validate_attachment(upload(raw_zip(members))) == MediaType.DOCX


def odf(mimetype: bytes) -> bytes:
    return raw_zip([stored("mimetype", mimetype), stored("content.xml", b"<office/>")])


@pytest.mark.parametrize(
    ("mimetype", "media_type"),
    [
        (b"application/vnd.oasis.opendocument.text", MediaType.ODT),
        (b"application/vnd.oasis.opendocument.spreadsheet", MediaType.ODS),
        (b"application/vnd.oasis.opendocument.presentation", MediaType.ODP),
    ],
)
def test_an_opendocument_file_gets_the_type_of_the_allow_list(mimetype, media_type):
    assert validate_attachment(upload(odf(mimetype))) is media_type


@pytest.mark.parametrize(
    "mimetype",
    [
        b"application/vnd.oasis.opendocument.text\r\nContent-Disposition: inline",
        b"application/vnd.oasis.opendocument.text<script>alert(1)</script>",
        b"application/vnd.oasis.opendocument.graphics",
        b"text/html",
        b"application/vnd.oasis.opendocument.text" + b" " * 200,
    ],
    ids=["header-injection", "markup", "other-odf-type", "html", "padded"],
)
def test_an_opendocument_file_with_a_forged_mimetype_is_refused(mimetype):
    with pytest.raises(ValidationError, match="is not a PDF"):
        validate_attachment(upload(odf(mimetype)))


@pytest.mark.parametrize(
    "main",
    [
        b"application/vnd.ms-word.document.macroEnabled.main+xml",
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
        b"text/html",
    ],
    ids=["macro-enabled", "template", "html"],
)
def test_an_office_package_that_is_not_a_plain_document_is_refused(main):
    package = raw_zip([stored("[Content_Types].xml", content_types(main))])

    with pytest.raises(ValidationError, match="is not a PDF"):
        validate_attachment(upload(package))


def test_an_encrypted_member_is_not_read():
    name, data, method, crc, size = stored("[Content_Types].xml", content_types(DOCX_MAIN))
    archive = bytearray(raw_zip([(name, data, method, crc, size)]))
    # The "encrypted" flag, in the local header and in the directory entry.
    archive[6] = 1
    archive[archive.index(b"PK\x01\x02") + 8] = 1

    with pytest.raises(ValidationError, match="is not a PDF"):
        validate_attachment(upload(bytes(archive)))


def test_the_database_refuses_a_type_outside_the_allow_list(actor_a):
    pledge = PledgeFactory(lead=actor_a)
    pledge.attachment_type = "text/html"

    with pytest.raises(ValidationError) as invalid:
        pledge.full_clean()
    assert "attachment_type" in invalid.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Pledge.objects.filter(pk=pledge.pk).update(attachment_type="text/html")


@pytest.mark.parametrize(
    ("stored_type", "content_type"),
    [
        (MediaType.ODT, "application/vnd.oasis.opendocument.text"),
        ("", "application/octet-stream"),
        ("text/html", "application/octet-stream"),
    ],
)
def test_a_download_is_served_with_an_allowed_type_only(stored_type, content_type):
    assert served_type(stored_type) == content_type


@pytest.mark.parametrize(
    ("name", "media_type", "saved_as"),
    [
        ("Work plan.pdf", MediaType.PDF, "Work plan.pdf"),
        ("Work plan.PDF", MediaType.PDF, "Work plan.PDF"),
        ("setup.exe", MediaType.PDF, "setup.exe.pdf"),
        ("installer.msi", MediaType.OLE2, "installer.msi.doc"),
        ("budget.xls", MediaType.OLE2, "budget.xls"),
        ("notes", MediaType.ODT, "notes.odt"),
        ("", MediaType.DOCX, "attachment.docx"),
        ("page.html", "", "page.bin"),
    ],
)
def test_a_download_is_named_as_its_type_ends(name, media_type, saved_as):
    assert download_name(name, media_type) == saved_as


def test_an_uploaded_opendocument_file_downloads_with_its_allowed_type(client, contributor_a):
    client.force_login(contributor_a)
    data = odf(b"application/vnd.oasis.opendocument.presentation")

    client.post(
        reverse("reviews:pledge-create"),
        {**pledge_form_data(**TYPED), "attachment": upload(data, "slides.zip")},
    )

    pledge = Pledge.objects.get(title=TYPED["title"])
    assert pledge.attachment_type == MediaType.ODP
    download = client.get(reverse("reviews:pledge-attachment", args=[pledge.pk]))
    assert download["Content-Type"] == "application/vnd.oasis.opendocument.presentation"
    assert download["Content-Disposition"] == 'attachment; filename="slides.zip.odp"'
    assert download["X-Content-Type-Options"] == "nosniff"


# --- Refused while it arrives (portal.uploads) ------------------------------------------------


class RecordingTemporaryHandler(TemporaryFileUploadHandler):
    """Django's spooling handler, remembering how much it was given and whether it was freed."""

    received: list[int] = []
    spooled: list = []

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received.append(0)
        self.spooled.append(self.file)

    def receive_data_chunk(self, raw_data, start):
        self.received[-1] += len(raw_data)
        return super().receive_data_chunk(raw_data, start)


@pytest.fixture
def small_limits(settings):
    settings.ATTACHMENT_MAX_BYTES = 64 * 1024
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    settings.FILE_UPLOAD_HANDLERS = [
        "portal.uploads.AttachmentLimitUploadHandler",
        "django.core.files.uploadhandler.MemoryFileUploadHandler",
        f"{__name__}.RecordingTemporaryHandler",
    ]
    RecordingTemporaryHandler.received = []
    RecordingTemporaryHandler.spooled = []
    return settings


def post_with_file_first(client, data: bytes):
    # The file goes before the other fields: they are still read once it is refused.
    return client.post(
        reverse("reviews:pledge-create"),
        {
            "attachment": SimpleUploadedFile("big.pdf", data, "application/pdf"),
            **pledge_form_data(**TYPED),
        },
    )


def test_an_upload_past_the_limit_is_stopped_there_and_the_form_keeps_what_was_typed(
    client, contributor_a, small_limits
):
    small_limits.DATA_UPLOAD_MAX_MEMORY_SIZE = None  # the running count alone stops it
    client.force_login(contributor_a)

    response = post_with_file_first(client, PDF_BYTES + bytes(MiB))

    assert response.status_code == 200
    assert response.context["form"].errors["attachment"] == [
        "This file is too large: attachments are limited to 64.0\xa0KB. It was not kept; "
        "choose a smaller one."
    ]
    assert_typed_fields_kept(response)
    assert not Pledge.objects.exists()
    [received] = RecordingTemporaryHandler.received
    assert received <= 64 * 1024, "the rest of the file was not written"
    [spooled] = RecordingTemporaryHandler.spooled
    assert spooled.closed, "what was spooled of it is freed at once"


def test_a_body_declaring_more_than_a_form_can_hold_stores_none_of_its_file(
    client, contributor_a, small_limits
):
    small_limits.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    client.force_login(contributor_a)

    response = post_with_file_first(client, PDF_BYTES + bytes(MiB))

    assert "attachments are limited to" in response.context["form"].errors["attachment"][0]
    assert_typed_fields_kept(response)
    assert RecordingTemporaryHandler.received == []
    assert not Pledge.objects.exists()


def test_an_upload_within_the_limit_passes_the_handler_whole(client, contributor_a, small_limits):
    client.force_login(contributor_a)

    response = post_with_file_first(client, PDF_BYTES + bytes(32 * 1024))

    pledge = Pledge.objects.get(title=TYPED["title"])
    assert response["Location"] == pledge.get_absolute_url()
    assert pledge.attachment.size == len(PDF_BYTES) + 32 * 1024
    assert pledge.attachment_type == MediaType.PDF


def test_an_api_body_declaring_more_than_the_limit_is_a_json_413_before_it_is_read(
    focal_a, settings
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_000
    body = b'{"title": "x"}'

    # The declared length is far above what is sent: reading the body would fail.
    response = token_client(focal_a).generic(
        "POST",
        reverse("api:pledge-list"),
        body,
        content_type="application/json",
        CONTENT_LENGTH=str(10 * 1024 * MiB),
    )

    assert_json_error(response, 413, "too large")


def test_the_api_takes_no_file_uploads(focal_a, actor_a):
    response = token_client(focal_a).post(
        reverse("api:pledge-list"),
        {"lead": actor_a.pk, "attachment": SimpleUploadedFile("plan.pdf", PDF_BYTES)},
        format="multipart",
    )

    assert_json_error(response, 415, "Unsupported media type")
    assert not Pledge.objects.exists()
