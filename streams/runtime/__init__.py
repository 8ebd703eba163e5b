"""The stream-processing runtime: declare a `Processor`; `streams.runtime.run.serve` runs it exactly-once.

No Django here: processors run with nothing but Kafka (`python -m streams.runtime.run MODULE:PROCESSOR`).
"""
from streams.runtime.config import RuntimeConfig
from streams.runtime.context import Context
from streams.runtime.processor import DEAD_LETTER_TOPIC, Emit, Processor, Record, raw_value
from streams.runtime.retry import RetryPolicy, TransientError
from streams.runtime.runner import Runner
from streams.runtime.sink import TransactionalSink
from streams.runtime.state import JSON, KeyValueStore, Serde, Store
from streams.runtime.timers import Timer

__all__ = [
    "DEAD_LETTER_TOPIC",
    "JSON",
    "Context",
    "Emit",
    "KeyValueStore",
    "Processor",
    "Record",
    "RetryPolicy",
    "Runner",
    "RuntimeConfig",
    "Serde",
    "Store",
    "Timer",
    "TransactionalSink",
    "TransientError",
    "raw_value",
]
