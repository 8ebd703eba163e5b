"""How the dead-letters processor stores what it reads; keyed by the dead letter's own offset, so replays are harmless."""
from auction.ops.deadletters import DeadLetterFact, headers_to_json
from auction.ops.models import DeadLetter


def dead_letter_received(fact: DeadLetterFact) -> None:
    DeadLetter.objects.get_or_create(
        partition=fact.partition,
        offset=fact.offset,
        defaults=dict(
            received_at=fact.received_at,
            processor=fact.processor,
            origin_topic=fact.origin_topic,
            origin_partition=fact.origin_partition,
            origin_offset=fact.origin_offset,
            origin_timestamp=fact.origin_timestamp,
            error_type=fact.error_type,
            error=fact.error,
            event_type=fact.event_type,
            key=fact.key,
            value=fact.value,
            headers=headers_to_json(fact.headers),
        ),
    )
