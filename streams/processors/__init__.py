"""Stream processors that need nothing but Kafka (no Django): declared on `streams.runtime`."""
