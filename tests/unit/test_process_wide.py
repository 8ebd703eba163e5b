"""`ProcessWide`: the first caller makes the object, every caller after it, however concurrent, gets that one."""
import threading

from auction.process_wide import ProcessWide

CALLERS = 8


def test_concurrent_first_calls_make_one_object():
    made = []
    second_maker = threading.Barrier(2)  # without the lock, two makers would meet here

    def make() -> object:
        made.append(object())
        try:
            second_maker.wait(timeout=0.5)
        except threading.BrokenBarrierError:
            pass  # no one else is making it, as it should be
        return made[0]

    shared = ProcessWide(make)
    all_calling = threading.Barrier(CALLERS)
    got = []

    def call() -> None:
        all_calling.wait()
        got.append(shared())

    threads = [threading.Thread(target=call) for _ in range(CALLERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(made) == 1
    assert got == made * CALLERS
    assert shared() is made[0]
