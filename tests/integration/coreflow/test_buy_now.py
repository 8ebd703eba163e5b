"""Buy It Now against the real bidding processor: a purchase closes the auction; a refusal, which the
processor answers with a `BidRejected` for the request, reaches the buyer with its reason."""
import pytest

from auction.bidding import services
from auction.bidding.models import Bid
from auction.catalog.models import Item
from tests.integration.coreflow.listing import listed

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def wait_for_decisions(settings):
    settings.AUCTION_READ_YOUR_WRITES_SECONDS = 10


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_buying_now_closes_the_auction_for_the_buyer(auction_pipeline, client, person):
    item = listed(person("seller").user, buy_now="60.00")
    buyer = person("buyer")

    response = client.post(f"/api/items/{item.pk}/buy-now", HTTP_AUTHORIZATION=f"Bearer {buyer.token}")

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["message"]) == ("bought", "You bought this item for €60.00.")
    assert (body["item"]["status"], body["item"]["outcome"], body["item"]["final_price"]) == ("closed", "bought_now", "60.00")
    closed = Item.objects.get(pk=item.pk)
    assert (closed.outcome, closed.winner_id, closed.final_price) == ("bought_now", buyer.user.pk, 60_00)


@pytest.fixture
def beaten_to_it(monkeypatch, person):
    """`beaten_to_it(item)`: someone else's Buy It Now request reaches the log just before the next one.

    The next request has passed the site's checks (the item still offers Buy It Now), so only
    the bidding processor can refuse it: the interleaving of two buyers who ask at once."""

    def arrange(item):
        rival = person("rival")
        publish = services.publish

        def publish_after_the_rival(event):
            monkeypatch.setattr(services, "publish", publish)
            services.buy_now_request(buyer=rival.user, item=item)
            return publish(event)

        monkeypatch.setattr(services, "publish", publish_after_the_rival)
        return rival

    return arrange


@pytest.mark.parametrize("through", ["api", "page"])
def test_a_request_the_processor_refuses_is_reported_with_its_reason(auction_pipeline, client, person, beaten_to_it, through):
    item = listed(person("seller").user, buy_now="60.00")
    buyer = person("buyer")

    rival = beaten_to_it(item)
    if through == "api":
        response = client.post(f"/api/items/{item.pk}/buy-now", HTTP_AUTHORIZATION=f"Bearer {buyer.token}")
        told = response.json()["message"]
        assert (response.status_code, response.json()["status"]) == (200, "rejected")
    else:
        client.force_login(buyer.user)
        [told] = _messages(client.post(f"/items/{item.pk}/buy-now/", follow=True))

    assert told == "Your Buy It Now request was not accepted: This auction has ended."
    refusal = Bid.objects.get(item_id=item.pk, bidder_id=buyer.user.pk)
    assert (refusal.status, refusal.reason_code) == ("rejected", "closed")
    assert Item.objects.get(pk=item.pk).winner_id == rival.user.pk
