"""The sell form: field-level checks here (free text by `text`), listing rules from `rules.listing_problems`."""
from django import forms
from django.conf import settings

from auction.catalog.categories import CATEGORIES
from auction.catalog.fields import ImagesField
from auction.catalog.rules import STANDARD_DURATIONS_DAYS, listing_problems
from auction.catalog.uploads import ACCEPTED_FORMATS, MAX_IMAGE_BYTES, MAX_IMAGES
from auction.fields import MoneyField, RuledTextField
from auction.idempotency import KEY, new_attempt_key
from auction.text import DESCRIPTION, LOCATION, TITLE

SHORT_DURATIONS = ((60, "1 minute"), (5 * 60, "5 minutes"))
DAY_DURATIONS = tuple((days * 86400, f"{days} day{'s' if days > 1 else ''}") for days in STANDARD_DURATIONS_DAYS)
DEFAULT_DURATION_SECONDS = 7 * 86400
PRICE_FIELDS = ("starting_price", "reserve_price", "buy_now_price")
PHOTOS_HELP = f"Up to {MAX_IMAGES} {ACCEPTED_FORMATS} images, {MAX_IMAGE_BYTES // (1024 * 1024)} MB each."


def duration_choices(min_duration_seconds: int) -> list[tuple[int, str]]:
    """The standard durations, plus the short ones this deployment allows (demos, tests): the
    minimum itself too, when it is under a minute, so a demo auction can end while you watch."""
    shortest = ((min_duration_seconds, f"{min_duration_seconds} seconds"),) if min_duration_seconds < 60 else ()
    durations = shortest + SHORT_DURATIONS + DAY_DURATIONS
    return [(seconds, label) for seconds, label in durations if seconds >= min_duration_seconds]


class SellForm(forms.Form):
    title = RuledTextField(TITLE)
    description = RuledTextField(DESCRIPTION, widget=forms.Textarea(attrs={"rows": 6}))
    category = forms.ChoiceField(choices=(("", "Choose a category"),) + CATEGORIES)
    images = ImagesField(label="Photos", help_text=PHOTOS_HELP)
    starting_price = MoneyField(help_text="The first bid must be at least this.")
    reserve_price = MoneyField(
        required=False, help_text="Hidden; the item does not sell below it."
    )
    buy_now_price = MoneyField(
        required=False, label="Buy It Now price", help_text="A buyer can end the auction at once for this."
    )
    duration_seconds = forms.TypedChoiceField(coerce=int, label="Duration", initial=DEFAULT_DURATION_SECONDS)
    location = RuledTextField(LOCATION, help_text="City and country, e.g. Lyon, France.")
    attempt = forms.RegexField(regex=KEY, required=False, widget=forms.HiddenInput)
    """Fresh in every form rendered: the same form sent twice (a double click, the browser's history) is one listing."""

    def __init__(self, *args, refused_photos: list[str] | None = None, **kwargs) -> None:
        """`refused_photos`: what the upload handler turned away while reading the request (`upload_limits`)."""
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["attempt"] = new_attempt_key()
        self.fields["images"].refused = list(refused_photos or ())
        self.fields["duration_seconds"].choices = duration_choices(settings.AUCTION_MIN_DURATION_SECONDS)

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.has_error("attempt"):  # a hidden field: its error would show nowhere
            self.add_error(None, "This form was damaged on its way; open the sell page again and send it from there.")
        if any(name in self.errors for name in ("starting_price", "duration_seconds", *PRICE_FIELDS)):
            return cleaned
        problems = listing_problems(
            starting_price=cleaned["starting_price"],
            reserve_price=cleaned.get("reserve_price"),
            buy_now_price=cleaned.get("buy_now_price"),
            duration_seconds=cleaned["duration_seconds"],
            min_duration_seconds=settings.AUCTION_MIN_DURATION_SECONDS,
        )
        for field, message in problems.items():
            self.add_error(field, message)
        return cleaned

    def listing(self) -> dict:
        """The cleaned values as `item_put_up` takes them (without the seller and the stored photos)."""
        data = self.cleaned_data
        return {name: data[name] for name in ("title", "description", "category", "location", "duration_seconds", *PRICE_FIELDS)}

    def renew_attempt(self) -> None:
        """Render this sent form again with a fresh attempt key: sending it then is a new listing."""
        self.data = self.data.copy()
        self.data["attempt"] = new_attempt_key()
