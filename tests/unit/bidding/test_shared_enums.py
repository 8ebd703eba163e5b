"""The engine's rejection codes and outcomes are the published ones, not copies that could drift."""
from streams import bidding, events


def test_the_engine_rejects_with_the_published_reason_codes():
    assert bidding.RejectReason is events.RejectReason


def test_the_engine_ends_auctions_with_the_published_outcomes():
    assert bidding.Outcome is events.Outcome
