"""The runtime's unit tests run the runner on an in-memory broker (`fakebroker`) with a fake clock."""
import pytest

from streams.topics import DEAD_LETTER_TOPIC
from tests.unit.runtime.fakebroker import FakeBroker, MockedClock, start_runner


@pytest.fixture
def clock() -> MockedClock:
    return MockedClock()


@pytest.fixture
def broker(clock) -> FakeBroker:
    broker = FakeBroker(clock)
    broker.create_topic(DEAD_LETTER_TOPIC, 1)
    return broker


@pytest.fixture
def start(broker, clock):
    """`start(processor, instance="a", **runtime settings)`: a started runner on the fake broker, closed afterwards."""
    started = []

    def start(processor, **settings):
        instance = start_runner(broker, clock, processor, **settings)
        started.append(instance)
        return instance

    yield start
    for instance in started:
        instance.runner.close()
