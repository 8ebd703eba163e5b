import pytest

from streams.events import ALL_EVENTS
from streams.topics import AUCTION_PARTITIONS, REGISTRY, Topic, changelog_topic, topic_for, topic_named


def test_every_event_type_travels_on_exactly_one_topic():
    for event_class in ALL_EVENTS:
        carriers = [topic.name for topic in REGISTRY if event_class in topic.events]
        assert carriers == [topic_for(event_class).name], event_class.type


def test_item_keyed_topics_are_co_partitioned():
    assert {topic.partitions for topic in REGISTRY} == {AUCTION_PARTITIONS}


def test_retention_is_a_contract():
    assert topic_named("auction.items").configs() == {"cleanup.policy": "delete", "retention.ms": "-1"}
    assert topic_named("auction.dead-letter").configs() == {
        "cleanup.policy": "delete",
        "retention.ms": str(30 * 24 * 3600 * 1000),
    }
    changelogs = [topic for topic in REGISTRY if topic.name.endswith("-changelog")]
    assert changelogs and all(topic.cleanup_policy == "compact" for topic in changelogs)


def test_changelog_names_follow_the_processor_and_store():
    assert changelog_topic("bidding", "items") == "bidding-items-changelog"
    assert topic_named("bidding-items-changelog").producers == ("bidding",)


def test_names_are_unique_and_services_are_known():
    services = {"web", "bidding", "projector", "live", "notifications", "analytics", "dead-letters"}
    assert len({topic.name for topic in REGISTRY}) == len(REGISTRY)
    for topic in REGISTRY:
        assert topic.producers and set(topic.producers) <= services
        assert topic.consumers and set(topic.consumers) <= services


def test_lookups_fail_clearly():
    with pytest.raises(KeyError, match="auction.nothing"):
        topic_named("auction.nothing")
    with pytest.raises(KeyError, match="Topic"):
        topic_for(Topic)
