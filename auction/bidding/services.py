"""Writes about bids: validated at the edge, decided by the bidding processor."""
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError

from auction.accounts.services import refuse_if_suspended
from auction.bidding.rate_limit import RateLimited, bid_rate_check
from auction.catalog.models import Item
from auction.publishing import Published, Sending, publish, send
from streams.events import BidPlaced, BuyNowRequested
from streams.money import Money

__all__ = ["RateLimited", "Placed", "Placing", "PurchaseRequested", "bid_place", "bid_send", "buy_now_request"]


@dataclass(frozen=True)
class Placed:
    bid_id: uuid.UUID
    published: Published


@dataclass(frozen=True)
class Placing:
    """A bid checked and handed to the producer; `sending` says when the log has it."""

    bid_id: uuid.UUID
    sending: Sending


@dataclass(frozen=True)
class PurchaseRequested:
    request_id: uuid.UUID
    """A refusal comes back as a BidRejected with this id as its bid id (an acceptance closes the item)."""
    published: Published


def _require_open(item: Item, user: AbstractBaseUser) -> None:
    refuse_if_suspended(user=user)
    if item.status != Item.Status.OPEN:
        raise ValidationError("This auction has ended.")
    if item.seller_id == user.pk:
        raise ValidationError("You cannot bid on your own item.")


def bid_place(
    *,
    bidder: AbstractBaseUser,
    item: Item,
    amount: Money,
    max_amount: Money | None = None,
    client_time: datetime | None = None,
    bid_id: uuid.UUID | None = None,
) -> Placed:
    """Publish a bid; the bidding processor accepts or rejects it; `auction.streaming.wait` awaits that."""
    placing = bid_send(bidder=bidder, item=item, amount=amount, max_amount=max_amount, client_time=client_time, bid_id=bid_id)
    return Placed(bid_id=placing.bid_id, published=placing.sending.result())


def bid_send(
    *,
    bidder: AbstractBaseUser,
    item: Item,
    amount: Money,
    max_amount: Money | None = None,
    client_time: datetime | None = None,
    bid_id: uuid.UUID | None = None,
) -> Placing:
    """`bid_place` without waiting for the broker: for async views, which await `Placing.sending`.

    `bid_id`: an attempt's id (`auction.bidding.attempts`), for a request that may be sent again."""
    _require_open(item, bidder)
    if amount.currency != item.currency or (max_amount and max_amount.currency != item.currency):
        raise ValidationError(f"This item is priced in {item.currency}.")
    if max_amount is not None and max_amount < amount:
        raise ValidationError("Your maximum must be at least your bid.")
    bid_rate_check(user_id=bidder.pk, per_second=settings.AUCTION_BIDS_PER_SECOND)
    event = BidPlaced(
        bid_id=str(bid_id or uuid.uuid4()),
        item_id=str(item.pk),
        bidder_id=bidder.pk,
        bidder_name=bidder.get_username(),
        amount=amount,
        max_amount=max_amount,
        client_time=client_time,
        placed_at=datetime.now(timezone.utc),
    )
    return Placing(bid_id=uuid.UUID(event.bid_id), sending=send(event))


def buy_now_request(*, buyer: AbstractBaseUser, item: Item) -> PurchaseRequested:
    """Publish a Buy It Now request; `auction.bidding.selectors.purchase_decision` awaits the answer."""
    _require_open(item, buyer)
    if not item.buy_now_available or item.buy_now_price is None:
        raise ValidationError("Buy It Now is no longer available for this item.")
    bid_rate_check(user_id=buyer.pk, per_second=settings.AUCTION_BIDS_PER_SECOND)
    event = BuyNowRequested(
        request_id=str(uuid.uuid4()),
        item_id=str(item.pk),
        buyer_id=buyer.pk,
        buyer_name=buyer.get_username(),
        requested_at=datetime.now(timezone.utc),
    )
    return PurchaseRequested(request_id=uuid.UUID(event.request_id), published=publish(event))
