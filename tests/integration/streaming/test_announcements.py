"""Read-your-writes without polling: the projector announces on commit, waiting requests wake (real Redis, real PostgreSQL)."""
import asyncio
import json
import threading
import uuid
from datetime import datetime, timezone

import pytest
import redis
from django.conf import settings
from django.db import transaction

from auction.projector.processor import project
from auction.streaming.announcements import CHANNEL, Board, announce, announce_on_commit
from streams.events import BidAccepted, BidPlaced, Envelope, ItemListed
from streams.events.examples import EXAMPLES


@pytest.fixture
def board() -> Board:
    board = Board(settings.REDIS_URL)
    board.start()
    assert board.subscribed.wait(10), "the board never subscribed"
    return board


@pytest.fixture
def announcements():
    """What is announced on the channel from now on."""
    pubsub = redis.Redis.from_url(settings.REDIS_URL).pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(CHANNEL)
    pubsub.get_message(timeout=1)  # the subscription's confirmation

    def heard(within_s: float = 2.0) -> list[str]:
        keys = []
        while (message := pubsub.get_message(timeout=within_s)) is not None:
            keys += json.loads(message["data"])
            within_s = 0.2
        return keys

    yield heard
    pubsub.close()


def _key() -> str:
    return str(uuid.uuid4())


def test_an_async_waiter_wakes_on_its_key_and_not_on_another(board):
    mine, other = _key(), _key()

    async def wait() -> tuple[bool, bool]:
        waiting = asyncio.ensure_future(board.announced((mine,), timeout_s=10))
        await asyncio.sleep(0.05)
        threading.Thread(target=announce, args=([other],)).start()
        woken_by_other = await board.announced((mine,), timeout_s=0.5)
        announce([mine])
        return woken_by_other, await waiting

    assert asyncio.run(wait()) == (False, True)


def test_a_thread_waiter_wakes_on_any_of_its_keys(board):
    request_id, item_id = _key(), _key()
    timer = threading.Timer(0.1, announce, args=([item_id],))
    timer.start()
    assert board.announced_sync((request_id, item_id), timeout_s=10) is True


def test_a_key_announced_before_the_wait_began_is_remembered(board):
    key = _key()
    announce([key])
    assert board.announced_sync((key,), timeout_s=10)  # arrives, then is remembered
    assert asyncio.run(board.announced((key,), timeout_s=0))


@pytest.mark.django_db(transaction=True)
def test_announcements_follow_the_commit_and_never_a_rollback(announcements):
    kept, rolled_back = _key(), _key()
    with transaction.atomic():
        announce_on_commit([kept])
        assert announcements(within_s=0.3) == []  # not before the commit
    assert announcements() == [kept]
    with pytest.raises(RuntimeError), transaction.atomic():
        announce_on_commit([rolled_back])
        raise RuntimeError("the batch failed")
    assert announcements(within_s=0.5) == []


@pytest.mark.django_db(transaction=True)
def test_the_projector_announces_new_items_and_decisions_not_mere_placements(announcements):
    listed, placed, accepted = EXAMPLES[ItemListed], EXAMPLES[BidPlaced], EXAMPLES[BidAccepted]
    now = datetime.now(timezone.utc)
    envelopes = [Envelope(id=_key(), type=type(e).__name__, source="/test", time=now, event=e) for e in (listed, placed, accepted)]
    with transaction.atomic():
        project(envelopes)
    assert announcements() == [str(listed.item_id), str(accepted.bid_id)]


@pytest.mark.django_db(transaction=True)
def test_a_decision_is_announced_with_its_news_and_a_waiter_gets_them(board):
    accepted = EXAMPLES[BidAccepted].model_copy(update={"bid_id": _key()})
    listed = EXAMPLES[ItemListed]
    now = datetime.now(timezone.utc)
    envelopes = [Envelope(id=_key(), type=type(e).__name__, source="/test", time=now, event=e) for e in (listed, accepted)]

    heard = []
    waiter = threading.Thread(target=lambda: heard.append(asyncio.run(board.news((str(accepted.bid_id),), timeout_s=10))))
    waiter.start()
    with transaction.atomic():
        project(envelopes)
    waiter.join()

    [(announced, news)] = heard
    assert announced and json.loads(news)["event"]["bid_id"] == str(accepted.bid_id)
    assert json.loads(news)["state"]["seq"] == accepted.state.seq
    assert asyncio.run(board.news((str(listed.item_id),), timeout_s=10)) == (True, None), "an item comes without news"
