"""The PostgreSQL sink is fenced by the offsets an instance read: a commit over another instance's applies nothing."""
import uuid

import pytest
from kafka.structs import TopicPartition

from auction.streaming.sink import PostgresSink, Tables
from streams.runtime.sink import OffsetsMoved

pytestmark = pytest.mark.django_db(transaction=True)
TP = TopicPartition("auction.items", 3)


def test_a_commit_over_offsets_another_instance_stored_applies_nothing():
    applied: list[list[str]] = []
    sink = PostgresSink(f"fence-{uuid.uuid4().hex[:8]}", lambda results: applied.append(list(results)), Tables())

    sink.commit(["first"], {TP: 5}, expected={TP: None})  # nothing was stored: the first owner writes
    with pytest.raises(OffsetsMoved, match="auction.items-3: read None, now 5"):
        sink.commit(["again"], {TP: 9}, expected={TP: None})  # an owner that read before that commit
    assert applied == [["first"]] and sink.load_offsets([TP]) == {TP: 5}

    sink.commit(["next"], {TP: 9}, expected={TP: 5})
    assert applied == [["first"], ["next"]] and sink.load_offsets([TP]) == {TP: 9}

    sink.forget()  # offsets gone (a reset): no other instance's commit, so nothing to fence
    sink.commit(["after"], {TP: 12}, expected={TP: 9})
    assert applied[-1] == ["after"] and sink.load_offsets([TP]) == {TP: 12}
