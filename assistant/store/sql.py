"""The typed shape of a database connection, and the one way to query by a long list of values.

sqlcipher3 has no type stubs; these Protocols name the part of its (sqlite3-compatible) API the store
uses, so repositories take a `Connection` instead of `Any`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol

# SQLite's default limit on host parameters is 999 in older builds; 500 leaves room for other arguments.
CHUNK = 500


class Cursor(Protocol):
    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    @property
    def in_transaction(self) -> bool: ...

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> Cursor: ...

    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> Cursor: ...

    def close(self) -> None: ...


def marks(n: int) -> str:
    """`?,?,...`: `n` placeholders for an `IN (...)` list."""
    return ",".join("?" * n)


def rows_in(
    conn: Connection, sql: str, values: Sequence[Any], *, before: Sequence[Any] = (), after: Sequence[Any] = ()
) -> Iterator[Any]:
    """The rows of `sql` run once per chunk of `values`: `{marks}` in `sql` stands for the chunk's
    placeholders, `before` and `after` are the arguments on either side of them."""
    for start in range(0, len(values), CHUNK):
        chunk = list(values[start : start + CHUNK])
        yield from conn.execute(sql.format(marks=marks(len(chunk))), [*before, *chunk, *after])
