"""A processor renamed for isolation takes its sink along: what the sink keeps under the processor's
name (a database's offsets) is kept under the new name, so a renamed copy never shares it."""
from streams.runtime import Processor
from streams.runtime.run import isolated


def handle(record, context):
    return None


class NamedSink:
    """Keeps its offsets under a name, as `auction.streaming.sink.PostgresSink` does."""

    def __init__(self, name: str) -> None:
        self.name = name

    def load_offsets(self, partitions):
        return {}

    def commit(self, results, offsets, expected=None):
        pass

    def renamed(self, name: str) -> "NamedSink":
        return NamedSink(name)


class PlainSink:
    """Keeps nothing under a name (the live processor's push sink)."""

    def load_offsets(self, partitions):
        return {}

    def commit(self, results, offsets, expected=None):
        pass


def test_an_isolated_copy_keeps_its_sink_s_state_under_its_own_name_and_the_original_is_untouched():
    original = Processor(name="projector", inputs=["auction.items"], handle=handle, sink=NamedSink("projector"))
    a, b = isolated(original, "ta"), isolated(original, "tb")
    assert (a.name, a.sink.name) == ("projector-ta", "projector-ta")
    assert (b.name, b.sink.name) == ("projector-tb", "projector-tb")
    assert (original.name, original.sink.name) == ("projector", "projector")
    assert a.retry_topic == "projector-ta.retry"


def test_without_a_suffix_the_processor_runs_under_its_own_name_as_declared():
    original = Processor(name="projector", inputs=["auction.items"], handle=handle, sink=NamedSink("projector"))
    assert isolated(original, None) is original and isolated(original, "") is original


def test_a_sink_that_keeps_nothing_by_name_is_kept_as_it_is():
    sink = PlainSink()
    renamed = isolated(Processor(name="live", inputs=["auction.bids.history"], handle=handle, sink=sink), "t1")
    assert renamed.name == "live-t1" and renamed.sink is sink
    assert isolated(Processor(name="bidding", inputs=["auction.bids"], handle=handle), "t1").sink is None
