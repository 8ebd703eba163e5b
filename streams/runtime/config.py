"""Settings of one running processor instance, read from the environment.

Variables, defaults and parsers are those of `streams.settings_registry` (docs/reference/settings.md).

The instance id matters for recovery speed, not correctness: the transactional id is
`<processor>-<instance id>`, so an instance restarted under the same id fences its dead
predecessor and aborts its open transaction at once, instead of everyone waiting for the
transaction timeout. It must also be unique among live instances: `serve` makes sure it is
(`instances.py`): an instance given no id takes the lowest free slot on its host (`bidding-0`,
`bidding-1`, …), so a restart gets its predecessor's id back.
"""
from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field
from typing import Mapping

from streams import kafka_clients
from streams.settings_registry import default as _default
from streams.settings_registry import value as _value


@dataclass(frozen=True)
class RuntimeConfig:
    bootstrap_servers: str
    """Where the cluster is; `from_env` reads it as every client does (`streams.kafka_clients`)."""
    security: kafka_clients.ClientSecurity | None = None
    """The principal the instance's clients run as and how they reach the cluster (TLS, SASL);
    `from_env` reads it from the `KAFKA_SECURITY_*` variables; None: this process's environment."""
    instance_id: str | None = field(default_factory=lambda: uuid.uuid4().hex[:12])
    """None (what `from_env` gives when neither option nor environment names one): `serve` claims a
    free slot's id. Constructed directly, a config has a random id."""
    instance_slot: int | None = None
    """Ask for the id of this slot (`<processor>-N`) rather than any free one."""
    static_membership: bool = _default("STREAMS_STATIC_MEMBERSHIP")
    """Join the group with `group.instance.id` = instance id: a restarted instance takes its
    partitions back without a rebalance, but a stopped one keeps them until the session times out."""
    metrics_port: int = _default("STREAMS_METRICS_PORT")
    """Port of the Prometheus endpoint; 0 serves none."""
    metrics_address: str = _default("STREAMS_METRICS_ADDRESS")
    max_batch: int = _default("STREAMS_MAX_BATCH")
    """Records handled per transaction at most."""
    poll_timeout_ms: int = _default("STREAMS_POLL_TIMEOUT_MS")
    idle_poll_timeout_ms: int = _default("STREAMS_IDLE_POLL_TIMEOUT_MS")
    """The same once the instance has been idle a while (`runner.IDLE_FETCH_AFTER_S`)."""
    fetch_max_wait_ms: int = _default("STREAMS_FETCH_MAX_WAIT_MS")
    """How long the broker may hold the group consumer's fetch while its inputs have nothing new."""
    idle_fetch_max_wait_ms: int = _default("STREAMS_IDLE_FETCH_MAX_WAIT_MS")
    """The same once the instance has been idle a while (`runner.IDLE_FETCH_AFTER_S`)."""
    session_timeout_ms: int = _default("STREAMS_SESSION_TIMEOUT_MS")
    transaction_timeout_ms: int = _default("STREAMS_TRANSACTION_TIMEOUT_MS")
    commit_timeout_ms: int = _default("STREAMS_COMMIT_TIMEOUT_MS")
    """A commit not done by then is an indefinite error: the producer is re-created and the
    processor rewinds to the committed offsets."""
    max_buffered_per_partition: int = _default("STREAMS_MAX_BUFFERED_PER_PARTITION")
    """Fetching of a partition pauses while this many of its records wait to be merged."""
    liveness_timeout_ms: int = _default("STREAMS_LIVENESS_TIMEOUT_MS")
    """An instance whose loop has not completed a step for this long is not alive, and its
    watchdog ends the process (its supervisor starts a new one). Above `commit_timeout_ms`,
    the longest a healthy step may wait on a transaction."""
    idle_rejoin_ms: int = _default("STREAMS_IDLE_REJOIN_MS")
    """An instance left without partitions this long asks its group for a new assignment when
    the group has fewer members than partitions (backing off while that changes nothing)."""

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ, **overrides) -> RuntimeConfig:
        settings: dict = {
            "bootstrap_servers": kafka_clients.bootstrap_servers(env),
            "security": kafka_clients.client_security(env),
        }
        settings["instance_id"] = env.get("STREAMS_INSTANCE_ID") or None
        if env.get("STREAMS_INSTANCE_SLOT"):
            settings["instance_slot"] = int(env["STREAMS_INSTANCE_SLOT"])
        for name in (
            "metrics_address",
            "static_membership",
            "metrics_port",
            "max_batch",
            "poll_timeout_ms",
            "idle_poll_timeout_ms",
            "fetch_max_wait_ms",
            "idle_fetch_max_wait_ms",
            "session_timeout_ms",
            "transaction_timeout_ms",
            "commit_timeout_ms",
            "max_buffered_per_partition",
            "liveness_timeout_ms",
            "idle_rejoin_ms",
        ):
            variable = f"STREAMS_{name.upper()}"
            if variable in env:
                settings[name] = _value(variable, env)
        settings.update({name: value for name, value in overrides.items() if value is not None})
        return cls(**settings)
