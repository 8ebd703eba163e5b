"""Listing photos: decoded and drawn again by Pillow, bounded in bytes, pixels and number, saved under random names.

Nothing of an upload is kept but its pixels: every photo is decoded and encoded anew, so what
is stored is a plain image of a known format (no EXIF, no GPS position, no comments, no bytes
appended after the picture), whatever its name, content type or first bytes claimed. Its size
is checked before it is decoded (`MAX_PIXELS`), so a small file declaring a huge picture (a
decompression bomb) is refused without being decoded; large photos are scaled down to
`MAX_SIDE`. Animated GIF and WebP keep their first frame.
"""
import io
import secrets
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, ImageOps

from auction.publishing import PublishUncertain

MAX_IMAGES = 8
MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 25_000_000
"""Width × height as the file declares it, checked before decoding (25 megapixels, e.g. 6000 × 4000)."""
MAX_SIDE = 2000
"""Longer photos are scaled down to this many pixels on their longest side."""
FOLDER = "items"
ACCEPTED_FORMATS = "JPEG, PNG, WebP or GIF"
ACCEPT_ATTRIBUTE = "image/jpeg,image/png,image/webp,image/gif"

DECODED = ("JPEG", "PNG", "WEBP", "GIF")
"""The formats Pillow is allowed to open: any other (TIFF, PSD, EPS, …) is refused unread."""
STORED_AS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WEBP", "GIF": "PNG"}
"""The format each is stored in: a GIF's first frame becomes a PNG."""
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp", "gif": "image/gif"}
"""The stored photos' extensions and the Content-Type each is served with (GIFs stored before they became PNGs too)."""
SAVE_OPTIONS = {"JPEG": {"quality": 88, "optimize": True}, "PNG": {"optimize": True}, "WEBP": {"quality": 88}}


class PhotoRefused(ValueError):
    """Why an upload cannot be a listing photo, in words for the seller."""


@dataclass(frozen=True)
class Photo:
    """A photo as it will be stored: freshly encoded bytes and their extension."""

    content: bytes
    extension: str


def _too_many_pixels(name: str, size: tuple[int, int] | None = None) -> PhotoRefused:
    picture = f"{size[0]} × {size[1]} pixels" if size else "too large a picture"
    return PhotoRefused(f"“{name}” is {picture}; photos can have at most {MAX_PIXELS // 1_000_000} megapixels.")


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in image.info


def _decoded(upload: UploadedFile) -> tuple[Image.Image, str]:
    """The upload's first frame, decoded, upright, at most `MAX_SIDE` on its longest side; and its format."""
    upload.seek(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # our own limit is lower, and checked next
        with Image.open(upload, formats=DECODED) as image:
            if image.width * image.height > MAX_PIXELS:
                raise _too_many_pixels(upload.name, image.size)
            source_format = image.format
            if source_format == "JPEG":
                image.draft(None, (MAX_SIDE, MAX_SIDE))  # decode at a fraction of the size when that is enough
            image.seek(0)
            image.load()
            upright = ImageOps.exif_transpose(image)
    upright.thumbnail((MAX_SIDE, MAX_SIDE))
    return upright, source_format


def photo_from_upload(upload: UploadedFile) -> Photo:
    """The upload decoded and encoded again as a clean photo; `PhotoRefused` says why it cannot be one."""
    if upload.size > MAX_IMAGE_BYTES:
        raise PhotoRefused(f"“{upload.name}” is larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MB.")
    try:
        image, source_format = _decoded(upload)
    except PhotoRefused:
        raise
    except Image.DecompressionBombError:  # Pillow's own limit, met while opening: far beyond ours
        raise _too_many_pixels(upload.name) from None
    except Exception:  # Pillow fails in many ways on a file that is not what it claims to be
        raise PhotoRefused(f"“{upload.name}” is not a {ACCEPTED_FORMATS} image, or it is damaged.") from None
    stored_as = STORED_AS[source_format]
    mode = "RGBA" if _has_alpha(image) and stored_as != "JPEG" else "RGB"
    clean = image.convert(mode)
    clean.info = {}  # no EXIF, XMP, ICC profile, comment or text chunk goes along
    buffer = io.BytesIO()
    clean.save(buffer, format=stored_as, **SAVE_OPTIONS[stored_as])
    return Photo(content=buffer.getvalue(), extension=EXTENSIONS[stored_as])


def photo_content_type(path: str) -> str | None:
    """The Content-Type a stored photo is served with, from its name; None for any other file."""
    folder, _, name = path.partition("/")
    stem, _, extension = name.rpartition(".")
    if folder != FOLDER or not stem or "/" in name:
        return None
    return CONTENT_TYPES.get(extension)


@contextmanager
def stored_images(photos: Sequence[Photo]) -> Iterator[list[str]]:
    """Save photos and yield their URLs; if the block raises they are deleted again,
    so a listing that was never published leaves no files behind. A publish whose outcome is
    unknown (`PublishUncertain`) keeps them: the listing may be in the log, showing them."""
    names = [
        default_storage.save(f"{FOLDER}/{secrets.token_hex(16)}.{photo.extension}", ContentFile(photo.content))
        for photo in photos
    ]
    try:
        yield [default_storage.url(name) for name in names]
    except PublishUncertain:
        raise
    except BaseException:
        for name in names:
            default_storage.delete(name)
        raise


def stored_images_delete(urls: Sequence[str]) -> None:
    """Delete photos `stored_images` saved that no listing shows: a sell form sent again lists the
    first attempt's photos, so the copies it stored this time are dropped."""
    for url in urls:
        default_storage.delete(f"{FOLDER}/{url.rsplit('/', 1)[-1]}")
