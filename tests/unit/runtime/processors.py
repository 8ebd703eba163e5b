"""Processors the runner's unit tests run on the fake broker."""
from streams.runtime import Emit, Processor, Store


def count(record, context):
    """Emits `<key>=<how many records the key has had>`, the count kept in a changelogged store."""
    counts = context.state("counts")
    key = record.key.decode()
    counts.set(key, counts.get(key, 0) + 1)
    return [Emit("out", record.key, f"{key}={counts.get(key)}".encode())]


counting = Processor(name="counting", inputs=["in"], outputs=["out"], handle=count, stores=[Store("counts")])
