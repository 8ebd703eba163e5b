"""Bounds on the sell form's files, applied while the request body is parsed, before a file is kept.

Django's own handlers keep every file of a request (in memory, or in a temporary file past
`FILE_UPLOAD_MAX_MEMORY_SIZE`) and the form counts and measures them afterwards. This handler
replaces them on the sell form: it counts files as the parser meets them and measures each as
its bytes arrive, so a file past `MAX_IMAGES`, or past `MAX_IMAGE_BYTES`, is skipped at once
and nothing of it is kept, in memory or on disk; what it refused is reported on the form.
The files it keeps (at most `MAX_IMAGES` × `MAX_IMAGE_BYTES`) stay in memory until the form has
re-encoded them.
"""
import io

from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest

from auction.catalog.uploads import MAX_IMAGE_BYTES, MAX_IMAGES


class BoundedPhotoUpload(FileUploadHandler):
    """Keeps at most `max_files` files of at most `max_bytes` each, in memory; `refused` says what it turned away."""

    def __init__(self, request: HttpRequest | None = None, *, max_files: int = MAX_IMAGES, max_bytes: int = MAX_IMAGE_BYTES):
        super().__init__(request)
        self.max_files, self.max_bytes = max_files, max_bytes
        self.files_seen = 0
        self.refused: list[str] = []
        self._buffer: io.BytesIO | None = None  # not `file`: the parser closes a handler's `file` on SkipFile

    def _refuse(self, problem: str) -> None:
        self._buffer = None
        if problem not in self.refused:
            self.refused.append(problem)
        raise SkipFile(problem)

    def _too_large(self) -> str:
        return f"“{self.file_name}” is larger than {self.max_bytes // (1024 * 1024)} MB."

    def new_file(self, field_name, file_name, content_type, content_length, charset=None, content_type_extra=None) -> None:
        super().new_file(field_name, file_name, content_type, content_length, charset, content_type_extra)
        self.files_seen += 1
        if self.files_seen > self.max_files:
            self._refuse(f"Add at most {self.max_files} photos.")
        if content_length is not None and content_length > self.max_bytes:
            self._refuse(self._too_large())
        self._buffer = io.BytesIO()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        if start + len(raw_data) > self.max_bytes:
            self._refuse(self._too_large())
        self._buffer.write(raw_data)
        return None

    def file_complete(self, file_size: int) -> InMemoryUploadedFile | None:
        if self._buffer is None:
            return None
        buffer, self._buffer = self._buffer, None
        buffer.seek(0)
        return InMemoryUploadedFile(
            file=buffer, field_name=self.field_name, name=self.file_name, content_type=self.content_type,
            size=file_size, charset=self.charset, content_type_extra=self.content_type_extra,
        )


def bound_photo_uploads(request: HttpRequest) -> BoundedPhotoUpload:
    """Make `request` parse its files through a `BoundedPhotoUpload` (before anything reads `request.POST`)."""
    handler = BoundedPhotoUpload(request)
    request.upload_handlers = [handler]
    return handler
