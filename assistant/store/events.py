"""Raw events (screen captures, chat messages): the unconsolidated record of what happened."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, cast

from assistant.store import blob_rows
from assistant.store.sql import Connection, rows_in
from assistant.values import EventKind, RawEvent, from_ts, to_ts

_COLUMNS = "id, kind, occurred_at, text, app, title, url, speaker, ref, session, meta, consolidated"


def _row_to_event(row: Sequence[Any]) -> RawEvent:
    occurred = from_ts(row[2])
    assert occurred is not None
    return RawEvent(
        id=row[0],
        kind=cast(EventKind, row[1]),
        occurred_at=occurred,
        text=row[3],
        app=row[4],
        title=row[5],
        url=row[6],
        speaker=row[7],
        ref=row[8],
        session=row[9],
        meta=json.loads(row[10]),
        consolidated=bool(row[11]),
    )


def add_events(conn: Connection, events: Iterable[tuple[RawEvent, str | None]]) -> int:
    """Insert (event, dedup_key) pairs; an event whose dedup key exists already is skipped."""
    added = 0
    now = time.time()
    for event, key in events:
        cur = conn.execute(
            "INSERT OR IGNORE INTO raw_events (id, kind, occurred_at, text, app, title, url, speaker, ref, "
            "session, dedup_key, meta, consolidated, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                event.id,
                event.kind,
                to_ts(event.occurred_at),
                event.text,
                event.app,
                event.title,
                event.url,
                event.speaker,
                event.ref,
                event.session,
                key,
                json.dumps(event.meta),
                int(event.consolidated),
                now,
            ),
        )
        added += cur.rowcount
    return added


def get_event(conn: Connection, event_id: str) -> RawEvent | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM raw_events WHERE id = ?", (event_id,)).fetchone()
    return _row_to_event(row) if row else None


def get_events(conn: Connection, ids: Sequence[str]) -> dict[str, RawEvent]:
    rows = rows_in(conn, f"SELECT {_COLUMNS} FROM raw_events WHERE id IN ({{marks}})", ids)
    return {row[0]: _row_to_event(row) for row in rows}


def list_events(
    conn: Connection,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    kind: str | None = None,
    pending_only: bool = False,
    limit: int | None = None,
) -> list[RawEvent]:
    """Events in time order, optionally bounded in time and by kind."""
    where: list[str] = ["1=1"]
    args: list[object] = []
    if since is not None:
        where.append("occurred_at >= ?")
        args.append(to_ts(since))
    if until is not None:
        where.append("occurred_at < ?")
        args.append(to_ts(until))
    if kind is not None:
        where.append("kind = ?")
        args.append(kind)
    if pending_only:
        where.append("consolidated = 0")
    sql = f"SELECT {_COLUMNS} FROM raw_events WHERE {' AND '.join(where)} ORDER BY occurred_at, seq"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [_row_to_event(r) for r in conn.execute(sql, args)]


def latest_of_sessions(conn: Connection, prefix: str, since: datetime, limit: int) -> list[RawEvent]:
    """The latest `limit` chat events since `since` of the sessions named `prefix`..., oldest first.

    Walks the time index back from now (there is no session index), which `since` bounds."""
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM raw_events WHERE occurred_at >= ? AND kind = 'chat' AND substr(session, 1, ?) = ? "
        "ORDER BY occurred_at DESC, seq DESC LIMIT ?",
        (to_ts(since), len(prefix), prefix, limit),
    ).fetchall()
    return [_row_to_event(r) for r in reversed(rows)]


def days_with_events(conn: Connection, since: datetime, until: datetime, utc_offset_s: int) -> list[int]:
    """The days (numbered from 1970-01-01, in a zone `utc_offset_s` east of UTC) that have events."""
    rows = conn.execute(
        "SELECT DISTINCT CAST((occurred_at + ?) / 86400 AS INTEGER) FROM raw_events "
        "WHERE occurred_at >= ? AND occurred_at < ?",
        (utc_offset_s, to_ts(since), to_ts(until)),
    )
    return sorted(int(r[0]) for r in rows)


def count_pending(conn: Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM raw_events WHERE consolidated = 0").fetchone()[0])


def mark_consolidated(conn: Connection, ids: Iterable[str]) -> None:
    conn.executemany("UPDATE raw_events SET consolidated = 1 WHERE id = ?", [(i,) for i in ids])


def delete_events(conn: Connection, ids: Iterable[str]) -> int:
    """Delete events with their vectors and their blob rows (the blob files go once committed:
    capture/upkeep.py)."""
    ids = list(ids)
    blob_rows.delete_for_events(conn, ids)
    conn.executemany("DELETE FROM embeddings WHERE owner_id = ?", [(i,) for i in ids])
    cur = conn.executemany("DELETE FROM raw_events WHERE id = ?", [(i,) for i in ids])
    return int(cur.rowcount)


def counts_by_kind(conn: Connection) -> dict[str, int]:
    return {k: int(n) for k, n in conn.execute("SELECT kind, count(*) FROM raw_events GROUP BY kind")}


def last_event_time(conn: Connection, kind: str) -> datetime | None:
    row = conn.execute("SELECT max(occurred_at) FROM raw_events WHERE kind = ?", (kind,)).fetchone()
    return from_ts(row[0]) if row and row[0] is not None else None


def consolidated_before(conn: Connection, cutoff: float) -> list[str]:
    """Ids of the consolidated events stored before `cutoff` (a Unix time)."""
    rows = conn.execute("SELECT id FROM raw_events WHERE consolidated = 1 AND created_at < ?", (cutoff,))
    return [r[0] for r in rows]


def latest_time(conn: Connection) -> datetime | None:
    """When the latest event of any kind happened."""
    row = conn.execute("SELECT max(occurred_at) FROM raw_events").fetchone()
    return from_ts(row[0]) if row and row[0] is not None else None
