"""The dead-letters processor: `auction.dead-letter` → the ops page's list, exactly once (offsets in the same transaction).

Per record, what the dead letter says (`deadletters.dead_letter_of`: pure and total, since this
processor must never dead-letter anything itself: its failures would land on the topic it reads);
per batch (`store`), a row for each letter not stored yet, keyed by the letter's own offset.

The rows also hold what operators did with each letter, and the topic keeps letters for 30 days
only, so the table is never emptied, and this processor is not rebuilt.
"""
from collections.abc import Sequence

from auction.ops.deadletters import DeadLetterFact, dead_letter_of
from auction.ops.models import DeadLetter
from auction.ops.projections import dead_letter_received
from auction.streaming.sink import PostgresSink, Tables
from streams.runtime.processor import Processor, Record
from streams.topics import DEAD_LETTER_TOPIC

NAME = "dead-letters"
INPUTS = (DEAD_LETTER_TOPIC,)
TABLES = Tables(kept=(DeadLetter,))


def handle(record: Record, ctx) -> tuple[DeadLetterFact]:
    """Per record: the letter's origin, error and original record (its value is left undecoded)."""
    return (
        dead_letter_of(
            partition=record.partition,
            offset=record.offset,
            timestamp_ms=record.timestamp_ms,
            key=record.key,
            value=record.value,
            headers=record.headers,
        ),
    )


def store(letters: Sequence[DeadLetterFact]) -> None:
    """Per batch: each letter, unless a replay of the topic stored it already."""
    for letter in letters:
        dead_letter_received(letter)


processor = Processor(
    name=NAME,
    inputs=INPUTS,
    handle=handle,
    sink=PostgresSink(NAME, store, TABLES),
    replayable=False,  # it never dead-letters a record, so it has nothing to replay (and no retry topic)
)
