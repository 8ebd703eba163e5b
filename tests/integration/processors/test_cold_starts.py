"""Every processor instance gets its partitions, every time: 20 cold starts of the whole platform.

Each round starts every processor of the platform under a new name (a new consumer group, as on
a fresh install) and, right after creating its topics, the bidding processor on topics of its
own: the moment the group leader's client is least likely to know the topics' metadata, which is
what used to leave a member without partitions. A round passes when every instance holds every
partition of its inputs within 30 s of being started, read from its /status endpoint.
"""
import time
import uuid

import pytest

from auction.processors import PROCESSORS
from tests.integration.conftest import ProcessorProcess, start_at_log_end
from tests.integration.coreflow.private_topics import PREFIX_VARIABLE, provision
from tests.integration.readiness import free_port, holds_everything, status
from tests.integration.runtime.support import spawn

ROUNDS, HOLD_WITHIN_S = 20, 30
PRIVATE_BIDDING = "tests.integration.coreflow.private_topics:bidding"


def _stop(processes) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(30)
        except Exception:
            process.kill()
            process.wait()


@pytest.mark.django_db(transaction=True)  # the processors write offsets from their own processes
def test_every_processor_holds_every_partition_within_30_s_twenty_starts_in_a_row(
    processor_env, provisioned_topics, kafka_bootstrap, tmp_path
):
    results = []
    for round_number in range(ROUNDS):
        env = {**processor_env, "STREAMS_NAME_SUFFIX": f"cold{round_number}-{uuid.uuid4().hex[:6]}"}
        for name in PROCESSORS:  # a new group starts where the log ends, as the other tests' do
            start_at_log_end(name, env)
        prefix = f"cold-{uuid.uuid4().hex[:10]}"
        provision(kafka_bootstrap, prefix)
        started = time.monotonic()
        platform = {name: ProcessorProcess(name, env, tmp_path / f"{round_number}-{name}.log").start(wait_ready=False)
                    for name in PROCESSORS}
        bidding_port = free_port()
        fresh = spawn(PRIVATE_BIDDING, kafka_bootstrap,
                      {PREFIX_VARIABLE: prefix, "STREAMS_METRICS_PORT": str(bidding_port)}, f"cold-{round_number}")
        ports = {**{name: p.port for name, p in platform.items()}, "bidding on new topics": bidding_port}
        held_after: dict[str, float] = {}
        try:
            while time.monotonic() - started < HOLD_WITHIN_S and len(held_after) < len(ports):
                for name, port in ports.items():
                    if name not in held_after and holds_everything(status(port)):
                        held_after[name] = time.monotonic() - started
                time.sleep(0.2)
            missing = {name: status(port) for name, port in ports.items() if name not in held_after}
        finally:
            _stop([p.proc for p in platform.values()] + [fresh])
        results.append((round_number, max(held_after.values(), default=None), missing))
        print(f"round {round_number + 1}: slowest instance held everything after "
              f"{max(held_after.values(), default=float('nan')):.1f} s; missing: {sorted(missing) or 'none'}")

    failed = [(n, missing) for n, _, missing in results if missing]
    print(f"{ROUNDS - len(failed)} of {ROUNDS} cold starts assigned every partition of every processor "
          f"within {HOLD_WITHIN_S} s")
    assert not failed, failed
