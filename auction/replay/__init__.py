"""Replay: any auction as it stood at any moment, folded from its steps by the bidding engine (docs/explanation/replay.md)."""
