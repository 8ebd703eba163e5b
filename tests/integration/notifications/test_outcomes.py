"""Whole auctions, from listing to inbox: each outcome sends exactly the expected emails to exactly
the expected people, with the right amounts; a replay of the topics sends nothing new."""
import time
from collections import Counter

import pytest

from auction.notifications.models import Notification
from auction.processors import processor_named
from auction.streaming.models import ConsumedOffset
from streams.runtime.run import isolated
from tests.integration.notifications.support import bid, buy_now, cancel, list_item, settled_tally, tally, wait_until_read

ENDS_IN_S = 5
QUIET_S = 3
REPLAY_TIMEOUT_S = 300
"""A replay from the beginning reads everything on the broker, other tests' auctions included."""

pytestmark = pytest.mark.django_db(transaction=True)


def test_every_outcome_tells_exactly_the_right_people_with_the_right_amounts(mail_pipeline, smtp_server, person):
    seller, ann, ben, cid, dee = (person(name) for name in ("seller", "ann", "ben", "cid", "dee"))
    sold = list_item(seller, ends_in_s=ENDS_IN_S, title="Sold lamp")
    reserve = list_item(seller, ends_in_s=ENDS_IN_S, title="Reserved clock", reserve=100_00)
    unbid = list_item(seller, ends_in_s=ENDS_IN_S, title="Unloved vase")
    bought = list_item(seller, ends_in_s=60, title="Bought chair", reserve=30_00, buy_now=50_00)
    withdrawn = list_item(seller, ends_in_s=60, title="Withdrawn rug")
    bid(sold, ann, 10_00)
    bid(sold, ben, 12_00)  # ann outbid
    bid(sold, cid, 15_00)  # ben outbid; a leader pays at least the amount they bid: 15.00
    bid(reserve, ann, 10_00)
    bid(reserve, ben, 20_00)  # ann outbid; the reserve (100.00) is not met
    bid(bought, dee, 20_00)  # below the reserve, so Buy It Now stays available
    buy_now(bought, cid)
    bid(withdrawn, ann, 10_00)
    cancel(withdrawn, "Damaged in storage")

    received = settled_tally(smtp_server, [seller, ann, ben, cid, dee], expected := Counter({
        (sold, ann.username, "outbid"): 1,
        (sold, ben.username, "outbid"): 1,
        (sold, cid.username, "won"): 1,
        (sold, seller.username, "sold"): 1,
        (sold, ann.username, "lost"): 1,
        (sold, ben.username, "lost"): 1,
        (reserve, ann.username, "outbid"): 1,
        (reserve, seller.username, "unsold"): 1,
        (reserve, ann.username, "ended"): 1,
        (reserve, ben.username, "ended"): 1,
        (unbid, seller.username, "unsold"): 1,
        (bought, cid.username, "won"): 1,
        (bought, seller.username, "sold"): 1,
        (withdrawn, seller.username, "cancelled"): 1,
        (withdrawn, ann.username, "cancelled"): 1,
    }))
    assert received == expected

    def text(item, who, kind):
        [mail] = [m for m in smtp_server.to([who.email]) if (m.item_id, m.kind) == (item, kind)]
        return mail.text

    assert "€15.00" in text(sold, cid, "won") and seller.email in text(sold, cid, "won")
    assert "€15.00" in text(sold, seller, "sold") and cid.email in text(sold, seller, "sold")
    assert "outbid at €15.00" in text(sold, ann, "lost") and "Your highest bid was €10.00" in text(sold, ann, "lost")
    assert "Your highest bid was €12.00" in text(sold, ben, "lost")
    assert "the highest bid, €20.00, did not meet your reserve" in text(reserve, seller, "unsold")
    assert "Your highest bid was €10.00" in text(reserve, ann, "ended")
    assert "€50.00" in text(bought, cid, "won") and "Buy It Now" in text(bought, cid, "won")
    assert "Damaged in storage" in text(withdrawn, ann, "cancelled")
    won_html = [m for m in smtp_server.to([cid.email]) if (m.item_id, m.kind) == (sold, "won")][0].html
    assert f"/items/{sold}/" in won_html and "/media/items/lamp.jpg" in won_html


def test_replaying_the_topics_from_the_beginning_sends_nothing_new(mail_pipeline, smtp_server, person):
    seller, ann, ben = person("seller"), person("ann"), person("ben")
    item = list_item(seller, ends_in_s=ENDS_IN_S, title="Replayed lamp")
    bid(item, ann, 10_00)
    bid(item, ben, 12_00)
    expected = Counter({(item, ann.username, "outbid"): 1, (item, ben.username, "won"): 1,
                        (item, seller.username, "sold"): 1, (item, ann.username, "lost"): 1})
    assert settled_tally(smtp_server, [seller, ann, ben], expected) == expected
    ledger = set(Notification.objects.values_list("pk", "status"))

    mail_pipeline.stop()
    consumer = isolated(processor_named("notifications"), mail_pipeline.env["STREAMS_NAME_SUFFIX"]).sink.consumer
    assert ConsumedOffset.objects.filter(consumer=consumer).delete()[0]  # forget everything it read
    mail_pipeline.start()
    wait_until_read(timeout_s=REPLAY_TIMEOUT_S)
    time.sleep(QUIET_S)

    assert tally(smtp_server, [seller, ann, ben]) == expected
    assert set(Notification.objects.values_list("pk", "status")) == ledger
