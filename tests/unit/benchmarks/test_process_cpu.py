"""The /proc arithmetic of the idle benchmark (tests/benchmarks/process_cpu.py), on files written here."""
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from tests.benchmarks import process_cpu


def _stat(pid: int, comm: str, *, utime: int, stime: int, cutime: int = 0, cstime: int = 0, start: int = 100) -> str:
    # fields 3.. of proc(5): state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime
    # priority nice threads itrealvalue starttime ...
    rest = ["S", "1", "1", "1", "0", "-1", "0", "0", "0", "0", "0", str(utime), str(stime), str(cutime), str(cstime),
            "20", "0", "4", "0", str(start), "1000", "50"]
    return f"{pid} ({comm}) {' '.join(rest)}\n"


def _process(proc: Path, pid: int, stat: str, children: list[int] = ()) -> None:
    task = proc / str(pid) / "task" / str(pid)
    task.mkdir(parents=True)
    (proc / str(pid) / "stat").write_text(stat)
    (task / "children").write_text(" ".join(map(str, children)))


def test_a_command_name_with_spaces_and_parentheses_does_not_shift_the_fields():
    assert process_cpu.own_ticks(_stat(7, "kafka (broker) 1", utime=30, stime=12, cutime=5, cstime=1, start=4242)) == (4242, 48)


def test_a_tree_counts_its_children_and_a_child_that_ended_through_its_parent(tmp_path):
    _process(tmp_path, 10, _stat(10, "postgres", utime=100, stime=50), children=[11, 12])
    _process(tmp_path, 11, _stat(11, "postgres: backend", utime=20, stime=5, start=200))
    _process(tmp_path, 12, _stat(12, "postgres: walwriter", utime=3, stime=1, start=150))
    before = process_cpu.snapshot(10, tmp_path)
    assert process_cpu.descendants(10, tmp_path) == [10, 12, 11]

    later = tmp_path / "later"
    _process(later, 10, _stat(10, "postgres", utime=101, stime=50, cutime=30, cstime=6), children=[12, 13])  # reaped 11
    _process(later, 12, _stat(12, "postgres: walwriter", utime=4, stime=1, start=150))
    _process(later, 13, _stat(13, "postgres: backend", utime=2, stime=0, start=300))  # new since
    after = process_cpu.snapshot(10, later)
    # 11 used 11 more ticks before it ended (36 in all, in 10's reaped total); 10 one, 12 one, 13 two.
    assert process_cpu.ticks_between(before, after) == 1 + 11 + 1 + 2


def test_a_pid_reused_by_a_new_process_counts_whole_and_the_old_one_through_its_parent():
    before = {1: (10, 500), 5: (100, 1_000)}
    after = {1: (10, 500 + 1_004), 5: (900, 7)}  # 5 ended after 4 more ticks; a new 5 used 7
    assert process_cpu.ticks_between(before, after) == 4 + 7


@given(idle=st.integers(0, 10**6), busy=st.integers(0, 10**6), more_idle=st.integers(0, 10**6), more_busy=st.integers(0, 10**6))
def test_the_machine_busy_share_is_a_share(idle, busy, more_idle, more_busy):
    before = process_cpu.MachineTimes(busy=busy, total=busy + idle)
    after = process_cpu.MachineTimes(busy=busy + more_busy, total=busy + idle + more_busy + more_idle)
    share = process_cpu.busy_share(before, after)
    assert 0 <= share <= 1
    if more_busy + more_idle:
        assert share == more_busy / (more_busy + more_idle)


def test_this_machine_reads():
    times = process_cpu.machine_times()
    assert 0 < times.busy < times.total
    assert process_cpu.core_percent(process_cpu.TICKS_PER_S * 3, 6.0) == 50.0
