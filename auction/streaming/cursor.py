"""psycopg itself, on Django's connection, for batch handlers that read and write thousands of rows at once.

Django's cursors bind parameters on the client (every value quoted into the SQL text, in Python)
and load timestamps through a Python loader; a batch handler that moves thousands of rows per
batch spends most of its time there. These run on the same connection, in its current
transaction (the sink's, which commits the offsets):
- reads bind their parameters on the server and load results in binary, in psycopg's C
  loaders; a batch's ids travel as one parameter (`UUIDS`), several reads in one round trip
  (`fetch_many`); statements are prepared once per connection, not planned per batch;
- writes go by binary COPY (`copy_in`), or as whole columns unnested in one statement
  (`%b` arrays, `execute_many`).
Errors are psycopg's own, which the sink classifies too (`database_error_is_transient`).
"""
from __future__ import annotations

from collections.abc import Collection, Sequence
from functools import lru_cache
from typing import Any

import psycopg
from django.db import connection, models
from psycopg.adapt import Dumper
from psycopg.postgres import types as pg_types
from psycopg.pq import Format

Query = tuple[str, Sequence[Any]]

UUIDS = "string_to_array(%s, ',')::uuid[]"
"""SQL for an array of UUIDs passed as one comma-separated string (`uuid_list`): no per-element adaptation."""


def uuid_list(ids: Collection[str]) -> str:
    """The parameter of `UUIDS`: ids in their text form, which never contains a comma."""
    return ",".join(ids)


def pg_cursor() -> psycopg.Cursor:
    """A server-binding cursor on Django's connection (in its current transaction, if any)."""
    connection.ensure_connection()
    return psycopg.Cursor(connection.connection)


def fetch_many(queries: Sequence[Query]) -> list[list[tuple]]:
    """Run several reads in one round trip (psycopg's pipeline mode); their rows, in order, loaded in binary."""
    connection.ensure_connection()
    cursors = [psycopg.Cursor(connection.connection) for _ in queries]
    with connection.connection.pipeline():
        for cursor, (sql, params) in zip(cursors, queries):
            cursor.execute(sql, params, binary=True, prepare=True)
    return [cursor.fetchall() for cursor in cursors]


def execute_many(statements: Sequence[Query]) -> None:
    """Run several writes in one round trip (psycopg's pipeline mode)."""
    cursor = pg_cursor()
    with cursor.connection.pipeline():
        for sql, params in statements:
            cursor.execute(sql, params, prepare=True)


class _UuidTextBinaryDumper(Dumper):
    """A UUID held as text (how the pure core keeps ids), written in PostgreSQL's binary format: its 16 bytes."""

    format = Format.BINARY
    oid = pg_types["uuid"].oid

    def dump(self, obj: str) -> bytes:
        return bytes.fromhex(obj.replace("-", ""))


_BINARY_TYPES = {
    "UUIDField": "uuid",
    "BigIntegerField": "int8",
    "IntegerField": "int4",
    "PositiveIntegerField": "int4",
    "TextField": "text",
    "CharField": "text",
    "DateTimeField": "timestamptz",
    "BooleanField": "bool",
    "FloatField": "float8",
}
"""Binary COPY applies no casts: each value is sent as exactly its column's type."""


@lru_cache(maxsize=None)
def _copy_plan(model: type[models.Model], fields: tuple[str, ...]) -> tuple[str, list[str]]:
    columns = [model._meta.get_field(name) for name in fields]
    names = ", ".join(f'"{field.column}"' for field in columns)
    return (
        f'COPY "{model._meta.db_table}" ({names}) FROM STDIN (FORMAT BINARY)',
        [_BINARY_TYPES[field.get_internal_type()] for field in columns],
    )


def copy_in(cursor: psycopg.Cursor, model: type[models.Model], fields: tuple[str, ...], rows: Sequence[tuple]) -> None:
    """Insert rows (values in the order of `fields`, UUIDs as text) into the model's table by binary COPY:
    PostgreSQL's fast path, with nothing to parse on either side."""
    if not rows:
        return
    statement, column_types = _copy_plan(model, fields)
    cursor.adapters.register_dumper(None, _UuidTextBinaryDumper)  # used for "uuid" columns only (set_types)
    with cursor.copy(statement) as copy:
        copy.set_types(column_types)
        write = copy.write_row
        for row in rows:
            write(row)
