"""The pure bidding engine: auction rules as a deterministic state machine, no I/O.

The bidding processor keeps a `PrivateAuctionState` per item and calls these functions for each
input; see `engine` for the transitions, `pricing` for the proxy rule, `view` for what is public.
"""
from streams.bidding.decisions import Accepted, Closed, Extended, Rejected, RejectReason
from streams.bidding.engine import buy_now, cancel, close, end_now, extend, open_auction, judge_bid
from streams.bidding.increments import LIVE_INCREMENTS, IncrementTable, increment, minimum_next_bid
from streams.bidding.inputs import BidRequest, BuyNowRequest
from streams.bidding.rules import LIVE_RULES, BuyNowRule, Rules
from streams.bidding.rejections import MAX_BID_AMOUNT, reject_ended, reject_unknown
from streams.bidding.state import PrivateAuctionState, ItemTerms, LeadingBid, Outcome, Status
from streams.bidding.view import PublicView, public_view

__all__ = [
    "LIVE_INCREMENTS",
    "LIVE_RULES",
    "MAX_BID_AMOUNT",
    "BuyNowRule",
    "IncrementTable",
    "Rules",
    "Accepted",
    "PrivateAuctionState",
    "BidRequest",
    "BuyNowRequest",
    "Closed",
    "Extended",
    "ItemTerms",
    "LeadingBid",
    "Outcome",
    "PublicView",
    "RejectReason",
    "Rejected",
    "Status",
    "buy_now",
    "cancel",
    "close",
    "end_now",
    "extend",
    "increment",
    "minimum_next_bid",
    "open_auction",
    "judge_bid",
    "public_view",
    "reject_ended",
    "reject_unknown",
]
