"""Which picture addresses a listing may carry and pages may show: this site's own, never another site's.

A listing's pictures are shown on its pages and in every bidder's emails. An address on another
site would let the seller see who looks (a tracking pixel in each email) and change the picture
after the bids. So a new listing takes only photos uploaded here (`uploads.stored_images`, by the
sell form) or the site's own static pictures (the demo's), and that it does is checked by the
listing service whoever calls it; pages, the JSON API and emails show nothing else. A listing
made before this rule whose pictures point elsewhere is shown as if it had none of them: no
request ever goes to that address, and where no picture is left the category placeholder shows.
"""
import re
from collections.abc import Iterable

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.files.storage import default_storage

from auction.catalog.uploads import FOLDER

UPLOADED_NAME = re.compile(r"[0-9a-f]{32}\.(?:jpg|png|webp|gif)")
"""The name `stored_images` gives a photo."""
STATIC_PICTURE = re.compile(r"[A-Za-z0-9_-]+(?:/[A-Za-z0-9_-]+)*\.(?:svg|png|jpg|jpeg|webp|gif)")
SHOWN_IN_MESSAGE = 80


def _uploads_prefix() -> str:
    return default_storage.url(f"{FOLDER}/")


def _is_plain_path(url: str) -> bool:
    """No query, fragment, backslash (some browsers read "/\\host" as "//host") or step up a folder."""
    return not any(mark in url for mark in ("?", "#", "\\", "/..", "%"))


def is_own_picture(url: object) -> bool:
    """True when `url` is a picture of this site (an uploaded photo or a static file), so showing it asks no one else."""
    if not isinstance(url, str) or not _is_plain_path(url):
        return False
    return url.startswith(_uploads_prefix()) or url.startswith(settings.STATIC_URL)


def own_pictures(urls: Iterable[object]) -> list[str]:
    """The pictures of a listing that may be shown, in order: those of this site."""
    return [url for url in urls if is_own_picture(url)]


def _static_exists(name: str) -> bool:
    return bool(finders.find(name)) or staticfiles_storage.exists(name)


def picture_problem(url: str) -> str | None:
    """Why a new listing cannot carry this picture address, or None when it is a photo uploaded here
    (or one of the site's own static pictures) that exists."""
    if is_own_picture(url):
        uploads, statics = _uploads_prefix(), settings.STATIC_URL
        if url.startswith(uploads):
            name = url.removeprefix(uploads)
            if UPLOADED_NAME.fullmatch(name) and default_storage.exists(f"{FOLDER}/{name}"):
                return None
        elif STATIC_PICTURE.fullmatch(name := url.removeprefix(statics)) and _static_exists(name):
            return None
    shown = url if len(url) <= SHOWN_IN_MESSAGE else url[: SHOWN_IN_MESSAGE - 1] + "…"
    return f"Photos must be uploaded to this site; “{shown}” is not a photo uploaded here."


def pictures_problem(urls: Iterable[str]) -> str | None:
    """The first problem among a listing's picture addresses, or None."""
    return next((problem for url in urls if (problem := picture_problem(url))), None)


def listable_pictures(urls: Iterable[str]) -> list[str]:
    """Those of an existing listing's pictures a new listing may carry (a relisting keeps these)."""
    return [url for url in urls if isinstance(url, str) and picture_problem(url) is None]
