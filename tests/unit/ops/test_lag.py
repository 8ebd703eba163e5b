"""Lag from offsets: committed position or log start, against the end; small gaps replaced by what a probe counted."""
from hypothesis import given
from hypothesis import strategies as st
from kafka.structs import TopicPartition

from auction.ops.lag import PROBE_MAX_GAP, group_lag, positions, to_probe
from auction.ops.rates import rate

A0, A1, B0 = TopicPartition("a", 0), TopicPartition("a", 1), TopicPartition("b", 0)


def test_a_partition_never_committed_is_read_from_the_log_start():
    assert positions({A0: 5, A1: 0}, {A1: 7}) == {A0: 5, A1: 7}


def test_only_small_gaps_are_probed():
    ends = {A0: 10, A1: 10 + PROBE_MAX_GAP + 1, B0: 3}
    assert to_probe({A0: 9, A1: 10, B0: 3}, ends) == {A0: 9}


def test_group_lag_sums_partitions_and_turns_red_above_the_threshold():
    lags = group_lag(
        processor="projector", group="projector-x", threshold=10,
        position={A0: 90, A1: 100, B0: 0}, committed={A0: 90, A1: 100}, ends={A0: 100, A1: 101, B0: 2},
        unread={A1: 0},
    )
    assert [(row.topic, row.partition, row.committed, row.lag) for row in lags.partitions] == [
        ("a", 0, 90, 10), ("a", 1, 100, 0), ("b", 0, None, 2)
    ]
    assert lags.total == 12 and lags.over_threshold
    assert not group_lag(
        processor="p", group="p", threshold=12, position={A0: 90}, committed={}, ends={A0: 102}, unread={}
    ).over_threshold


@given(end=st.integers(0, 10_000), position=st.integers(0, 10_000))
def test_lag_is_never_negative_nor_more_than_the_gap(end, position):
    [row] = group_lag(
        processor="p", group="p", threshold=0, position={A0: position}, committed={}, ends={A0: end}, unread={}
    ).partitions
    assert row.lag == max(0, end - position)


def test_rates_need_two_readings_and_never_go_negative():
    assert rate(None, (10.0, 100)) is None
    assert rate((10.0, 100), (12.0, 160)) == 30
    assert rate((10.0, 100), (12.0, 40)) == 0, "a recreated topic starts over"
    assert rate((10.0, 100), (10.0, 200)) is None
