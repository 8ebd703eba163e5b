"""The health verdict: processor instances' statuses and dependencies' states in, a judgement out."""
import json

import pytest

from auction.health.status import InstanceStatus, parse_status, unanswered
from auction.health.verdict import judge, judge_processor

OK = {"kafka": "ok", "postgres": "ok", "redis": "ok"}


def instance(url="http://a/status", *, tasks=range(12), count=12, alive=True, aborts=0, **fields) -> InstanceStatus:
    return InstanceStatus(
        url=url, processor=fields.pop("processor", "projector"), instance=fields.pop("instance", "ab12cd34"),
        alive=alive, ready=alive, tasks_held=tuple(tasks), task_count=count, aborts_in_a_row=aborts,
        partitions_held=tuple(f"auction.items:{t}" for t in tasks), **fields,
    )


def test_a_processor_whose_live_instances_hold_every_partition_is_healthy():
    health = judge_processor("projector", [instance(lag=3, last_commit_age_s=0.5, dead_letters=1)])

    assert health.healthy and health.failing == ()
    assert (health.instances_alive, health.instances_configured) == (1, 1)
    assert (health.tasks_held, health.task_count, health.partitions_held) == (tuple(range(12)), 12, 12)
    assert (health.lag, health.last_commit_age_s, health.dead_letters) == (3, 0.5, 1)


def test_instances_together_hold_every_partition():
    first = instance("http://a/status", tasks=range(0, 6), lag=2, last_commit_age_s=4.0)
    second = instance("http://b/status", tasks=range(6, 12), lag=5, last_commit_age_s=1.0)

    health = judge_processor("projector", [first, second])

    assert health.healthy
    assert health.instances_alive == 2 and health.tasks_held == tuple(range(12))
    assert health.lag == 7, "lag is summed over the instances"
    assert health.last_commit_age_s == 1.0, "the most recent commit of any instance"


@pytest.mark.parametrize(
    ("instances", "reason"),
    [
        pytest.param([unanswered("http://a/status", "not answering (connection refused)")],
                     "no live instance (none of 1 answers)", id="not running"),
        pytest.param([instance(alive=False), unanswered("http://b/status", "no answer within 1 s")],
                     "no live instance (1 of 2 answer, none alive)", id="answering but not alive"),
        pytest.param([instance(tasks=[])], "holds 0 of 12 partitions", id="holds none"),
        pytest.param([instance(tasks=[], count=0)], "holds no partitions (none assigned yet)", id="never assigned"),
        pytest.param([instance(tasks=[0, 1, 2, 4, 5, 6, 7, 8, 9, 10])], "holds 10 of 12 partitions (not held: 3, 11)",
                     id="some missing"),
        pytest.param([instance(tasks=range(6)), instance(tasks=range(6, 12), alive=False)],
                     "holds 6 of 12 partitions (not held: 6, 7, 8, 9, 10, 11)", id="a dead instance's partitions do not count"),
        pytest.param([instance(aborts=3, instance="ab12cd34")],
                     "keeps aborting: 3 transactions aborted in a row (instance ab12cd34)", id="aborting"),
    ],
)
def test_a_processor_fails_and_says_why(instances, reason):
    health = judge_processor("projector", instances)

    assert not health.healthy
    assert health.failing == (reason,)


def test_aborts_below_the_limit_are_not_a_failure_and_the_limit_is_a_parameter():
    assert judge_processor("projector", [instance(aborts=2)]).healthy
    assert not judge_processor("projector", [instance(aborts=2)], aborts_failing=2).healthy


def test_one_instance_aborting_fails_the_processor_even_if_another_holds_everything():
    health = judge_processor("projector", [instance("http://a/status"), instance("http://b/status", tasks=[], aborts=7)])

    assert health.failing == ("keeps aborting: 7 transactions aborted in a row (instance ab12cd34)",)
    assert health.aborts_in_a_row == 7


def test_an_instance_answering_as_another_processor_does_not_count():
    health = judge_processor("projector", [instance(processor="bidding-t1")], group="projector-t1")

    assert health.failing == ("no live instance (none of 1 answers)",)
    assert health.instances[0].error == "answers as bidding-t1, not projector-t1"


def test_long_lists_of_missing_partitions_are_cut_short():
    health = judge_processor("bidding", [instance(tasks=[0], count=30)])

    assert health.failing == ("holds 1 of 30 partitions (not held: 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 and 19 more)",)


def test_the_report_names_every_failing_processor_and_dependency():
    report = judge(
        {**OK, "kafka": "error: NoBrokersAvailable"},
        {"bidding": [instance()], "projector": [instance(tasks=[])]},
    )

    assert not report.healthy
    assert report.failing == ["kafka: error: NoBrokersAvailable", "projector: holds 0 of 12 partitions"]


def test_no_processor_watched_is_healthy_when_the_dependencies_are():
    report = judge(OK, {})

    assert report.healthy
    assert report.as_json() == {"status": "ok", "failing": [], "dependencies": OK, "processors": {}}


def test_the_report_as_json():
    down = unanswered("http://b/status", "not answering (connection refused)")
    report = judge(OK, {"projector": [instance(lag=0, last_commit_age_s=1.5), down]}, groups={"projector": "projector"})

    shown = report.as_json()
    json.dumps(shown)  # serialisable as it is
    assert shown["status"] == "ok" and shown["failing"] == []
    projector = shown["processors"]["projector"]
    assert {key: projector[key] for key in ("status", "instances_alive", "instances_configured", "task_count", "lag")} == {
        "status": "ok", "instances_alive": 1, "instances_configured": 2, "task_count": 12, "lag": 0,
    }
    assert projector["instances"][0]["answered"] and projector["instances"][0]["tasks_held"] == list(range(12))
    down_shown = projector["instances"][1]
    assert {key: down_shown[key] for key in ("url", "answered", "error", "alive")} == {
        "url": "http://b/status", "answered": False, "error": "not answering (connection refused)", "alive": False,
    }


CONTRACT = {
    "processor": "projector-t1a2b", "instance": "ab12cd34", "alive": True, "ready": True, "last_step_age_s": 0.2,
    "partitions_held": ["auction.items:0", "auction.items:1"], "tasks_held": [1, 0], "task_count": 2,
    "aborts_in_a_row": 0, "last_commit_age_s": None, "lag": 4, "dead_letters": 1,
}


def test_the_status_contract_is_read_as_it_is_documented():
    status = parse_status("http://a/status", CONTRACT)

    assert status.answered and status.live
    assert status.tasks_held == (0, 1) and status.task_count == 2
    assert status.partitions_held == ("auction.items:0", "auction.items:1")
    assert (status.last_commit_age_s, status.lag, status.dead_letters) == (None, 4, 1)


@pytest.mark.parametrize(
    "broken",
    [
        pytest.param([], id="not an object"),
        pytest.param({**CONTRACT, "alive": "yes"}, id="alive not a boolean"),
        pytest.param({k: v for k, v in CONTRACT.items() if k != "ready"}, id="ready missing"),
        pytest.param({**CONTRACT, "tasks_held": ["0"]}, id="tasks not numbers"),
        pytest.param({**CONTRACT, "task_count": None}, id="task count null"),
    ],
)
def test_anything_else_is_not_the_contract(broken):
    with pytest.raises(ValueError):
        parse_status("http://a/status", broken)
