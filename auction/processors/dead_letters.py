"""The dead-letters processor: `auction.dead-letter` → the ops page's list, exactly once (offsets in the same transaction)."""
from auction.ops.deadletters import dead_letter_of
from auction.ops.projections import dead_letter_received
from auction.projector.sink import PostgresSink
from streams.runtime.processor import DEAD_LETTER_TOPIC, Processor

NAME = "dead-letters"


def _letter(record, ctx):
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


processor = Processor(
    name=NAME,
    inputs=(DEAD_LETTER_TOPIC,),
    handle=_letter,
    sink=PostgresSink(NAME, dead_letter_received),
)
