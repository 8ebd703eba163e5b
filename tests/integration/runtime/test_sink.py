"""Exactly-once into a database: results and consumed offsets commit in one sink transaction.

The sink here is SQLite, standing in for PostgreSQL: it proves the runtime seeks to the offsets
the sink stored when partitions are assigned, and that a failed sink transaction leaves neither
rows nor offsets behind (the batch is simply handled again).
"""
import sqlite3
import time

from kafka.structs import TopicPartition

from streams.runtime import Processor
from tests.integration.runtime.support import create_topics, produce, running


class SqliteSink:
    """Rows (key, value) plus the next offset per partition, written in one SQLite transaction."""

    def __init__(self, path: str, fail_commit_number: int | None = None) -> None:
        self._path = path
        self._fail_commit_number = fail_commit_number
        self.commits = 0
        with self._connect() as db:
            db.execute("CREATE TABLE IF NOT EXISTS rows (key TEXT, value TEXT)")
            db.execute(
                "CREATE TABLE IF NOT EXISTS offsets (topic TEXT, partition INT, next INT, PRIMARY KEY (topic, partition))"
            )

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self._path, check_same_thread=False)

    def load_offsets(self, partitions):
        with self._connect() as db:
            stored = {TopicPartition(t, p): n for t, p, n in db.execute("SELECT topic, partition, next FROM offsets")}
        return {tp: stored[tp] for tp in partitions if tp in stored}

    def commit(self, results, offsets, expected=None):
        self.commits += 1
        db = self._connect()
        try:
            db.executemany("INSERT INTO rows VALUES (?, ?)", results)
            db.executemany(
                "INSERT OR REPLACE INTO offsets VALUES (?, ?, ?)", [(tp.topic, tp.partition, n) for tp, n in offsets.items()]
            )
            if self.commits == self._fail_commit_number:
                raise sqlite3.OperationalError("connection lost before COMMIT")
            db.commit()
        finally:
            db.close()  # closing without commit rolls back

    def rows(self) -> list[tuple[str, str]]:
        with self._connect() as db:
            return sorted(db.execute("SELECT key, value FROM rows"))


def projector(name: str, source: str, dead_letters: str, sink: SqliteSink) -> Processor:
    def handle(record, context):
        return [(record.key.decode(), record.value.decode())]

    return Processor(name=name, inputs=[source], handle=handle, sink=sink, dead_letter_topic=dead_letters)


def wait_for_rows(sink: SqliteSink, count: int, timeout_s: float = 30) -> list:
    deadline = time.monotonic() + timeout_s
    while len(rows := sink.rows()) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)  # and nothing more arrives
    return sink.rows()


def expected(count: int) -> list[tuple[str, str]]:
    return sorted((f"k{i % 7}", f"v{i}") for i in range(count))


def test_a_restarted_sink_processor_resumes_from_the_offsets_in_the_sink(kafka_bootstrap, unique_name, tmp_path):
    name = unique_name("sink")
    source, dead_letters = f"{name}-in", f"{name}-dlq"
    create_topics(kafka_bootstrap, [source, dead_letters], partitions=3)
    database = str(tmp_path / "projection.db")
    produce(kafka_bootstrap, source, [(b"k%d" % (i % 7), b"v%d" % i) for i in range(300)])

    with running(projector(name, source, dead_letters, SqliteSink(database)), kafka_bootstrap):
        assert wait_for_rows(SqliteSink(database), 300) == expected(300)

    produce(kafka_bootstrap, source, [(b"k%d" % (i % 7), b"v%d" % i) for i in range(300, 500)])
    with running(projector(name, source, dead_letters, SqliteSink(database)), kafka_bootstrap):
        assert wait_for_rows(SqliteSink(database), 500) == expected(500)


def test_a_failed_sink_transaction_stores_nothing_and_the_batch_is_handled_again(kafka_bootstrap, unique_name, tmp_path):
    name = unique_name("sink-fail")
    source, dead_letters = f"{name}-in", f"{name}-dlq"
    create_topics(kafka_bootstrap, [source, dead_letters], partitions=3)
    database = str(tmp_path / "projection.db")
    sink = SqliteSink(database, fail_commit_number=1)
    produce(kafka_bootstrap, source, [(b"k%d" % (i % 7), b"v%d" % i) for i in range(200)])

    with running(projector(name, source, dead_letters, sink), kafka_bootstrap) as runner:
        rows = wait_for_rows(sink, 200)

    assert sink.commits >= 2, "the first commit failed and was followed by others"
    aborts = {"processor": name, "reason": "SinkCommitError"}
    assert runner.metrics.registry.get_sample_value("streams_transaction_aborts_total", aborts) == 1
    assert rows == expected(200)
