"""The projector: auction facts → PostgreSQL read models, exactly once (offsets in the same transaction)."""
from auction.projector.projections import TOPICS, project
from auction.projector.sink import BatchPostgresSink
from streams.events import decode
from streams.runtime.processor import Processor

NAME = "projector"


def _envelope(record, ctx):
    return (record.value,)


processor = Processor(
    name=NAME,
    inputs=TOPICS,
    handle=_envelope,
    decode=decode,
    sink=BatchPostgresSink(NAME, project),
)
