"""The admin for staff: auctions, bids, results and people, each in its own module."""
from auction.staff.admin import bids, items, results, users  # noqa: F401  (registration on import)
