"""How the dead-letters processor stores what it reads; keyed by the dead letter's own offset, so replays are harmless."""
from dataclasses import asdict

from auction.ops.deadletters import DeadLetterFact, headers_to_json
from auction.ops.models import DeadLetter


def dead_letter_received(fact: DeadLetterFact) -> None:
    row = asdict(fact)  # the fact's fields are the row's columns
    DeadLetter.objects.get_or_create(
        partition=row.pop("partition"),
        offset=row.pop("offset"),
        defaults=row | {"headers": headers_to_json(fact.headers)},
    )
