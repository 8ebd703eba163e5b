"""Every stream processor of the platform, by name: `python manage.py runprocessor NAME` runs one.

Each entry names the module attribute holding its `streams.runtime.processor.Processor`;
processors that need no Django live in `streams/processors/` and also run with
`python -m streams.runtime.run streams.processors.NAME:processor`.
"""
from streams.runtime.processor import Processor
from streams.runtime.run import load

PROCESSORS: dict[str, str] = {
    "bidding": "streams.processors.bidding:processor",
    "projector": "auction.processors.projector:processor",
    "analytics": "auction.processors.analytics:processor",
    "dead-letters": "auction.processors.dead_letters:processor",
    "notifications": "auction.processors.notifications:processor",
    "live": "auction.processors.live:processor",
}


def processor_named(name: str) -> Processor:
    try:
        target = PROCESSORS[name]
    except KeyError:
        raise LookupError(f"no processor named {name!r}; known: {', '.join(sorted(PROCESSORS))}") from None
    return load(target)
