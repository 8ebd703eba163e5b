"""Every stream processor of the platform, by name: `python manage.py runprocessor NAME` runs one.

Each app declares its processor next to its code, in `processor.py` (the declaration, its
handler and, for those that write PostgreSQL, its batch handler and tables); the bidding
processor needs no Django and lives in `streams/processors/` (it also runs with
`python -m streams.runtime.run streams.processors.bidding:processor`).
"""
from auction.analytics.processor import processor as analytics
from auction.live.processor import processor as live
from auction.notifications.processor import processor as notifications
from auction.ops.processor import processor as dead_letters
from auction.projector.processor import processor as projector
from streams.processors.bidding import processor as bidding
from streams.runtime.processor import Processor
from streams.runtime.run import deployed

PROCESSORS: dict[str, Processor] = {
    "bidding": bidding,
    "projector": projector,
    "analytics": analytics,
    "dead-letters": dead_letters,
    "notifications": notifications,
    "live": live,
}


def processor_named(name: str) -> Processor:
    try:
        return PROCESSORS[name]
    except KeyError:
        raise LookupError(f"no processor named {name!r}; known: {', '.join(sorted(PROCESSORS))}") from None


def deployed_processor(name: str) -> Processor:
    """The processor `name` as it runs here (`streams.runtime.run.deployed`: renamed by `STREAMS_NAME_SUFFIX`
    when set), so that what reads what it keeps (offsets, watermarks) reads its own."""
    return deployed(processor_named(name))
