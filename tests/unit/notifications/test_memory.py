"""The processor's memory: what it decides over whole sequences of events, including replays."""
import uuid
from collections import Counter
from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from auction.notifications.kinds import Kind
from auction.notifications.memory import Memory
from streams.events import AuctionCancelled, Envelope, ItemListed, Outcome
from streams.money import Money
from tests.unit.notifications.builders import ITEM, SELLER, T0, accepted, closed

THROTTLE = timedelta(minutes=10)
LISTED = ItemListed(
    item_id=ITEM, seller_id=SELLER, seller_name="Bruno", title="Desk lamp", description="", category="home",
    image_urls=("/media/items/lamp.jpg",), location="", starting_price=Money(minor=1_00),
    starts_at=T0 - timedelta(days=1), ends_at=T0 + timedelta(days=1),
)


def envelope(event) -> Envelope:
    return Envelope(id=str(uuid.uuid4()), type=event.type, source="/test", time=T0, event=event)


bids = st.lists(st.tuples(st.integers(2, 6), st.integers(1_00, 500_00), st.booleans(), st.integers(0, 120)), max_size=25)
"""(bidder, amount, whether the bid takes the lead or a proxy holds it, minutes after T0)."""


@st.composite
def auctions(draw) -> list[Envelope]:
    """A listing, accepted bids as the bidding processor decides them (each names the leader
    before it), maybe a cancellation, maybe the close."""
    events, leader = [LISTED], None
    for bidder, amount, takes_lead, minutes in sorted(draw(bids), key=lambda bid: bid[3]):
        previous, leader = leader, bidder if takes_lead or leader is None else leader
        events.append(accepted(bidder=bidder, amount=amount, previous_leader=previous, leader=leader, at=T0 + timedelta(minutes=minutes)))
    if draw(st.booleans()):
        events.append(AuctionCancelled(item_id=ITEM, reason="Damaged"))
    if draw(st.booleans()):
        outcome = draw(st.sampled_from(Outcome))
        events.append(closed(outcome, winner=draw(st.integers(2, 6)), final=1_00, high=1_00))
    return [envelope(event) for event in events]


def decide(memory: Memory, history: list[Envelope]) -> list[tuple[str, int, Kind]]:
    return [(e.id, n.recipient_id, n.kind) for e in history for n in memory.remember(e, THROTTLE)]


@given(auctions())
def test_a_replay_from_empty_memory_decides_exactly_the_same(history):
    assert decide(Memory(), history) == decide(Memory(), history)


@given(auctions())
def test_a_replay_over_memory_that_is_ahead_decides_nothing_new(history):
    memory = Memory()
    first = decide(memory, history)
    assert set(decide(memory, history)) <= set(first)


@given(auctions())
def test_a_bidder_is_told_they_were_outbid_at_most_once_per_throttle_window(history):
    times = {e.id: e.event.decided_at for e in history if hasattr(e.event, "decided_at")}
    told: dict[int, list] = {}
    for event_id, recipient, kind in decide(Memory(), history):
        if kind is Kind.OUTBID:
            told.setdefault(recipient, []).append(times[event_id])
    for moments in told.values():
        assert all(later - earlier >= THROTTLE for earlier, later in zip(moments, moments[1:]))


@given(auctions())
def test_the_close_tells_each_person_once_and_every_bidder_is_remembered(history):
    decided = decide(Memory(), history)
    close_ids = {e.id for e in history if e.event.type == "auction.item.closed.v1"}
    at_close = [(recipient, kind) for event_id, recipient, kind in decided if event_id in close_ids]
    assert max(Counter(recipient for recipient, _ in at_close).values(), default=0) <= 1
    outcome = next((e.event.outcome for e in history if e.id in close_ids), None)
    if outcome in (Outcome.SOLD, Outcome.RESERVE_NOT_MET, Outcome.NO_BIDS, Outcome.CANCELLED):
        bidders = {e.event.bidder_id for e in history if hasattr(e.event, "bidder_id")}
        assert bidders <= {recipient for recipient, _ in at_close}


def test_the_memory_forgets_a_closed_item_and_records_what_changed():
    memory = Memory()
    history = [envelope(LISTED), envelope(accepted(bidder=2, amount=5_00, previous_leader=None, leader=2))]
    decide(memory, history)
    assert memory.changed_items == {ITEM} and memory.changed_bidders == {(ITEM, 2)}

    decide(memory, [envelope(closed(Outcome.SOLD, winner=2, final=5_00, high=5_00))])

    assert ITEM not in memory.items and ITEM not in memory.bidders
    assert memory.forgotten == {ITEM} and not memory.changed_items and not memory.changed_bidders


def test_bids_on_an_item_it_never_saw_listed_are_passed_over():
    memory = Memory()
    assert decide(memory, [envelope(accepted(bidder=3, amount=5_00, previous_leader=2, leader=3))]) == []
    assert not memory.bidders and not memory.changed_bidders


@given(auctions(), st.data())
def test_an_event_replayed_again_later_decides_nothing_new_and_changes_no_email(history, data):
    """A dead letter replayed to this processor alone arrives after later events of its item (a
    listing after the cancellation, say): the emails decided, and what they say, stay the same."""
    first = data.draw(st.integers(0, len(history) - 1), label="replayed event")
    later = data.draw(st.integers(first + 1, len(history)), label="replayed before event")
    replayed = history[:later] + [history[first]] + history[later:]

    def emails(events):
        memory = Memory()
        return sorted(((e.id, n.recipient_id, n.kind, sorted(n.details.items())) for e in events
                       for n in memory.remember(e, THROTTLE)), key=repr)

    assert emails(replayed) == emails(history)


def test_a_listing_replayed_after_its_cancellation_keeps_the_reason_the_emails_give():
    history = [envelope(LISTED), envelope(accepted(bidder=2, amount=5_00, previous_leader=None, leader=2)),
               envelope(AuctionCancelled(item_id=ITEM, reason="Damaged"))]
    close = envelope(closed(Outcome.CANCELLED, winner=2, final=1_00, high=1_00))
    memory = Memory()
    decide(memory, [*history, history[0]])  # the listing, replayed after the cancellation
    told = memory.remember(close, THROTTLE)
    assert sorted((n.recipient_id, n.kind, n.details["reason"]) for n in told) == sorted([
        (2, Kind.CANCELLED, "Damaged"), (SELLER, Kind.CANCELLED, "Damaged")
    ])
