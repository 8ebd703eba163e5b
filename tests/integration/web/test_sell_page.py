"""The sell form: per-field messages from the listing rules, real image checks, then one ItemListed event."""
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from auction.catalog.uploads import MAX_IMAGE_BYTES, MAX_IMAGES
from streams.events import ItemListed
from streams.money import Money
from tests.support.photos import photo_bytes

pytestmark = pytest.mark.django_db


PNG = photo_bytes("PNG")
JPEG = photo_bytes("JPEG")


def _photo(name: str = "lamp.png", content: bytes = PNG, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def _listing(**overrides) -> dict:
    data = {
        "title": "Brass lamp",
        "description": "Works, with a new cable.",
        "category": "home",
        "starting_price": "20",
        "reserve_price": "",
        "buy_now_price": "",
        "duration_seconds": str(3 * 86400),
        "location": "  lyon,   france ",
        "images": [_photo()],
    }
    return data | overrides


def _field_errors(response) -> dict[str, str]:
    return dict(re.findall(r'data-error-for="(\w+)">([^<]+)<', response.content.decode()))


@pytest.fixture
def seller(client, make_user):
    user = make_user("seller")
    client.force_login(user)
    return user


def test_selling_needs_an_account(client):
    response = client.get("/sell/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/sell/"


def test_short_durations_are_offered_only_down_to_the_configured_minimum(client, seller, settings):
    assert ">1 minute<" in client.get("/sell/").content.decode()

    settings.AUCTION_MIN_DURATION_SECONDS = 3600
    html = client.get("/sell/").content.decode()
    assert ">1 minute<" not in html and ">5 minutes<" not in html and ">10 days<" in html


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"reserve_price": "10"}, "reserve_price", "The reserve price cannot be below the starting price."),
        ({"reserve_price": "50", "buy_now_price": "50"}, "buy_now_price", "The Buy It Now price must be above"),
        ({"starting_price": "12.345"}, "starting_price", "Enter an amount such as 12 or 12.50."),
        ({"starting_price": "0"}, "starting_price", "Enter an amount above 0.00"),
        ({"duration_seconds": "61"}, "duration_seconds", "Select a valid choice."),
        ({"title": "   "}, "title", "This field is required."),
        ({"category": "weapons"}, "category", "Select a valid choice."),
        ({"images": []}, "images", "Add at least one photo."),
        ({"images": [_photo("notes.png", b"just some text")]}, "images", "“notes.png” is not a JPEG, PNG, WebP or GIF image, or it is damaged."),
        ({"images": [_photo("cut.jpg", JPEG[: len(JPEG) // 2])]}, "images", "“cut.jpg” is not a JPEG, PNG, WebP or GIF image, or it is damaged."),
        ({"images": [_photo("page.png", b"\x89PNG\r\n\x1a\n<script>alert(1)</script>")]}, "images", "is not a JPEG, PNG"),
        ({"images": [_photo(f"p{n}.png") for n in range(MAX_IMAGES + 1)]}, "images", f"Add at most {MAX_IMAGES} photos."),
        ({"images": [_photo("huge.jpg", JPEG + b"\0" * MAX_IMAGE_BYTES)]}, "images", "is larger than 5 MB."),
    ],
)
def test_each_problem_is_reported_on_its_field_and_nothing_is_published(
    client, seller, event_log, overrides, field, message
):
    response = client.post("/sell/", _listing(**overrides))

    assert response.status_code == 400
    assert message in _field_errors(response).get(field, "")
    assert event_log.events(by=seller.username) == []


def test_a_valid_listing_is_published_with_its_photos_and_redirects_to_the_item(client, seller, event_log, settings):
    response = client.post("/sell/", _listing(reserve_price="30", buy_now_price="80.5", images=[_photo(), _photo("b.jpg", JPEG)]))

    [event] = event_log.events(by=seller.username)
    assert isinstance(event, ItemListed)
    assert (event.title, event.category, event.location) == ("Brass lamp", "home", "Lyon, France")
    assert event.seller_id == seller.pk
    assert (event.starting_price, event.reserve_price, event.buy_now_price) == (
        Money(minor=20_00), Money(minor=30_00), Money(minor=80_50)
    )
    assert (event.ends_at - event.starts_at).total_seconds() == 3 * 86400
    assert len(event.image_urls) == 2
    for url, extension, image_format in zip(event.image_urls, ("png", "jpg"), ("PNG", "JPEG")):
        assert re.fullmatch(rf"/media/items/[0-9a-f]{{32}}\.{extension}", url)
        stored = (settings.MEDIA_ROOT / url.removeprefix("/media/")).read_bytes()
        with Image.open(io.BytesIO(stored)) as photo:
            assert (photo.format, photo.size) == (image_format, (40, 30)), "decoded and encoded again, the same picture"
        assert b"".join(client.get(url).streaming_content) == stored
    assert response.status_code == 302
    assert response["Location"] == f"/items/{event.item_id}/"


def _attempt(html: str) -> str:
    return re.search(r'name="attempt" value="([^"]+)"', html).group(1)


def test_each_rendering_of_the_form_has_its_own_attempt_key(client, seller):
    assert _attempt(client.get("/sell/").content.decode()) != _attempt(client.get("/sell/").content.decode())


def test_the_same_form_sent_twice_is_one_listing_with_the_first_photos(client, seller, event_log, settings):
    attempt = _attempt(client.get("/sell/").content.decode())

    first = client.post("/sell/", _listing(attempt=attempt))
    again = client.post("/sell/", _listing(attempt=attempt))

    [event] = event_log.events(by=seller.username)
    assert first["Location"] == again["Location"] == f"/items/{event.item_id}/"
    stored = sorted(path.name for path in (settings.MEDIA_ROOT / "items").iterdir())
    assert stored == sorted(url.rsplit("/", 1)[-1] for url in event.image_urls)  # the copies sent again are gone

    changed = client.post("/sell/", _listing(attempt=attempt, starting_price="25"))

    assert changed.status_code == 409
    assert "This form already listed “Brass lamp”, with other details." in changed.content.decode()
    assert _attempt(changed.content.decode()) != attempt  # sent from here, it is a new listing
    assert len(event_log.events(by=seller.username)) == 1
    assert len(list((settings.MEDIA_ROOT / "items").iterdir())) == len(event.image_urls)


def test_a_damaged_attempt_key_is_a_400_and_publishes_nothing(client, seller, event_log):
    response = client.post("/sell/", _listing(attempt="two words"))

    assert response.status_code == 400
    assert "This form was damaged on its way" in response.content.decode()
    assert event_log.events(by=seller.username) == []


def test_until_the_projection_catches_up_the_seller_sees_being_published(client, seller, event_log):
    item_url = client.post("/sell/", _listing())["Location"]

    response = client.get(item_url)

    assert response.status_code == 202
    html = response.content.decode()
    assert "Your item is being published" in html
    assert client.get(item_url.replace(item_url.split("/")[2], "00000000-0000-4000-8000-000000000000")).status_code == 404
