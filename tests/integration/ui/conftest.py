"""The site as people use it, in Chromium: the live pipeline (bidding, projector, live processors) and
the test web server, with a few auctions in every state a page can show."""

from tests.integration.live.conftest import (  # noqa: F401  (fixtures, shared with the live tests)
    live_settings,
    log_in,
    person,
)
