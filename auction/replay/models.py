"""The per-item step index: an item's listing and each public change the bidding processor made, by `seq`.

Only the projector writes it (`projections.steps_record`, in the transaction of its batch), from
`auction.items`, `auction.bids.history` and `auction.items.complete`; a rebuild empties it and
replays the log into it. A bid's step names the bid: its request as placed (private maximum
included) is staff's `PlacedBid`, not copied here. `data` holds what else the engine needs to
take the step again; none of it is ever shown as such (docs/explanation/replay.md).
"""
from django.db import models


class Step(models.Model):
    class Kind(models.TextChoices):
        LISTED = "listed"
        BID = "bid"
        EXTENDED = "extended"
        CLOSED = "closed"

    item_id = models.UUIDField()
    seq = models.BigIntegerField(help_text="the item's sequence number after the step; 0 = the listing")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    at = models.DateTimeField(help_text="listing: start; bid: decision; extension: when made; close: closed_at")
    bid_id = models.UUIDField(null=True, blank=True, help_text="for a bid: the bid_id of BidPlaced")
    data = models.JSONField(default=dict, help_text="listing: the engine's terms; extension: the new end; close: outcome and winner")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item_id", "seq"], name="replay_step_item_seq")]
