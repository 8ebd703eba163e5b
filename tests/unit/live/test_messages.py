"""Which live messages each decision makes, for whom, and that public ones carry nothing private."""
import json
import string
from datetime import datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from auction.catalog.models import Item
from auction.live.groups import BROWSE, item_group, person_group, subscriptions
from auction.live.messages import BID_FIELDS, CARD_FIELDS, EXTENSION_FIELDS, pushes_for
from auction.live.push import MESSAGE_TYPE, layer_messages
from streams.events import AuctionClosed, AuctionExtended, AuctionState, BidAccepted, BidRejected, Outcome, RejectReason
from streams.money import Money

ITEM = "5f0c6a52-3b1e-4c1a-9d55-0a8e2f6b7c01"
SELLER, ANA, BEN = 1_000_001, 1_000_002, 1_000_003
T0 = datetime(2025, 3, 8, 19, 0, tzinfo=timezone.utc)
RESERVE = 987_65


def listing(**fields) -> Item:
    """The item's row as the projector wrote it at listing time (never saved here)."""
    values = dict(
        id=ITEM, seller_id=SELLER, seller_name="bruno", title="Desk lamp", currency="EUR", starting_price=20_00,
        reserve_price=RESERVE, buy_now_price=None, starts_at=T0 - timedelta(days=1), original_ends_at=T0,
        ends_at=T0, status=Item.Status.OPEN, bid_count=0, reserve_met=False, buy_now_available=False, seq=0,
    )
    return Item(**(values | fields))


def accepted(*, bidder: int, name: str, amount: int, previous: int | None, leader: int, leader_name: str, seq: int = 4) -> BidAccepted:
    return BidAccepted(
        bid_id="9b2d7e44-61a0-4f7e-8c3b-2d1e0f9a8b7c",
        item_id=ITEM,
        bidder_id=bidder,
        bidder_name=name,
        amount=Money(minor=amount),
        previous_leader_id=previous,
        state=AuctionState(
            price=Money(minor=amount), leader_id=leader, leader_name=leader_name, bid_count=3, reserve_met=False,
            ends_at=T0, buy_now_available=False, seq=seq,
        ),
        decided_at=T0 - timedelta(minutes=5),
    )


def by_group(pushes) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = {}
    for push in pushes:
        grouped.setdefault(push.group, []).append(push.message)
    return grouped


def test_an_accepted_bid_updates_item_pages_and_cards_and_tells_the_people_concerned():
    event = accepted(bidder=BEN, name="benjamin", amount=25_00, previous=ANA, leader=BEN, leader_name="benjamin")

    groups = by_group(pushes_for(event, listing()))

    assert groups[person_group(BEN)] == [{"type": "lead", "item": ITEM, "seq": 4}]
    [page] = groups[item_group(ITEM)]
    assert (page["type"], page["item"], page["seq"], tuple(page["fields"])) == ("item", ITEM, 4, BID_FIELDS)
    assert page["fields"]["price"] == "€25.00"
    assert page["fields"]["price-label"] == "Current bid"
    assert page["fields"]["minimum-bid"] == {"text": "€26.00", "amount": "26.00"}
    assert page["fields"]["bid-count"] == {"count": 3, "text": "3 bids"}
    assert page["fields"]["reserve"] == {"met": False, "text": "Reserve not met"}
    assert page["fields"]["leader"] == {"name": "b***n", "you": False}
    assert page["fields"]["time-left"] == {"ends_at": T0.isoformat(), "closed": False}
    assert page["bid"] == {"bidder": "b***n", "amount": "€25.00", "datetime": "2025-03-08T18:55:00+00:00", "time": "8 Mar, 18:55:00 UTC"}
    [card] = groups[BROWSE]
    assert (card["seq"], tuple(card["fields"])) == (4, tuple(n for n in CARD_FIELDS if n in BID_FIELDS))
    [toast] = groups[person_group(ANA)]
    assert toast == {
        "type": "toast", "kind": "outbid", "item": ITEM, "seq": 4, "url": f"/items/{ITEM}/",
        "text": "You've been outbid on “Desk lamp”. The price is now €25.00.",
    }


def test_a_bid_beaten_at_once_by_the_leaders_maximum_tells_the_bidder_not_the_leader():
    event = accepted(bidder=BEN, name="benjamin", amount=25_00, previous=ANA, leader=ANA, leader_name="anastasia")

    groups = by_group(pushes_for(event, listing()))

    assert groups[person_group(ANA)] == [{"type": "lead", "item": ITEM, "seq": 4}]
    assert [toast["kind"] for toast in groups[person_group(BEN)]] == ["outbid"]


def test_raising_ones_own_maximum_outbids_nobody():
    event = accepted(bidder=ANA, name="anastasia", amount=25_00, previous=ANA, leader=ANA, leader_name="anastasia")

    assert set(by_group(pushes_for(event, listing()))) == {person_group(ANA), item_group(ITEM), BROWSE}


def test_an_extension_moves_only_the_end():
    later = T0 + timedelta(minutes=2)
    event = AuctionExtended(item_id=ITEM, previous_ends_at=T0, ends_at=later, seq=5)

    groups = by_group(pushes_for(event, listing()))

    assert groups[item_group(ITEM)] == [
        {"type": "item", "item": ITEM, "seq": 5, "fields": {"time-left": {"ends_at": later.isoformat(), "closed": False}}}
    ]
    assert tuple(groups[BROWSE][0]["fields"]) == EXTENSION_FIELDS


