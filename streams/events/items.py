"""Facts about an item's listing, produced by the web tier on `auction.items`."""
from __future__ import annotations

from typing import Self

from pydantic import Field, model_validator

from streams.events.base import (
    CATEGORY_MAX,
    DESCRIPTION_MAX,
    LOCATION_MAX,
    REASON_MAX,
    TITLE_MAX,
    Event,
    PersonId,
    PersonName,
    UtcDatetime,
    Uuid,
    is_after,
)
from streams.money import Money, to_minor


class ItemListed(Event):
    """A seller put an item up for auction; it carries everything needed to run and close it."""

    type = "auction.item.listed.v1"

    item_id: Uuid
    seller_id: PersonId
    seller_name: PersonName = Field(min_length=1)
    title: str = Field(min_length=1, max_length=TITLE_MAX, description=f"Trimmed; at most {TITLE_MAX} characters")
    description: str = Field(
        max_length=DESCRIPTION_MAX, description=f"Trimmed; at most {DESCRIPTION_MAX} characters"
    )
    category: str = Field(
        min_length=1, max_length=CATEGORY_MAX, description=f"A category code of the site; at most {CATEGORY_MAX} characters"
    )
    image_urls: tuple[str, ...] = ()
    location: str = Field(
        max_length=LOCATION_MAX,
        description=f"Single spaces, each word capitalized; at most {LOCATION_MAX} characters once so written",
    )
    starting_price: Money = Field(description="The first bid must be at least this")
    reserve_price: Money | None = Field(default=None, description="Hidden minimum for a sale; null = no reserve")
    buy_now_price: Money | None = Field(default=None, description="Price to end the auction at once; null = none")
    starts_at: UtcDatetime
    ends_at: UtcDatetime = Field(description="Original end, before any soft-close extension")
    extension_window_seconds: int = Field(
        default=120, ge=0, description="A bid this close to the end pushes the end out by this much (soft close)"
    )
    extension_cap_seconds: int = Field(
        default=1800, ge=0, description="The end never moves more than this past the original end"
    )
    relisted_from: Uuid | None = Field(default=None, description="The unsold item this listing repeats; null = new")
    acted_by: PersonId | None = Field(
        default=None, description="Staff member who listed it on the seller's behalf (a relist); null = the seller"
    )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        is_after(self.ends_at, self.starts_at, "ends_at")
        for price in (self.reserve_price, self.buy_now_price):
            if price is not None and price.currency != self.starting_price.currency:
                raise ValueError("all prices of an item must be in the currency of its starting price")
        return self

    def prices_in_minor_units(self) -> dict[str, str | int | None]:
        """Its currency, and its prices as integers of that currency's minor units (read models, processor state)."""
        return {
            "currency": self.starting_price.currency,
            "starting_price": self.starting_price.minor,
            "reserve_price": to_minor(self.reserve_price),
            "buy_now_price": to_minor(self.buy_now_price),
        }


class AuctionCancelled(Event):
    """The seller or staff withdrew an item before it closed; the bidding processor closes it as cancelled."""

    type = "auction.item.cancelled.v1"

    item_id: Uuid
    reason: str = Field(min_length=1, max_length=REASON_MAX, description=f"For people; at most {REASON_MAX} characters")
    cancelled_by: PersonId | None = Field(default=None, description="Staff member's id; null = the seller")
