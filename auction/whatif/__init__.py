""""What if": staff try a rule change on a stretch of history (docs/explanation/whatif.md).

A run reads the items' events of a past time range from Kafka, decides every auction listed in
it twice with the pure engine (`streams.bidding.what_if`), under the live rules and under the
change, and keeps what differs. Nothing live is touched: no topic is written, no read model read.
"""
