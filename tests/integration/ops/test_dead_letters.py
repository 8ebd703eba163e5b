"""Dead letters on the ops page: a poison record is listed with where it came from and why; once the
processor can handle it, a replay is processed exactly once, by that processor alone (another
processor reading the same topic never sees it again); a discard is recorded with its reason.

The failing processor runs in this process on the real runtime and writes to the real
`auction.dead-letter` topic; the dead-letters processor runs as a subprocess, as deployed.
"""
import json
import threading

import pytest
from django.urls import reverse

from auction.ops.models import DeadLetter
from streams.runtime import Emit, Processor, Record
from tests.support.waiting import eventually
from tests.integration.runtime.support import committed_count, create_topics, produce, read_committed, running

pytestmark = pytest.mark.django_db(transaction=True)
TIMEOUT_S = 30


class Catalogue:
    """What the test processor knows: a record naming an unknown product fails until the product is added."""

    def __init__(self, known: set[str]) -> None:
        self.known = set(known)
        self.lock = threading.Lock()

    def processor(self, name: str, source: str, target: str) -> Processor:
        def handle(record: Record, context) -> list[Emit]:
            order = json.loads(record.value)
            with self.lock:
                if order["product"] not in self.known:
                    raise LookupError(f"unknown product {order['product']!r}")
            return [Emit(target, record.key, f"shipped {order['product']}".encode())]

        return Processor(name=name, inputs=[source], outputs=[target], handle=handle)


@pytest.fixture
def topics(kafka_bootstrap, unique_name, provisioned_topics):
    name = unique_name("ops-orders")
    create_topics(kafka_bootstrap, [f"{name}-in", f"{name}-out", f"{name}-tally"], partitions=2)
    return name, f"{name}-in", f"{name}-out"


def _letters(source: str) -> list[DeadLetter]:
    return list(DeadLetter.objects.filter(origin_topic=source).order_by("origin_offset"))


def test_a_poison_record_is_listed_then_replayed_after_the_fix_and_processed_exactly_once(
    kafka_bootstrap, start_processor, staff_client, topics
):
    name, source, target = topics
    start_processor("dead-letters")
    catalogue = Catalogue({"lamp", "vase"})
    orders = [(b"o-1", b'{"product": "lamp"}'), (b"o-2", b'{"product": "clock"}'), (b"o-3", b'{"product": "vase"}')]

    # Another processor of the same topic, which takes everything: it must see each order once.
    tally = Catalogue({"lamp", "vase", "clock"}).processor(f"{name}-tally", source, f"{name}-tally")
    with running(catalogue.processor(name, source, target), kafka_bootstrap), running(tally, kafka_bootstrap):
        produce(kafka_bootstrap, source, [(key, value, [("ce_id", key)]) for key, value in orders])
        [letter] = eventually(lambda: _letters(source), timeout_s=TIMEOUT_S, what="the dead letter in the ops list")
        source_end = committed_count(kafka_bootstrap, source)

        listed = staff_client.get(reverse("ops:dead_letters")).json()["dead_letters"]
        [shown] = [entry for entry in listed if entry["id"] == letter.pk]
        assert shown["origin"]["topic"] == source and shown["origin"]["offset"] == letter.origin_offset
        assert (shown["processor"], shown["error_type"]) == (name, "LookupError")
        assert "unknown product 'clock'" in shown["error"] and '"product": "clock"' in shown["payload"]
        assert shown["replayable"] and shown["status"] == "pending"

        with catalogue.lock:
            catalogue.known.add("clock")  # the fix is deployed
        replay = staff_client.post(reverse("ops:replay"), {"ids": [letter.pk]}, content_type="application/json")
        again = staff_client.post(reverse("ops:replay"), {"ids": [letter.pk]}, content_type="application/json")

        shipped = read_committed(kafka_bootstrap, target, expected=3, timeout_s=TIMEOUT_S, settle_s=3)
        tallied = read_committed(kafka_bootstrap, f"{name}-tally", expected=3, timeout_s=TIMEOUT_S, settle_s=1)

    assert [entry["id"] for entry in replay.json()["replayed"]] == [letter.pk]
    assert again.json()["replayed"] == [], "a letter is replayed once, however often it is asked"
    assert sorted((record.key, record.value) for record in shipped) == [
        (b"o-1", b"shipped lamp"), (b"o-2", b"shipped clock"), (b"o-3", b"shipped vase")
    ]
    assert sorted(record.key for record in tallied) == [b"o-1", b"o-2", b"o-3"], "the other processor saw nothing again"
    assert committed_count(kafka_bootstrap, source) == source_end, "nothing went back to the shared topic"
    replayed = DeadLetter.objects.get(pk=letter.pk)
    assert (replayed.status, replayed.resolved_by.is_staff, replayed.replayed_offset is not None) == ("replayed", True, True)
    assert (replayed.replayed_topic, replayed.replayed_partition) == (f"{name}.retry", letter.origin_partition)
    assert replay.json()["replayed"][0]["replayed_to"]["topic"] == f"{name}.retry"
    assert len(_letters(source)) == 1, "the replayed record did not fail again"


def test_a_discarded_letter_keeps_its_reason_and_can_no_longer_be_replayed(
    kafka_bootstrap, start_processor, staff, staff_client, topics
):
    name, source, target = topics
    start_processor("dead-letters")
    with running(Catalogue(set()).processor(name, source, target), kafka_bootstrap):
        produce(kafka_bootstrap, source, [(b"o-9", b'{"product": "unicorn"}')])
        [letter] = eventually(lambda: _letters(source), timeout_s=TIMEOUT_S, what="the dead letter in the ops list")

    refused = staff_client.post(reverse("ops:discard"), {"ids": [letter.pk]}, content_type="application/json")
    assert refused.status_code == 400, "a discard needs a reason"
    discard = staff_client.post(
        reverse("ops:discard"), {"ids": [letter.pk], "reason": "No such product, ever"}, content_type="application/json"
    )
    assert discard.json()["discarded"][0]["note"] == "No such product, ever"
    replay = staff_client.post(reverse("ops:replay"), {"ids": [letter.pk]}, content_type="application/json")
    assert replay.json()["replayed"] == []
    kept = DeadLetter.objects.get(pk=letter.pk)
    assert (kept.status, kept.resolved_by, kept.note) == ("discarded", staff, "No such product, ever")
    shown = staff_client.get(reverse("ops:dead_letters") + "?status=discarded").json()["dead_letters"]
    assert letter.pk in [entry["id"] for entry in shown]