def closed(outcome: Outcome, *, winner: int | None = None, final: int | None = None) -> AuctionClosed:
    has_winner = winner is not None
    return AuctionClosed(
        item_id=ITEM, seller_id=SELLER, outcome=outcome, winner_id=winner, winner_name="anastasia" if has_winner else None,
        final_price=Money(minor=final) if has_winner else None, high_bid=Money(minor=final) if final else None,
        bid_count=2 if final else 0, closed_at=T0, seq=6,
    )


def test_a_sale_shows_the_outcome_and_tells_winner_and_seller():
    groups = by_group(pushes_for(closed(Outcome.SOLD, winner=ANA, final=990_00), listing()))

    fields = groups[item_group(ITEM)][0]["fields"]
    assert fields["outcome"] == {"code": "sold", "text": "Sold to a***a for €990.00"}
    assert (fields["status"], fields["price"], fields["price-label"], fields["minimum-bid"], fields["leader"]) == (
        "closed", "€990.00", "Final price", None, None,
    )
    assert fields["time-left"]["closed"] is True
    assert groups[BROWSE][0]["fields"]["outcome"] == fields["outcome"]
    assert [t["text"] for t in groups[person_group(ANA)]] == ["You won “Desk lamp” for €990.00."]
    assert [t["text"] for t in groups[person_group(SELLER)]] == ["Your listing “Desk lamp” sold for €990.00."]


def test_an_auction_without_bids_tells_the_seller_it_ended_unsold():
    groups = by_group(pushes_for(closed(Outcome.NO_BIDS), listing()))

    assert groups[item_group(ITEM)][0]["fields"]["price"] == "€20.00"
    assert [(t["kind"], t["text"]) for t in groups[person_group(SELLER)]] == [
        ("unsold", "Your listing “Desk lamp” ended with no bids.")
    ]


def test_without_the_items_row_only_personal_messages_go_out():
    event = accepted(bidder=BEN, name="benjamin", amount=25_00, previous=ANA, leader=BEN, leader_name="benjamin")

    groups = by_group(pushes_for(event, None))

    assert set(groups) == {person_group(BEN), person_group(ANA)}
    assert groups[person_group(ANA)][0]["text"] == "You've been outbid on an auction. The price is now €25.00."


def test_rejections_change_nothing_anyone_sees():
    rejected = BidRejected(
        bid_id="0e6f1c2d-3a4b-4c5d-8e9f-a0b1c2d3e4f5", item_id=ITEM, bidder_id=BEN, amount=Money(minor=1_00),
        reason_code=RejectReason.BELOW_MINIMUM, reason="too low", minimum=Money(minor=26_00), state=None, decided_at=T0,
    )

    assert pushes_for(rejected, listing()) == []


names = st.text(alphabet=string.ascii_lowercase, min_size=2, max_size=20).map(lambda tail: "Zq" + tail)


@given(
    bidder_name=names,
    leader_name=names,
    amount=st.integers(min_value=20_00, max_value=900_00),  # below the reserve, so it cannot show by chance
    leads=st.booleans(),
)
def test_public_messages_carry_no_names_ids_or_reserve(bidder_name, leader_name, amount, leads):
    leader, name_of_leader = (BEN, bidder_name) if leads else (ANA, leader_name)
    event = accepted(bidder=BEN, name=bidder_name, amount=amount, previous=ANA, leader=leader, leader_name=name_of_leader)

    for group, message in layer_messages(pushes_for(event, listing())):
        if group in (item_group(ITEM), BROWSE):
            text = "".join(message["texts"])
            for secret in (bidder_name, leader_name, str(BEN), str(ANA), str(SELLER), str(RESERVE), "987.65", "_id", "max", "email"):
                assert secret not in text


def test_a_socket_joins_its_pages_stream_and_only_its_own_persons_group():
    assert subscriptions(item_id=ITEM, feed=None, person_id=None) == (item_group(ITEM),)
    assert subscriptions(item_id=ITEM, feed=None, person_id=ANA) == (item_group(ITEM), person_group(ANA))
    assert subscriptions(item_id=None, feed=BROWSE, person_id=ANA) == (BROWSE, person_group(ANA))
    assert subscriptions(item_id=None, feed=None, person_id=ANA) == (person_group(ANA),)


def test_a_batch_goes_out_as_one_message_per_group_in_order():
    first = accepted(bidder=BEN, name="benjamin", amount=25_00, previous=ANA, leader=BEN, leader_name="benjamin", seq=4)
    second = accepted(bidder=ANA, name="anastasia", amount=26_00, previous=BEN, leader=ANA, leader_name="anastasia", seq=5)

    messages = layer_messages(pushes_for(first, listing()) + pushes_for(second, listing()))

    assert [group for group, _ in messages] == [person_group(BEN), item_group(ITEM), BROWSE, person_group(ANA)]
    assert {message["type"] for _, message in messages} == {MESSAGE_TYPE}
    in_order = {group: [json.loads(text) for text in message["texts"]] for group, message in messages}
    assert [(m["type"], m["seq"]) for m in in_order[person_group(BEN)]] == [("lead", 4), ("toast", 5)]
    assert [m["seq"] for m in in_order[item_group(ITEM)]] == [4, 5]
    assert [(m["type"], m["seq"]) for m in in_order[person_group(ANA)]] == [("toast", 4), ("lead", 5)]


def test_the_analytics_feed_joins_only_its_own_group():
    from auction.live.groups import ANALYTICS

    assert subscriptions(item_id=None, feed=ANALYTICS, person_id=ANA) == (ANALYTICS,)
    assert subscriptions(item_id=None, feed=ANALYTICS, person_id=None) == (ANALYTICS,)
