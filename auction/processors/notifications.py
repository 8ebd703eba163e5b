"""The notifications processor: auction facts → email jobs in the ledger, exactly once (offsets in the same transaction).

It reads the listing, the bid decisions and the outcomes of every item (co-partitioned, merged in
timestamp order), keeps what it must remember in PostgreSQL next to its offsets, and leaves
sending to Celery, which is queued after the ledger rows commit.
"""
from auction.notifications.tracking import TOPICS, track
from auction.projector.sink import BatchPostgresSink
from streams.events import decode
from streams.runtime.processor import Processor

NAME = "notifications"


def _envelope(record, ctx):
    """The whole envelope, not just the event: its id is the ledger key's event id."""
    return (record.value,)


processor = Processor(
    name=NAME,
    inputs=TOPICS,
    handle=_envelope,
    decode=decode,
    sink=BatchPostgresSink(NAME, track),
)
