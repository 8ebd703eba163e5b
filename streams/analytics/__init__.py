"""Bid analytics in event time: the pure core of the analytics processor (no Django, no I/O).

Events become facts (`facts`); `fold` judges each windowed fact against its input partition's
watermark (`watermark`, `policy`), joins bids and closes with their listing, and adds on-time
ones to tumbling windows (`cells`); `auctions` summarises each closed auction from all its
facts, and `suspicion` lists bidders worth a look. The Django side (`auction.analytics`) loads
what a batch needs, calls these functions and writes their results in one transaction with
the consumed offsets. docs/explanation/analytics.md explains the measures and the lateness policy.
"""
