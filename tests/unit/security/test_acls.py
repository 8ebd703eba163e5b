"""The ACL set is generated from the topic registry and the processors' declarations: each principal gets
what its code does and nothing else, and a disagreement between the two stops the generation."""
import pytest
from hypothesis import given
from hypothesis import strategies as st
from kafka.admin import ACLOperation, ACLPermissionType, ACLResourcePatternType, ResourceType

from auction.processors import PROCESSORS
from streams.acl_sync import to_kafka
from streams.acls import Acl, AclDrift, kafka_acls_commands, platform_acls
from streams.runtime.processor import Processor
from streams.runtime.state import Store
from streams.topics import (
    BIDS_HISTORY_TOPIC, BIDS_TOPIC, DEAD_LETTER_TOPIC, ITEMS_TOPIC, REGISTRY, REPLAYABLE_PROCESSORS, Topic, changelog_topic,
    is_retry_topic, retry_topic,
)

REAL = platform_acls(list(PROCESSORS.values()))


def _granted(acls, who: str, operation: str, resource_type: str = "TOPIC") -> set[str]:
    return {acl.resource_name for acl in acls
            if acl.principal == f"User:{who}" and acl.operation == operation and acl.resource_type == resource_type}


class _Sink:
    def load_offsets(self, partitions):
        return {}

    def commit(self, results, offsets, expected=None):
        pass


def _processor(name: str, inputs, outputs=(), stores=(), sink=False) -> Processor:
    return Processor(name=name, inputs=tuple(inputs), outputs=tuple(outputs), stores=tuple(Store(s) for s in stores),
                     handle=lambda record, context: None, sink=_Sink() if sink else None)


def test_the_web_tier_writes_only_the_topics_it_owns_and_the_retry_topics_operators_replay_to():
    retry_topics = {topic.name for topic in REGISTRY if is_retry_topic(topic.name)}
    assert retry_topics  # one per processor that can dead-letter
    assert _granted(REAL, "web", "WRITE") == {ITEMS_TOPIC, BIDS_TOPIC} | retry_topics
    assert {topic.name for topic in REGISTRY if "web" in topic.producers} == {ITEMS_TOPIC, BIDS_TOPIC} | retry_topics
    assert _granted(REAL, "web", "WRITE", "TRANSACTIONAL_ID") == set()


@pytest.mark.parametrize("name", sorted(PROCESSORS))
def test_each_processor_reads_its_inputs_and_writes_its_outputs_changelogs_and_dead_letters_only(name):
    processor = PROCESSORS[name]
    changelogs = {changelog_topic(name, store.name) for store in processor.state_stores}
    retries = {retry_topic(name)} if name in REPLAYABLE_PROCESSORS else set()  # the runtime reads it too
    assert _granted(REAL, name, "READ") == set(processor.inputs) | changelogs | retries
    assert _granted(REAL, name, "WRITE") == set(processor.outputs) | changelogs | {processor.dead_letter_topic}
    assert _granted(REAL, name, "CREATE") == changelogs
    assert _granted(REAL, name, "READ", "GROUP") == {name}


def test_only_processors_committing_to_kafka_get_their_transactional_ids_by_prefix():
    transactional = {acl.principal: acl for acl in REAL if acl.resource_type == "TRANSACTIONAL_ID"}
    assert set(transactional) == {f"User:{name}" for name, p in PROCESSORS.items() if p.sink is None} == {"User:bidding"}
    assert transactional["User:bidding"] == Acl("User:bidding", "TRANSACTIONAL_ID", "bidding-", "WRITE", "PREFIXED")


def test_nothing_is_granted_by_wildcard_and_only_the_web_tier_describes_the_cluster():
    assert all(acl.resource_name not in ("*", "") for acl in REAL)
    assert all(acl.pattern_type == "LITERAL" for acl in REAL if acl.resource_type != "TRANSACTIONAL_ID")
    assert [acl for acl in REAL if acl.resource_type == "CLUSTER"] == [Acl("User:web", "CLUSTER", "kafka-cluster", "DESCRIBE")]
    assert not _granted(REAL, "admin", "READ")  # the admin is a super user, not a principal with ACLs


def test_a_processor_reading_a_topic_the_registry_does_not_give_it_is_refused_by_name():
    stray = _processor("projector", [ITEMS_TOPIC, DEAD_LETTER_TOPIC], sink=True)
    with pytest.raises(AclDrift, match="projector reads auction.dead-letter, but the registry does not name it a consumer"):
        platform_acls([stray])


