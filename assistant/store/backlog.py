"""The model backlog: episodes the deterministic pass wrote down for the model pass to read later.

An episode is added in the transaction that stores its deterministic memories, and removed in the one
that stores what the model made of it, so each is read by the model once, across crashes and restarts.
Deleting any of its events removes it (a trigger, migration 4).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.store.sql import Connection


@dataclass(frozen=True)
class WaitingEpisode:
    seq: int
    text: str  # header and new lines, before the model's token budget
    dropped_lines: int  # new lines already left out when it was written down (too long to keep)
    event_ids: list[str]


def add(conn: Connection, text: str, dropped_lines: int, event_ids: Sequence[str]) -> int:
    cur = conn.execute(
        "INSERT INTO model_backlog(text, dropped_lines, created_at) VALUES (?, ?, ?) RETURNING seq",
        (text, dropped_lines, time.time()),
    )
    seq = int(cur.fetchone()[0])
    conn.executemany(
        "INSERT OR IGNORE INTO model_backlog_events(episode, event_id) VALUES (?, ?)", [(seq, e) for e in event_ids]
    )
    return seq


def count(conn: Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM model_backlog").fetchone()[0])


def oldest(conn: Connection, n: int = 1) -> list[WaitingEpisode]:
    """The `n` episodes waiting longest, oldest first."""
    rows = conn.execute("SELECT seq, text, dropped_lines FROM model_backlog ORDER BY seq LIMIT ?", (n,)).fetchall()
    out = []
    for seq, text, dropped in rows:
        ids = [r[0] for r in conn.execute("SELECT event_id FROM model_backlog_events WHERE episode = ?", (seq,))]
        out.append(WaitingEpisode(int(seq), str(text), int(dropped), ids))
    return out


def waiting(conn: Connection, seq: int) -> bool:
    """Whether the episode is still to be read (not done, and none of its events deleted meanwhile)."""
    return conn.execute("SELECT 1 FROM model_backlog WHERE seq = ?", (seq,)).fetchone() is not None


def done(conn: Connection, seq: int) -> None:
    conn.execute("DELETE FROM model_backlog WHERE seq = ?", (seq,))
