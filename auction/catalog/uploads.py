"""Listing photos: real images of a few formats, bounded in size and number, saved under random names."""
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile

MAX_IMAGES = 8
MAX_IMAGE_BYTES = 5 * 1024 * 1024
FOLDER = "items"
ACCEPTED_FORMATS = "JPEG, PNG, WebP or GIF"
ACCEPT_ATTRIBUTE = "image/jpeg,image/png,image/webp,image/gif"


def image_extension(head: bytes) -> str | None:
    """The format the first bytes prove, as a file extension: a file name or content type can lie."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def _uploaded_extension(upload: UploadedFile) -> str | None:
    upload.seek(0)
    head = upload.read(12)
    upload.seek(0)
    return image_extension(head)


def image_problem(upload: UploadedFile) -> str | None:
    """Why this upload cannot be a listing photo, or None when it can."""
    if upload.size > MAX_IMAGE_BYTES:
        return f"“{upload.name}” is larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MB."
    if _uploaded_extension(upload) is None:
        return f"“{upload.name}” is not a {ACCEPTED_FORMATS} image."
    return None


@contextmanager
def stored_images(uploads: Sequence[UploadedFile]) -> Iterator[list[str]]:
    """Save validated uploads and yield their URLs; if the block raises they are deleted again,
    so a listing that was never published leaves no files behind."""
    names = [default_storage.save(f"{FOLDER}/{secrets.token_hex(16)}.{_uploaded_extension(upload)}", upload) for upload in uploads]
    try:
        yield [default_storage.url(name) for name in names]
    except BaseException:
        for name in names:
            default_storage.delete(name)
        raise