def test_a_processor_writing_a_topic_the_registry_does_not_give_it_is_refused_by_name():
    forger = _processor("live", [BIDS_HISTORY_TOPIC], outputs=[ITEMS_TOPIC])
    with pytest.raises(AclDrift, match="live writes auction.items, but the registry does not name it a producer"):
        platform_acls([forger])


def test_transactional_id_prefixes_and_principal_names_must_not_overlap():
    bidding = _processor("bidding", [ITEMS_TOPIC])
    shadow = _processor("bidding-audit", [ITEMS_TOPIC])
    with pytest.raises(AclDrift, match=r"bidding's transactional ids \(bidding-\*\) would include bidding-audit's"):
        platform_acls([bidding, shadow], registry=(_topic(ITEMS_TOPIC, consumers=("bidding", "bidding-audit")),))
    with pytest.raises(AclDrift, match="a processor is named web"):
        platform_acls([_processor("web", [ITEMS_TOPIC])], registry=(_topic(ITEMS_TOPIC, consumers=("web",)),))


def _topic(name: str, producers=("web",), consumers=()) -> Topic:
    return Topic(name=name, partitions=1, retention_ms=None, cleanup_policy="delete", key="k", events=(),
                 producers=tuple(producers), consumers=tuple(consumers), description="")


SERVICES = ("web", "p1", "p2", "p3")


@st.composite
def declarations(draw):
    """A registry of random owners and readers, and processors declaring some of what it grants them."""
    names = [f"t{n}" for n in range(draw(st.integers(2, 6)))]
    roles = st.lists(st.sampled_from(SERVICES), min_size=1, max_size=4, unique=True)
    registry = tuple(_topic(name, draw(roles), draw(roles)) for name in names)
    processors = []
    for service in SERVICES[1:]:
        readable = [t.name for t in registry if service in t.consumers]
        writable = [t.name for t in registry if service in t.producers]
        if not readable or not draw(st.booleans()):
            continue
        inputs = draw(st.lists(st.sampled_from(readable), min_size=1, unique=True))
        outputs = draw(st.lists(st.sampled_from(writable), unique=True)) if writable else []
        stores = draw(st.lists(st.sampled_from(["a", "b"]), unique=True))
        processors.append(_processor(service, inputs, outputs, stores, sink=not outputs and not stores and draw(st.booleans())))
    return registry, processors


@given(declarations())
def test_no_principal_ever_writes_a_topic_the_registry_does_not_give_it(declared):
    registry, processors = declared
    acls = platform_acls(processors, registry)
    producers = {topic.name: topic.producers for topic in registry}
    own = {f"User:{p.name}": {changelog_topic(p.name, s.name) for s in p.state_stores} | {p.dead_letter_topic} for p in processors}
    for acl in acls:
        if acl.resource_type == "TOPIC" and acl.operation in ("WRITE", "CREATE"):
            service = acl.principal.removeprefix("User:")
            assert service in producers.get(acl.resource_name, ()) or acl.resource_name in own.get(acl.principal, set())
        if acl.resource_type == "TRANSACTIONAL_ID":
            assert acl.resource_name == acl.principal.removeprefix("User:") + "-"
    assert _granted(acls, "web", "WRITE") == {t.name for t in registry if "web" in t.producers}


def test_acls_become_kafka_allow_rules_for_any_host_and_kafka_acls_commands():
    acl = Acl("User:bidding", "TRANSACTIONAL_ID", "bidding-", "WRITE", "PREFIXED")
    converted = to_kafka(acl)
    assert (converted.principal, converted.host, converted.operation, converted.permission_type) == (
        "User:bidding", "*", ACLOperation.WRITE, ACLPermissionType.ALLOW)
    pattern = converted.resource_pattern
    assert (pattern.resource_type, pattern.resource_name, pattern.pattern_type) == (
        ResourceType.TRANSACTIONAL_ID, "bidding-", ACLResourcePatternType.PREFIXED)
    [command] = kafka_acls_commands([acl], bootstrap="kafka:9093")
    assert command == (
        "kafka-acls.sh --bootstrap-server kafka:9093 --command-config admin.properties --add "
        "--allow-principal 'User:bidding' --operation Write --transactional-id 'bidding-' --resource-pattern-type prefixed"
    )
