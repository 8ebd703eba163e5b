"""Reading dead letters never fails, and keeps the original record exactly, for replay."""
from hypothesis import given
from hypothesis import strategies as st

from auction.ops.deadletters import dead_letter_of, headers_from_json, headers_to_json, original_headers
from auction.ops.presentation import payload_preview
from streams.runtime.deadletter import record_dead_letter, timer_dead_letter
from streams.runtime.timers import Timer

ORIGINAL = [("ce_id", b"e-1"), ("ce_type", b"auction.bid.placed.v1"), ("trace", b"\x00\xff")]


def _fact(emit, partition=3, offset=41):
    return dead_letter_of(partition=partition, offset=offset, timestamp_ms=1_700_000_000_000,
                          key=emit.key, value=emit.value, headers=emit.headers)


def test_a_record_dead_letter_says_where_it_came_from_and_why():
    emit = record_dead_letter(
        "auction.dead-letter", "projector", topic="auction.bids", partition=2, offset=7,
        key=b"item", value=b'{"x": 1}', headers=ORIGINAL, error=ValueError("bad amount"), timestamp_ms=1_699_999_000_000,
    )
    fact = _fact(emit)
    assert (fact.origin_topic, fact.origin_partition, fact.origin_offset) == ("auction.bids", 2, 7)
    assert fact.origin_timestamp == 1_699_999_000_000
    assert (fact.processor, fact.error_type, fact.error) == ("projector", "ValueError", "bad amount")
    assert (fact.event_type, fact.key, fact.value, fact.partition, fact.offset) == (
        "auction.bid.placed.v1", b"item", b'{"x": 1}', 3, 41
    )
    assert fact.headers == tuple(ORIGINAL), "the dlq.* headers are dropped, the original ones kept byte for byte"


def test_a_failed_timer_has_no_topic_to_go_back_to():
    emit = timer_dead_letter("auction.dead-letter", "bidding", 4, Timer("item-1", 123, None), RuntimeError("boom"))
    fact = _fact(emit)
    assert (fact.origin_topic, fact.origin_partition, fact.processor) == ("", 4, "bidding")
    assert fact.origin_timestamp is None


def test_only_a_letter_that_says_where_it_was_first_read_by_which_processor_can_be_replayed():
    from auction.ops.models import DeadLetter

    def letter(**fields):
        return DeadLetter(**{"processor": "projector", "origin_topic": "auction.items", "origin_partition": 1,
                             "origin_offset": 5, **fields})

    assert letter().replayable
    assert not letter(origin_topic="").replayable  # a failed timer
    assert not letter(origin_topic="projector.retry").replayable  # refused on the retry topic: origin unknown
    assert not letter(origin_offset=None).replayable
    assert not letter(processor="?").replayable and not letter(processor="no such/processor").replayable


@given(st.lists(st.tuples(st.text(max_size=20), st.binary(max_size=40)), max_size=8), st.binary(max_size=60))
def test_anything_at_all_is_read_without_failing(headers, value):
    fact = dead_letter_of(partition=0, offset=0, timestamp_ms=0, key=None, value=value, headers=headers)
    assert "\x00" not in fact.error + fact.processor + fact.origin_topic + fact.error_type
    assert payload_preview(value) is not None


@given(st.lists(st.tuples(st.text(min_size=1, max_size=20), st.binary(max_size=40)), max_size=8))
def test_headers_survive_storage_as_json(headers):
    assert headers_from_json(headers_to_json(headers)) == list(headers)


def test_original_headers_drop_only_dlq_ones():
    assert original_headers([("dlq.topic", b"t"), ("ce_id", b"1"), ("dlqx", b"2")]) == (("ce_id", b"1"), ("dlqx", b"2"))


def test_json_payloads_are_shown_indented_and_long_ones_cut():
    assert payload_preview(b'{"a":1}') == '{\n  "a": 1\n}'
    assert payload_preview(b"x" * 5000).endswith(" …")
    assert payload_preview(None) == "(no value)"
