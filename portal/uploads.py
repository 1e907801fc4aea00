"""The first upload handler of every request: files past the attachment limit are not kept.

Django's own handlers keep an upload in memory or spool it to a temporary file, however large it
is. This one runs before them and counts what the files of a request bring. Once they pass
ATTACHMENT_MAX_BYTES, the file being received is refused: what was spooled of it is freed, the
rest of it is read off the connection and dropped (nothing more is written anywhere), and the
form receives a `RefusedUpload` in its place, which `validate_attachment` answers with a clear
error while every other field of the form keeps what was typed. A body that declares more than
any acceptable form can hold has its files refused before a byte of them is stored.

The reverse proxy's body limit (README, "Deploying") refuses bigger bodies before they reach the
application at all.
"""

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopFutureHandlers

# Room for the multipart framing around the fields and the file of one form.
FRAMING_BYTES = 64 * 1024


class RefusedUpload(UploadedFile):
    """Stands for a file that was not kept because it passed the limit: it has no content."""

    refused = True

    def __init__(self, *, name: str, content_type: str, size: int):
        super().__init__(file=None, name=name, content_type=content_type, size=size)

    def open(self, mode=None):
        raise ValueError("A refused upload has no content.")

    def chunks(self, chunk_size=None):
        raise ValueError("A refused upload has no content.")

    def close(self):
        pass


def request_limit() -> int | None:
    """The largest body a form with one attachment can need; None when fields are unbounded."""
    if settings.DATA_UPLOAD_MAX_MEMORY_SIZE is None:
        return None
    return settings.ATTACHMENT_MAX_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE + FRAMING_BYTES


class AttachmentLimitUploadHandler(FileUploadHandler):
    """Refuses the files of a request once they pass the attachment limit (see the module)."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.received = 0
        limit = request_limit()
        self.oversized_body = limit is not None and content_length > limit
        # None: the multipart parser goes on, with this handler first.

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.refused = self.oversized_body
        if self.refused:
            # No later handler opens a file for it: none of it is stored.
            raise StopFutureHandlers()

    def receive_data_chunk(self, raw_data, start):
        if self.refused:
            return None
        self.received += len(raw_data)
        if self.received > settings.ATTACHMENT_MAX_BYTES:
            self.refused = True
            self._free_what_was_stored()
            return None
        return raw_data

    def file_complete(self, file_size):
        if not self.refused:
            return None  # the next handler hands over the file it kept
        return RefusedUpload(
            name=self.file_name,
            content_type=self.content_type,
            size=max(self.received, settings.ATTACHMENT_MAX_BYTES + 1),
        )

    def _free_what_was_stored(self):
        # Django's parser frees a skipped file the same way: each handler keeps it as `file`.
        for handler in self.request.upload_handlers:
            if handler is not self and getattr(handler, "file", None) is not None:
                handler.file.close()
