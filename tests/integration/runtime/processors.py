"""Processors the runtime's integration tests run, in-process or as `python -m streams.runtime.run`.

A subprocess gets its processor from `spawned:PROCESSOR`-style attributes of this module, built
from environment variables (see `__getattr__`), since topic names are unique per test.
"""
from __future__ import annotations

import json
import os
import time
from datetime import timedelta

from streams.runtime import Context, Emit, Processor, Record, Store, Timer, TransientError


def counting_copy(name: str, source: str, target: str, dead_letters: str, instance: str = "") -> Processor:
    """Copies every record and appends how many records its key has had so far (kept in a store).

    Output value: `<input value>|<count>`. If the store were ever wrong (lost, doubled, stale
    after a restore) the counts would stop matching the position of the record in its key's order.
    """

    def handle(record: Record, context: Context):
        key = record.key.decode()
        counts = context.state("counts")
        count = counts.get(key, 0) + 1
        counts.set(key, count)
        return [Emit(target, record.key, record.value + b"|%d" % count, [("instance", instance.encode())])]

    return Processor(
        name=name,
        inputs=[source],
        outputs=[target],
        stores=[Store("counts")],
        handle=handle,
        dead_letter_topic=dead_letters,
    )


def delayed_echo(name: str, source: str, target: str, dead_letters: str) -> Processor:
    """For each record `<delay ms>`, fires a timer that long after handling it and emits `fired`."""

    def handle(record: Record, context: Context):
        context.schedule(record.key.decode(), context.now() + timedelta(milliseconds=int(record.value)), "payload")
        return [Emit(target, record.key, b"scheduled")]

    def on_timer(timer: Timer, context: Context):
        return [Emit(target, timer.key, f"fired|{timer.payload}".encode())]

    return Processor(
        name=name,
        inputs=[source],
        outputs=[target],
        handle=handle,
        on_timer=on_timer,
        dead_letter_topic=dead_letters,
    )


def strict_doubler(name: str, source: str, target: str, dead_letters: str, flaky_attempts: dict[int, int]) -> Processor:
    """Decodes `{"n": int}` and emits 2n; raises on n == 13; n == 7 fails transiently twice first."""

    def decode(headers, key, value):
        payload = json.loads(value)
        if not isinstance(payload, dict) or not isinstance(payload.get("n"), int):
            raise ValueError(f"expected an object with an integer n, got {payload!r}")
        return payload["n"]

    def handle(record: Record, context: Context):
        n = record.value
        if n == 13:
            raise RuntimeError("thirteen is unlucky")
        if n == 7:
            flaky_attempts[n] = flaky_attempts.get(n, 0) + 1
            if flaky_attempts[n] <= 2:
                raise TransientError("seven needs a moment")
        return [Emit(target, record.key, str(2 * n).encode())]

    return Processor(
        name=name, inputs=[source], outputs=[target], handle=handle, decode=decode, dead_letter_topic=dead_letters
    )


def listing_bid_join(name: str, listings: str, bids: str, target: str, dead_letters: str, max_idle_ms: int) -> Processor:
    """Remembers listings; for each bid emits whether its listing was known when the bid was handled."""

    def handle(record: Record, context: Context):
        items = context.state("items")
        if record.topic == listings:
            items.set(record.key.decode(), record.value.decode())
            return [Emit(target, record.key, b"listing:" + record.value)]
        listing = items.get(record.key.decode())
        return [Emit(target, record.key, f"bid:{record.value.decode()}:listing={listing}".encode())]

    return Processor(
        name=name,
        inputs=[listings, bids],
        outputs=[target],
        stores=[Store("items")],
        handle=handle,
        max_idle_ms=max_idle_ms,
        dead_letter_topic=dead_letters,
    )


def hanging_copy(name: str, source: str, target: str, dead_letters: str) -> Processor:
    """Copies records, but never returns from a record whose value is `hang` (a call that hangs for good)."""

    def handle(record: Record, context: Context):
        while record.value == b"hang":
            time.sleep(1)
        return [Emit(target, record.key, record.value)]

    return Processor(name=name, inputs=[source], outputs=[target], handle=handle, dead_letter_topic=dead_letters)


def __getattr__(attribute: str) -> Processor:
    """`spawned_<factory>`: the factory's processor, with topics from RUNTIME_TEST_* variables."""
    factories = {
        "spawned_counting_copy": counting_copy,
        "spawned_delayed_echo": delayed_echo,
        "spawned_hanging_copy": hanging_copy,
    }
    if attribute not in factories:
        raise AttributeError(attribute)
    arguments = {
        "name": os.environ["RUNTIME_TEST_PROCESSOR"],
        "source": os.environ["RUNTIME_TEST_SOURCE"],
        "target": os.environ["RUNTIME_TEST_TARGET"],
        "dead_letters": os.environ["RUNTIME_TEST_DEAD_LETTERS"],
    }
    if attribute == "spawned_counting_copy":
        arguments["instance"] = os.environ.get("STREAMS_INSTANCE_ID", "")
    return factories[attribute](**arguments)
