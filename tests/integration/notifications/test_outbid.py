"""While an auction runs: the bidder who loses the lead hears it, at most once per item per 10 minutes,
unless they chose not to; the unsubscribe link in that email works without logging in and cannot be forged."""
from collections import Counter
from urllib.parse import urlsplit

import pytest
from django.core import signing

from auction.notifications.models import Preference
from tests.integration.notifications.support import bid, list_item, settled_tally

pytestmark = pytest.mark.django_db(transaction=True)


def _unsubscribe_path(smtp_server, who) -> str:
    [mail] = [m for m in smtp_server.to([who.email]) if m.kind == "outbid"]
    link = str(mail.message["List-Unsubscribe"]).strip().strip("<>")
    assert link in mail.text and link in mail.html
    return urlsplit(link).path


def test_outbid_emails_are_throttled_and_honour_preferences(mail_pipeline, smtp_server, person, client):
    seller, ann, ben = person("seller"), person("ann"), person("ben")
    cid = person("cid", outbid=False)
    item = list_item(seller, ends_in_s=5, title="Contested lamp")
    bid(item, ann, 10_00)
    bid(item, ben, 11_00)  # ann loses the lead: told
    bid(item, ann, 12_00)  # ben loses the lead: told
    bid(item, ben, 13_00)  # ann again, within 10 minutes: not told
    bid(item, cid, 14_00)  # ben again, within 10 minutes: not told
    bid(item, ann, 15_00)  # cid loses the lead, but chose no outbid emails

    expected = Counter({
        (item, ann.username, "outbid"): 1,
        (item, ben.username, "outbid"): 1,
        (item, ann.username, "won"): 1,
        (item, seller.username, "sold"): 1,
        (item, ben.username, "lost"): 1,
        (item, cid.username, "lost"): 1,
    })
    assert settled_tally(smtp_server, [seller, ann, ben, cid], expected) == expected
    [outbid] = [m for m in smtp_server.to([ann.email]) if m.kind == "outbid"]
    assert "The current bid is €11.00; your highest bid was €10.00." in outbid.text

    ann_link, ben_link = _unsubscribe_path(smtp_server, ann), _unsubscribe_path(smtp_server, ben)
    ann_token = ann_link.rstrip("/").rsplit("/", 1)[1]
    ben_token = ben_link.rstrip("/").rsplit("/", 1)[1]
    forged = [
        ann_link.replace(ann_token, f"{ben_token.rsplit(':', 1)[0]}:{ann_token.rsplit(':', 1)[1]}"),  # ben's claim, ann's signature
        ann_link.replace(ann_token, signing.dumps([ben.pk, "outbid"], salt="auction.notifications.unsubscribe", key="guess")),
        ann_link.replace(ann_token, ann_token[:-2]),
    ]
    for link in forged:
        assert client.post(link).status_code == 400
    assert not Preference.objects.filter(user__in=[ann, ben]).exists(), "a forged link changes nobody's choices"

    asked = client.get(ann_link)
    assert asked.status_code == 200 and b"Stop outbid emails?" in asked.content
    assert not Preference.objects.filter(user=ann).exists(), "opening the link alone unsubscribes nobody"
    done = client.post(ann_link)
    assert done.status_code == 200 and b"unsubscribed" in done.content
    preference = Preference.objects.get(user=ann)
    assert (preference.outbid, preference.ending_soon) == (False, True)
    assert not Preference.objects.filter(user=ben).exists()
