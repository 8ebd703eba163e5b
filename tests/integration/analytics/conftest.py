"""Analytics tests read figures right after writing them: answers are not reused between requests here,
except in the tests of that reuse (`test_bounds_and_cache.py`), which turn it on for themselves."""
import pytest


@pytest.fixture(autouse=True)
def fresh_figures(settings):
    settings.ANALYTICS_CACHE_SECONDS = 0
    return settings
