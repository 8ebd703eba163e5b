"""The Django side of the stream processors that write PostgreSQL, shared by every app that has one.

- `sink`: exactly-once into PostgreSQL: a batch handler's writes and the consumed offsets
  (`models.ConsumedOffset`) commit in one transaction; each processor declares the tables it
  writes (`Tables`), which says what a rebuild empties;
- `locks`: the advisory lock those commits share and a rebuild holds alone;
- `rebuild`: replay a processor's inputs into its emptied tables (`streams.runtime.replay`);
- `wait`: read-your-writes for pages and the API, waiting (bounded) for a projection.
"""
