"""What recall reads besides full text and vectors: the type and time of candidates, chat speakers and
turn order (for named participants and neighbour votes), the latest items of a time range, ask turns."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from assistant.store.sql import Connection, marks, rows_in
from assistant.values import to_ts


def is_event_id(item: str) -> bool:
    return item.startswith("ev_")


def type_and_time(conn: Connection, ids: Sequence[str]) -> dict[str, tuple[str, float]]:
    """id -> (memory type or event kind, time) for the ids still in the store."""
    mems = [i for i in ids if not is_event_id(i)]
    evs = [i for i in ids if is_event_id(i)]
    out: dict[str, tuple[str, float]] = {}
    for table, wanted, cols in (
        ("memories", mems, "type, coalesce(occurred_at, created_at)"),
        ("raw_events", evs, "kind, occurred_at"),
    ):
        for row in rows_in(conn, f"SELECT id, {cols} FROM {table} WHERE id IN ({{marks}})", wanted):
            out[row[0]] = (row[1], float(row[2]))
    return out


def item_count(conn: Connection) -> int:
    """About how many memories and events the store holds (the highest seqs: cheap at any size)."""
    row = conn.execute(
        "SELECT (SELECT coalesce(max(seq), 0) FROM memories) + (SELECT coalesce(max(seq), 0) FROM raw_events)"
    ).fetchone()
    return int(row[0])


def screen_sources(conn: Connection, ids: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """memory id -> the screen captures it was made from, for the memories among `ids` made from any."""
    out: dict[str, list[str]] = {}
    sql = (
        "SELECT s.memory_id, s.event_id FROM memory_sources s JOIN raw_events e ON e.id = s.event_id "
        "WHERE e.kind = 'screen' AND s.memory_id IN ({marks})"
    )
    for r in rows_in(conn, sql, [i for i in ids if not is_event_id(i)]):
        out.setdefault(r[0], []).append(r[1])
    return {m: tuple(evs) for m, evs in out.items()}


def chat_speakers_after(conn: Connection, after_seq: int) -> tuple[int, list[str]]:
    """(the latest event seq, the distinct chat speakers (lower case) of the events after `after_seq` up to
    it). The seq range is cheap even with a million events; a DISTINCT over all of them is not."""
    top = int(conn.execute("SELECT coalesce(max(seq), 0) FROM raw_events").fetchone()[0])
    if top <= after_seq:
        return top, []
    rows = conn.execute(
        "SELECT DISTINCT lower(speaker) FROM raw_events WHERE seq > ? AND seq <= ? AND kind = 'chat' "
        "AND speaker IS NOT NULL",
        (after_seq, top),
    )
    return top, [r[0] for r in rows]


def speakers_of(conn: Connection, ids: Sequence[str]) -> dict[str, str]:
    """event id -> its speaker in lower case ("" when none), for the event ids among `ids`."""
    evs = [i for i in ids if is_event_id(i)]
    return {
        r[0]: (r[1] or "").lower()
        for r in rows_in(conn, "SELECT id, speaker FROM raw_events WHERE id IN ({marks})", evs)
    }


def chat_positions(conn: Connection, ids: Sequence[str]) -> dict[str, tuple[int, str]]:
    """chat event id -> (seq, session), for those of `ids` that are chat turns in a session."""
    sql = "SELECT id, seq, session FROM raw_events WHERE kind = 'chat' AND session IS NOT NULL AND id IN ({marks})"
    return {r[0]: (int(r[1]), r[2]) for r in rows_in(conn, sql, ids)}


def chat_turns_at(conn: Connection, seqs: Sequence[int]) -> dict[int, tuple[str, str, float]]:
    """seq -> (id, session, time) of the chat turns at those seqs."""
    sql = "SELECT seq, id, session, occurred_at FROM raw_events WHERE kind = 'chat' AND seq IN ({marks})"
    return {int(r[0]): (r[1], r[2], float(r[3])) for r in rows_in(conn, sql, seqs)}


def latest_in_range(
    conn: Connection,
    mem_types: Sequence[str],
    kinds: Sequence[str],
    since: datetime | None,
    until: datetime | None,
    limit: int,
) -> list[tuple[str, str, float, bool]]:
    """(id, type or kind, time, is an event) of up to `limit` memories and `limit` events in the range,
    latest first within each."""
    clause, args = "", []
    if since is not None:
        clause += " AND t >= ?"
        args.append(to_ts(since))
    if until is not None:
        clause += " AND t < ?"
        args.append(to_ts(until))
    rows: list[tuple[str, str, float, bool]] = []
    for sql, col, wanted, is_event in (
        ("SELECT id, type, coalesce(occurred_at, created_at) AS t FROM memories", "type", mem_types, False),
        ("SELECT id, kind, occurred_at AS t FROM raw_events", "kind", kinds, True),
    ):
        if wanted:
            query = f"{sql} WHERE {col} IN ({marks(len(wanted))}){clause} ORDER BY t DESC LIMIT ?"
            rows += [(r[0], r[1], float(r[2]), is_event) for r in conn.execute(query, [*wanted, *args, limit])]
    return rows


def session_turns(conn: Connection, ids: Sequence[str], prefix: str) -> set[str]:
    """Which of `ids` are chat turns of a session named `prefix...`, or episodes whose every source is one."""
    head: list[Any] = [len(prefix), prefix]
    turns = "SELECT id FROM raw_events WHERE id IN ({marks}) AND substr(session, 1, ?) = ?"
    out = {r[0] for r in rows_in(conn, turns, ids, after=head)}
    out.update(
        r[0]
        for r in rows_in(
            conn,
            # `+m.type`: without it SQLite (no ANALYZE statistics) may drive the join from the type index,
            # reading every episode (~100 ms at 35k episodes) instead of the candidates' sources by key.
            "SELECT s.memory_id FROM memory_sources s JOIN memories m ON m.id = s.memory_id "
            "JOIN raw_events e ON e.id = s.event_id "
            "WHERE s.memory_id IN ({marks}) AND +m.type = 'episodic' GROUP BY s.memory_id "
            "HAVING min(coalesce(substr(e.session, 1, ?) = ?, 0)) = 1",
            ids,
            after=head,
        )
    )
    return out


def screen_texts(conn: Connection, ids: Sequence[str]) -> dict[str, str]:
    """id -> title and text, for the ids that are screen captures still in the store."""
    found = rows_in(
        conn,
        "SELECT id, coalesce(title, ''), coalesce(text, '') FROM raw_events WHERE kind = 'screen' AND id IN ({marks})",
        [i for i in ids if is_event_id(i)],
    )
    return {r[0]: f"{r[1]}\n{r[2]}" for r in found}
