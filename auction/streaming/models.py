"""Consumed offsets of the processors that write PostgreSQL, committed with the rows they produced."""
from django.db import models


class ConsumedOffset(models.Model):
    consumer = models.CharField(max_length=64)
    topic = models.CharField(max_length=255)
    partition = models.IntegerField()
    next_offset = models.BigIntegerField(help_text="offset of the next record to read")

    class Meta:
        db_table = "projector_consumedoffset"
        """The table it had when the projector app held it: moving the model moved no data."""
        constraints = [
            models.UniqueConstraint(fields=["consumer", "topic", "partition"], name="one_offset_per_partition")
        ]
