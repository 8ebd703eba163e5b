"""Rows of the fact tables to and from the pure core's facts (ids are strings there, UUIDs here)."""
from auction.analytics.models import BidFact, CloseFact, ExtensionFact, ListingFact
from streams.analytics.facts import Bid, Close, Extension, Listing


def listing_row(listing: Listing) -> ListingFact:
    return ListingFact(
        item_id=listing.item_id,
        seller_id=listing.seller_id,
        seller_name=listing.seller_name,
        title=listing.title,
        category=listing.category,
        currency=listing.currency,
        starting_price=listing.starting_price,
        reserve_price=listing.reserve_price,
        buy_now_price=listing.buy_now_price,
        starts_at=listing.at,
        ends_at=listing.ends_at,
    )


def listing_of(row: ListingFact) -> Listing:
    return Listing(
        item_id=str(row.item_id),
        seller_id=row.seller_id,
        seller_name=row.seller_name,
        title=row.title,
        category=row.category,
        currency=row.currency,
        starting_price=row.starting_price,
        reserve_price=row.reserve_price,
        buy_now_price=row.buy_now_price,
        at=row.starts_at,
        ends_at=row.ends_at,
    )


def bid_row(bid: Bid, on_time: bool) -> BidFact:
    return BidFact(
        bid_id=bid.bid_id,
        item_id=bid.item_id,
        bidder_id=bid.bidder_id,
        bidder_name=bid.bidder_name,
        amount=bid.amount,
        price=bid.price,
        currency=bid.currency,
        decided_at=bid.at,
        on_time=on_time,
    )


def bid_of(row: BidFact) -> Bid:
    return Bid(
        bid_id=str(row.bid_id),
        item_id=str(row.item_id),
        bidder_id=row.bidder_id,
        bidder_name=row.bidder_name,
        amount=row.amount,
        price=row.price,
        currency=row.currency,
        at=row.decided_at,
    )


def extension_row(extension: Extension) -> ExtensionFact:
    return ExtensionFact(
        event_id=extension.event_id, item_id=extension.item_id, ends_at=extension.ends_at, extended_at=extension.at
    )


def extension_of(row: ExtensionFact) -> Extension:
    return Extension(event_id=row.event_id, item_id=str(row.item_id), ends_at=row.ends_at, at=row.extended_at)


def close_row(close: Close, on_time: bool) -> CloseFact:
    return CloseFact(
        item_id=close.item_id,
        seller_id=close.seller_id,
        outcome=close.outcome,
        winner_id=close.winner_id,
        final_price=close.final_price,
        high_bid=close.high_bid,
        bid_count=close.bid_count,
        closed_at=close.at,
        on_time=on_time,
    )


def close_of(row: CloseFact) -> Close:
    return Close(
        item_id=str(row.item_id),
        seller_id=row.seller_id,
        outcome=row.outcome,
        winner_id=row.winner_id,
        final_price=row.final_price,
        high_bid=row.high_bid,
        bid_count=row.bid_count,
        at=row.closed_at,
    )
