"""Listing photos: only pictures of this site, every upload decoded and drawn again (no metadata, a pixel
cap), the sell form's files bounded while the request is read, photos served as what they are."""
import io
import re
import uuid

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import InMemoryUploadedFile, SimpleUploadedFile
from PIL import ExifTags, Image

from auction.catalog.uploads import MAX_IMAGE_BYTES, MAX_IMAGES, MAX_PIXELS
from auction.notifications.composing import compose
from auction.notifications.models import Notification
from streams.events import ItemListed

pytestmark = pytest.mark.django_db

TRACKER = "https://tracker.example.com/pixel.gif?who=bidders"


def _jpeg_with_gps() -> bytes:
    """A photo as a phone takes it: camera make, a GPS position, a comment, and turned on its side (orientation 6)."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SpyCam"
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (48.0, 51.0, 24.0),
        ExifTags.GPS.GPSLongitudeRef: "E", ExifTags.GPS.GPSLongitude: (2.0, 21.0, 3.0),
    }
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 90, 200)).save(buffer, "JPEG", exif=exif, comment=b"home sweet home")
    return buffer.getvalue()


def _png(size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("L", size).save(buffer, "PNG")
    return buffer.getvalue()


def _listing(*photos: SimpleUploadedFile) -> dict:
    return {
        "title": "Brass lamp", "description": "Works.", "category": "home", "starting_price": "20",
        "reserve_price": "", "buy_now_price": "", "duration_seconds": str(3 * 86400), "location": "Lyon",
        "images": list(photos),
    }


def _images_error(response) -> str:
    return dict(re.findall(r'data-error-for="(\w+)">([^<]+)<', response.content.decode())).get("images", "")


def _stored_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


@pytest.fixture
def seller(client, make_user):
    user = make_user("seller")
    client.force_login(user)
    return user


@pytest.fixture
def upload_temp_dir(settings, tmp_path):
    """Where Django's own handlers would spill large uploads: it must stay empty."""
    folder = tmp_path / "upload-temp"
    folder.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(folder)
    return folder


# -- what is stored: the pixels, nothing else -------------------------------------------------------


def test_an_uploaded_photo_is_stored_upright_without_exif_gps_or_comment(client, seller, event_log, settings):
    original = _jpeg_with_gps()
    assert b"SpyCam" in original and b"home sweet home" in original  # what the upload carried

    client.post("/sell/", _listing(SimpleUploadedFile("holiday.jpg", original, content_type="image/jpeg")))

    [event] = event_log.events(by=seller.username)
    [url] = event.image_urls
    stored = (settings.MEDIA_ROOT / url.removeprefix("/media/")).read_bytes()
    with Image.open(io.BytesIO(stored)) as photo:
        assert photo.format == "JPEG"
        assert photo.size == (48, 64), "turned upright before its orientation tag was dropped"
        assert len(photo.getexif()) == 0 and photo.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
        assert "exif" not in photo.info and "comment" not in photo.info
    assert b"Exif" not in stored and b"SpyCam" not in stored and b"home sweet home" not in stored


def test_a_decompression_bomb_is_refused_with_the_pixel_cap_and_nothing_is_stored(client, seller, event_log, settings):
    bomb = _png((6000, 5000))  # 30 megapixels of one colour: a few kilobytes
    assert len(bomb) < 100_000 and 6000 * 5000 > MAX_PIXELS

    response = client.post("/sell/", _listing(SimpleUploadedFile("bomb.png", bomb, content_type="image/png")))

    assert response.status_code == 400
    assert _images_error(response) == "“bomb.png” is 6000 × 5000 pixels; photos can have at most 25 megapixels."
    assert event_log.events(by=seller.username) == [] and _stored_files(settings) == []


def test_a_gif_keeps_its_first_frame_as_a_png(client, seller, event_log, settings):
    frames = [Image.new("P", (20, 10), colour) for colour in (1, 2, 3)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], comment=b"made by someone")

    client.post("/sell/", _listing(SimpleUploadedFile("spin.gif", buffer.getvalue(), content_type="image/gif")))

    [event] = event_log.events(by=seller.username)
    assert event.image_urls[0].endswith(".png")
    with Image.open(settings.MEDIA_ROOT / event.image_urls[0].removeprefix("/media/")) as photo:
        assert (photo.format, photo.size, getattr(photo, "n_frames", 1)) == ("PNG", (20, 10), 1)


# -- the sell form's files are bounded while they are read ----------------------------------------


def test_files_past_the_limit_are_refused_unread_and_nothing_is_written(client, seller, event_log, settings, upload_temp_dir):
    photos = [SimpleUploadedFile(f"p{n}.png", _png(), content_type="image/png") for n in range(MAX_IMAGES + 3)]

    response = client.post("/sell/", _listing(*photos))

    assert response.status_code == 400
    assert _images_error(response) == f"Add at most {MAX_IMAGES} photos."
    kept = response.wsgi_request.FILES.getlist("images")
    assert [upload.name for upload in kept] == [f"p{n}.png" for n in range(MAX_IMAGES)], "the files past the limit were skipped"
    assert all(isinstance(upload, InMemoryUploadedFile) for upload in kept), "none went to a temporary file"
    assert event_log.events(by=seller.username) == []
    assert _stored_files(settings) == [] and list(upload_temp_dir.iterdir()) == []


