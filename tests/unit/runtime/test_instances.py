"""Instance ids are unique among the live instances of a processor on a host, and stable across restarts."""
import signal
import subprocess
import sys

import pytest

from streams.runtime.config import RuntimeConfig
from streams.runtime.instances import InstanceTaken, claim_instance

SERVERS = "127.0.0.1:59092"


def claim(folder, **options):
    return claim_instance("bidding", bootstrap_servers=SERVERS, folder=folder, **options)


def test_instances_given_no_id_take_the_lowest_free_slots(tmp_path):
    first, second, third = claim(tmp_path), claim(tmp_path), claim(tmp_path)
    assert [c.instance_id for c in (first, second, third)] == ["bidding-0", "bidding-1", "bidding-2"]
    second.release()
    assert claim(tmp_path).instance_id == "bidding-1", "a restart takes its predecessor's slot (and fences it)"


def test_a_duplicate_id_or_slot_is_refused_clearly(tmp_path):
    held = claim(tmp_path, instance_id="bidding-7")
    with pytest.raises(InstanceTaken, match="instance id 'bidding-7' is already held by another running instance"):
        claim(tmp_path, instance_id="bidding-7")
    slot_held = claim(tmp_path, slot=3)  # noqa: F841 (held while referenced)
    with pytest.raises(InstanceTaken, match="'bidding-3'"):
        claim(tmp_path, slot=3)
    held.release()
    assert claim(tmp_path, instance_id="bidding-7").instance_id == "bidding-7"


def test_other_processors_and_other_clusters_have_slots_of_their_own(tmp_path):
    held = claim(tmp_path)  # noqa: F841 (held while referenced)
    assert claim_instance("projector", bootstrap_servers=SERVERS, folder=tmp_path).instance_id == "projector-0"
    assert claim_instance("bidding", bootstrap_servers="127.0.0.1:29092", folder=tmp_path).instance_id == "bidding-0"


def test_a_killed_instance_frees_its_slot(tmp_path):
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from pathlib import Path; from streams.runtime.instances import claim_instance; "
         f"c = claim_instance('bidding', bootstrap_servers={SERVERS!r}, folder=Path(sys.argv[1])); "
         "print(c.instance_id, flush=True); time.sleep(600)", str(tmp_path)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "bidding-0"
        assert claim(tmp_path).instance_id == "bidding-1"
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    assert claim(tmp_path).instance_id == "bidding-0"


def test_the_environment_asks_for_an_id_or_a_slot_and_otherwise_leaves_it_to_the_claim():
    assert RuntimeConfig.from_env({}).instance_id is None
    assert RuntimeConfig.from_env({"STREAMS_INSTANCE_SLOT": "2"}).instance_slot == 2
    assert RuntimeConfig.from_env({"STREAMS_INSTANCE_ID": "x-1"}, instance_id=None).instance_id == "x-1"
