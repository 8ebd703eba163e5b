"""Staff interventions in a running auction, produced by the web tier on `auction.items`.

They travel with the listings they act on, so the bidding processor sees them in order with
the item's other facts and stays the single writer of auction state. Each names the staff
member who acted: the projector keeps them as the item's audit trail. Cancelling is
`AuctionCancelled` (with `cancelled_by`) and relisting is a new `ItemListed` (with
`relisted_from`), so those are not repeated here.
"""
from __future__ import annotations

from pydantic import Field

from streams.events.base import REASON_MAX, Event, PersonId, UtcDatetime, Uuid


class AuctionEndRequested(Event):
    """Staff ended an auction early; the bidding processor closes it at once with the outcome bidding reached."""

    type = "auction.item.end-requested.v1"

    item_id: Uuid
    reason: str = Field(min_length=1, max_length=REASON_MAX, description=f"For people; at most {REASON_MAX} characters")
    acted_by: PersonId = Field(description="Staff member's id")


class AuctionExtensionRequested(Event):
    """Staff moved an auction's end later; the bidding processor applies it while the auction is open.

    Soft close then counts its cap from the new end, as if the item had been listed with it.
    """

    type = "auction.item.extension-requested.v1"

    item_id: Uuid
    ends_at: UtcDatetime = Field(description="The new end; ignored unless it is later than the current end")
    reason: str = Field(min_length=1, max_length=REASON_MAX, description=f"For people; at most {REASON_MAX} characters")
    acted_by: PersonId = Field(description="Staff member's id")
