"""Kubernetes manifests of the platform, generated from the code (`python -m deploy.kubernetes --write`).

What runs where is said once, in code: the topics come from the topic registry
(`streams.topics.REGISTRY`), each processor's Kafka principal and ACLs from `streams.acls`, and the
processors from their registry (`auction.processors.PROCESSORS`). The generated files under
`manifests/` are committed, and `tests/unit/deploy/test_kubernetes.py` fails when they drift from
what the code generates. docs/explanation/scaling.md says what they contain and how to apply them.

- `cluster.py`   what the platform's names, image and sizes are (the one place to change them)
- `kafka.py`     Strimzi: the `Kafka` cluster, its `KafkaNodePool`, a `KafkaTopic` per registry
                 topic and a `KafkaUser` (SCRAM, with its ACLs) per principal
- `stores.py`    CloudNativePG's PostgreSQL `Cluster` and Valkey
- `workloads.py` the web tier, a Deployment per processor with its lag-driven `ScaledObject`
                 (KEDA), the Celery worker and beat, and the migration Job
- `manifests.py` the files, their YAML, and the check that the committed ones are current
"""