def test_a_file_past_the_size_limit_is_refused_while_read_and_nothing_is_written(client, seller, event_log, settings, upload_temp_dir):
    huge = SimpleUploadedFile("huge.png", _png() + b"\0" * MAX_IMAGE_BYTES, content_type="image/png")

    response = client.post("/sell/", _listing(SimpleUploadedFile("fine.png", _png(), content_type="image/png"), huge))

    assert response.status_code == 400
    assert _images_error(response) == f"“huge.png” is larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MB."
    assert [upload.name for upload in response.wsgi_request.FILES.getlist("images")] == ["fine.png"]
    assert event_log.events(by=seller.username) == []
    assert _stored_files(settings) == [] and list(upload_temp_dir.iterdir()) == []


def test_the_sell_form_still_needs_its_csrf_token(client, seller, event_log):
    """The view reads its body only once the upload handler is in place, and checks the token then."""
    strict = type(client)(enforce_csrf_checks=True)
    strict.force_login(seller)

    response = strict.post("/sell/", _listing(SimpleUploadedFile("p.png", _png(), content_type="image/png")))

    assert response.status_code == 403
    assert event_log.events(by=seller.username) == []


# -- served as what they are ----------------------------------------------------------------------


@pytest.mark.parametrize(("extension", "content_type"), [("jpg", "image/jpeg"), ("png", "image/png"), ("webp", "image/webp")])
def test_photos_are_served_with_their_content_type_and_nosniff(client, extension, content_type):
    name = default_storage.save(f"items/{uuid.uuid4().hex}.{extension}", ContentFile(b"<html>not sniffed</html>"))

    response = client.get(f"/media/{name}")

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


@pytest.mark.parametrize("name", ["items/page.html", "items/photo.svg", "secret.txt", "items/nested/x.jpg"])
def test_nothing_but_photos_is_served_from_the_media_folder(client, name):
    default_storage.save(name, ContentFile(b"<script>alert(1)</script>"))

    assert client.get(f"/media/{name}").status_code == 404


# -- pictures elsewhere: never taken, never shown ----------------------------------------------------


def test_the_listing_service_refuses_pictures_elsewhere_whoever_calls_it(make_user):
    from django.core.exceptions import ValidationError

    from auction.catalog.services import listing_event
    from streams.money import Money

    with pytest.raises(ValidationError) as refused:
        listing_event(
            seller_id=1, seller_name="s", title="Lamp", description="Bright.", category="home", image_urls=[TRACKER],
            location="Lyon", starting_price=Money.parse("5", "EUR"), reserve_price=None, buy_now_price=None,
            duration_seconds=86400,
        )

    assert "Photos must be uploaded to this site" in refused.value.message_dict["image_urls"][0]


def test_a_photo_uploaded_here_can_be_listed_through_the_api(client, make_user, event_log):
    seller = make_user("seller")
    client.force_login(seller)
    photo = "/media/" + default_storage.save(f"items/{uuid.uuid4().hex}.png", ContentFile(_png()))
    body = {"title": "Lamp", "description": "Bright.", "category": "home", "location": "Lyon", "starting_price": "5",
            "image_urls": [photo]}

    response = client.post("/api/items", body, content_type="application/json")

    assert response.status_code in (201, 202)
    assert event_log.wait_for(ItemListed, by=seller.username).image_urls == (photo,)


def test_an_older_listing_with_a_picture_elsewhere_shows_none_of_it(client, make_item, make_user):
    mine = "/media/items/telescope.jpg"
    item = make_item(title="Brass telescope", image_urls=[TRACKER, mine])
    bare = make_item(title="Brass sextant", image_urls=[TRACKER])
    seller = make_user("looker")
    client.force_login(seller)

    page = client.get(f"/items/{item.pk}/").content.decode()
    bare_page = client.get(f"/items/{bare.pk}/").content.decode()
    browse = client.get("/", {"q": "brass"}).content.decode()
    api = client.get(f"/api/items/{item.pk}").json()

    for html in (page, bare_page, browse):
        assert "tracker.example.com" not in html
    assert f'src="{mine}"' in page
    assert 'class="gallery-main placeholder"' in bare_page, "no picture left: the category placeholder"
    assert api["image_urls"] == [mine]


@pytest.mark.parametrize(("picture", "embedded"), [(TRACKER, None), ("/media/items/lamp.jpg", "http://127.0.0.1:8000/media/items/lamp.jpg")])
def test_emails_embed_only_pictures_of_this_site(make_user, settings, picture, embedded):
    settings.SITE_URL = "http://127.0.0.1:8000"
    winner, seller = make_user("winner"), make_user("seller")
    entry = Notification.objects.create(
        event_id=str(uuid.uuid4()), recipient_id=winner.pk, kind="won", item_id=uuid.uuid4(),
        details={"item_id": str(uuid.uuid4()), "title": "Lamp", "image_url": picture, "currency": "EUR",
                 "outcome": "sold", "price": 42_00, "seller_id": seller.pk, "seller_name": seller.username},
    )

    message = compose(entry)
    html = message.alternatives[0][0]

    assert "tracker.example.com" not in html + message.body
    images = re.findall(r'<img src="([^"]+)"', html)
    assert images == ([embedded] if embedded else [])
