"""The topology comes from the registry and the processor declarations, and says where they disagree."""
from auction.ops.topology import ProcessorInfo, deployed, drift, processor_info, topic_infos
from auction.processors import PROCESSORS
from streams.topics import REGISTRY, Topic


def _info(name, inputs, outputs=(), sink=False):
    return ProcessorInfo(name, name, tuple(inputs), tuple(outputs), (), "auction.dead-letter", sink)


def _topic(name, producers, consumers):
    return Topic(name, 6, None, "delete", "k", (), tuple(producers), tuple(consumers), "")


def test_every_registered_processor_is_described_with_its_group_and_topics(monkeypatch):
    monkeypatch.setenv("STREAMS_NAME_SUFFIX", "t1")
    infos = {info.name: info for info in (processor_info(name, p) for name, p in deployed())}
    assert set(infos) == set(PROCESSORS)
    bidding = infos["bidding"]
    assert bidding.group == "bidding-t1"
    assert bidding.inputs == ("auction.items", "auction.bids") and not bidding.sink
    assert "bidding-items-changelog" in bidding.changelogs
    assert infos["projector"].sink and "auction.bids" in infos["projector"].inputs
    assert infos["dead-letters"].inputs == ("auction.dead-letter",)
    assert infos["projector"].retry_topic == "projector.retry" and infos["bidding"].retry_topic == "bidding.retry"
    assert infos["dead-letters"].retry_topic is None  # it never dead-letters: nothing to replay


def test_a_retry_topic_is_read_by_its_processor_alone():
    infos = [processor_info(name, p) for name, p in deployed()]
    by_name = {t.name: t for t in topic_infos(infos)}
    for name in ("bidding", "projector", "analytics", "notifications", "live"):
        assert by_name[f"{name}.retry"].readers == (name,)
        assert by_name[f"{name}.retry"].consumers == (name,)


def test_topics_list_who_reads_and_writes_them_as_deployed():
    infos = [_info("bidding", ["auction.items", "auction.bids"], ["auction.bids.history"])]
    by_name = {t.name: t for t in topic_infos(infos)}
    assert [t.name for t in topic_infos(infos)] == [t.name for t in REGISTRY]
    assert by_name["auction.items"].readers == ("bidding",)
    assert by_name["auction.bids.history"].writers == ("bidding",)
    assert by_name["auction.dead-letter"].writers == ("bidding",)


def test_drift_names_each_disagreement_between_registry_and_processors():
    registry = (_topic("in", ["web"], ["reader", "ghost"]), _topic("out", ["other"], []))
    processors = [_info("reader", ["in", "unregistered"], ["out"]), _info("stray", ["in"])]
    assert drift(processors, registry) == [
        "reader reads unregistered, which is not in the topic registry",
        "reader writes out, but the registry does not list it as a producer",
        "stray reads in, but the registry does not list it as a consumer",
        "the registry lists ghost as a consumer of in; no such processor is deployed",
    ]


def test_drift_names_a_topic_written_but_not_registered():
    processor = ProcessorInfo("p", "p", ("in",), (), ("p-timers-changelog",), "auction.dead-letter", False, "p.retry")
    registry = (_topic("in", ["web"], ["p"]), _topic("p.retry", ["web"], ["p"]))
    assert drift([processor], registry) == [
        "p writes p-timers-changelog, which is not in the topic registry",
        "p writes auction.dead-letter, which is not in the topic registry",
    ]


def test_every_topic_the_runtime_creates_or_writes_is_registered():
    """Changelogs (the timers' own included) are created by the runtime's preflight, not provisioning:
    the registry, the catalogue and /ops/ list them only if they are entered here."""
    infos = [processor_info(name, p) for name, p in deployed()]
    assert "bidding-timers-changelog" in {t.name for t in REGISTRY}
    assert [line for line in drift(infos) if "not in the topic registry" in line] == []


def test_the_registry_agrees_with_the_processors_on_what_each_reads():
    infos = [processor_info(name, p) for name, p in deployed()]
    reads = [line for line in drift(infos) if "no such processor is deployed" not in line]
    assert reads == []


def test_a_postgresql_processor_keeps_its_offsets_under_the_name_it_runs_as(monkeypatch):
    monkeypatch.delenv("STREAMS_NAME_SUFFIX", raising=False)
    as_deployed = {name: p.sink.consumer for name, p in deployed() if hasattr(p.sink, "consumer")}
    # Production reads the rows it always read: the registry's names.
    assert as_deployed == {name: name for name in ("projector", "analytics", "dead-letters", "notifications")}
    monkeypatch.setenv("STREAMS_NAME_SUFFIX", "t1")
    suffixed = {name: p for name, p in deployed() if hasattr(p.sink, "consumer")}
    assert {name: p.sink.consumer for name, p in suffixed.items()} == {name: f"{name}-t1" for name in as_deployed}
    analytics = suffixed["analytics"].sink
    assert analytics.policy is PROCESSORS["analytics"].sink.policy and analytics.changed is PROCESSORS["analytics"].sink.changed
    assert PROCESSORS["analytics"].sink.consumer == "analytics"  # the declaration itself is untouched
