""""Something changed" as a live message, at most one per interval and never the last one lost.

For pages that refetch their own figures when told (the analytics page): a processor calls
`changed()` after each batch it commits, as often as it likes; one thread sends the message at
once, then waits `interval` before it may send again, and sends once more after the wait if
anything changed meanwhile. So a burst of batches makes one message now and one a second later,
and a page never misses the last change by more than `interval`. Sending only queues on the push
path (`auction.live.push`), which drops and logs when Redis is away: pages poll as a fallback.
"""
import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)


class Announcer:
    def __init__(self, send: Callable[[], None], *, interval_s: float = 1.0, sleep: Callable[[float], None] = time.sleep) -> None:
        self.send = send
        self.interval_s = interval_s
        self._sleep = sleep
        self._wanted = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def changed(self) -> None:
        """Returns at once; the message goes out now or at the end of the current interval."""
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="live-announce", daemon=True)
                self._thread.start()
        self._wanted.set()

    def _run(self) -> None:
        while True:
            self._wanted.wait()
            self._wanted.clear()
            try:
                self.send()
            except Exception:  # the page's fallback poll covers a lost message; the thread must live on
                log.exception("an announcement could not be sent")
            self._sleep(self.interval_s)
