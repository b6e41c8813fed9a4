"""A connection that remembers the statements run through it, so a test can check their query plans."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any


class Recording:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.statements: list[tuple[str, Sequence[Any]]] = []

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        self.statements.append((sql, params))
        return self.conn.execute(sql, params)
