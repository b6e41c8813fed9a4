"""Raw events (screen captures, chat messages): the unconsolidated record of what happened."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, cast

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


def add_events(conn: Any, events: Iterable[tuple[RawEvent, str | None]]) -> int:
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


def get_event(conn: Any, event_id: str) -> RawEvent | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM raw_events WHERE id = ?", (event_id,)).fetchone()
    return _row_to_event(row) if row else None


def get_events(conn: Any, ids: Sequence[str]) -> dict[str, RawEvent]:
    out: dict[str, RawEvent] = {}
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        marks = ",".join("?" * len(chunk))
        for row in conn.execute(f"SELECT {_COLUMNS} FROM raw_events WHERE id IN ({marks})", chunk):
            out[row[0]] = _row_to_event(row)
    return out


def list_events(
    conn: Any,
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


def count_pending(conn: Any) -> int:
    return int(conn.execute("SELECT count(*) FROM raw_events WHERE consolidated = 0").fetchone()[0])


def mark_consolidated(conn: Any, ids: Iterable[str]) -> None:
    conn.executemany("UPDATE raw_events SET consolidated = 1 WHERE id = ?", [(i,) for i in ids])


def delete_events(conn: Any, ids: Iterable[str]) -> int:
    ids = list(ids)
    conn.executemany("DELETE FROM embeddings WHERE owner_id = ?", [(i,) for i in ids])
    cur = conn.executemany("DELETE FROM raw_events WHERE id = ?", [(i,) for i in ids])
    return int(cur.rowcount)


def counts_by_kind(conn: Any) -> dict[str, int]:
    return {k: int(n) for k, n in conn.execute("SELECT kind, count(*) FROM raw_events GROUP BY kind")}


def last_event_time(conn: Any, kind: str) -> datetime | None:
    row = conn.execute("SELECT max(occurred_at) FROM raw_events WHERE kind = ?", (kind,)).fetchone()
    return from_ts(row[0]) if row and row[0] is not None else None
