"""The rules an auction is run by, as one value the engine takes.

Live auctions run by `LIVE_RULES`: the increment table of `increments`, proxy bidding, Buy It
Now until the first bid (with a reserve: until the reserve is met), and each item's own soft-close
window and cap (fixed at listing, from the settings `AUCTION_EXTENSION_*`). Other `Rules` let
staff try a change on history (`streams.bidding.what_if`); the processor never passes any.

Two rules act on the engine's inputs rather than inside it: a soft-close override rewrites an
item's terms (`terms_for`), and proxy bidding off drops a bid's private maximum (`request_for`),
so a bid commits to the amount it states and no more.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from streams.bidding.increments import LIVE_INCREMENTS, IncrementTable
from streams.bidding.inputs import BidRequest
from streams.bidding.state import ItemTerms, PrivateAuctionState, Status


class BuyNowRule(StrEnum):
    LIVE = "live"
    """Until the first bid; with a reserve, until the reserve is met."""
    UNTIL_FIRST_BID = "until-first-bid"
    """Until the first bid, reserve or not."""
    OFF = "off"
    """Never: every Buy It Now request is refused."""


@dataclass(frozen=True, slots=True)
class Rules:
    increments: IncrementTable = LIVE_INCREMENTS
    proxy_bidding: bool = True
    buy_now: BuyNowRule = BuyNowRule.LIVE
    extension_window_seconds: int | None = None
    """None: each item's own window, as listed."""
    extension_cap_seconds: int | None = None
    """None: each item's own cap, as listed."""

    def __post_init__(self) -> None:
        for value in (self.extension_window_seconds, self.extension_cap_seconds):
            if value is not None and value < 0:
                raise ValueError("soft-close window and cap cannot be negative")

    def minimum_next_bid(self, state: PrivateAuctionState) -> int:
        price = state.price  # on the hot path: no call more than the live property makes
        return state.terms.starting_price if price is None else price + self.increments.increment(price)

    def buy_now_available(self, state: PrivateAuctionState) -> bool:
        if self.buy_now is BuyNowRule.LIVE:
            return state.buy_now_available
        if self.buy_now is BuyNowRule.OFF:
            return False
        return state.status is Status.OPEN and state.terms.buy_now_price is not None and state.bid_count == 0

    def terms_for(self, terms: ItemTerms) -> ItemTerms:
        """The item's terms with this rule set's soft close, when it overrides the item's own."""
        if self.extension_window_seconds is None and self.extension_cap_seconds is None:
            return terms
        return replace(
            terms,
            extension_window_seconds=_either(self.extension_window_seconds, terms.extension_window_seconds),
            extension_cap_seconds=_either(self.extension_cap_seconds, terms.extension_cap_seconds),
        )

    def request_for(self, bid: BidRequest) -> BidRequest:
        """The bid as these rules read it: without its maximum when proxy bidding is off."""
        if self.proxy_bidding or bid.max_amount is None:
            return bid
        return replace(bid, max_amount=None)


def _either(override: int | None, own: int) -> int:
    return own if override is None else override


LIVE_RULES = Rules()
