"""One advisory lock per database consumer: its commits share it, a rebuild of its tables holds it alone.

Transaction-scoped, so it is released at commit or rollback whatever happens. A running
processor's commit therefore waits for a rebuild instead of interleaving with it, and the
rebuild waits for commits already under way; no table is locked, so readers never wait.
"""
import zlib

from django.db import connection


def consumer_lock(consumer: str, *, exclusive: bool) -> None:
    """Take the lock inside the current transaction (blocking until granted)."""
    function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s)", [zlib.crc32(f"consumer:{consumer}".encode())])
