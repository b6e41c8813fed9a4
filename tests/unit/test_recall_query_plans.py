"""The per-search lookups on a search's candidates read those candidates by key, never a whole table."""

from __future__ import annotations

import sqlite3

from assistant.store import migrations
from assistant.store.recall_queries import session_turns
from tests.recording_connection import Recording


def test_ask_turns_are_looked_up_by_the_candidates_ids_not_by_memory_type() -> None:
    conn = sqlite3.connect(":memory:")
    for script in migrations.MIGRATIONS:
        conn.executescript(script)
    conn.executemany(
        "INSERT INTO memories(id, type, created_at, updated_at, occurred_at, fields, search_text) "
        "VALUES (?, 'episodic', 0, 0, 0, '{}', 'x')",
        [(f"mem_{i}",) for i in range(3000)],
    )
    conn.executemany(
        "INSERT INTO raw_events(id, kind, occurred_at, text, session, created_at) VALUES (?, 'chat', 0, 'x', ?, 0)",
        [(f"ev_{i}", "assistant:2026-11-02" if i % 2 else "import") for i in range(40)],
    )
    conn.executemany(
        "INSERT INTO memory_sources(memory_id, kind, ref, event_id) VALUES (?, 'event', ?, ?)",
        [(f"mem_{i}", f"ev_{i}", f"ev_{i}") for i in range(40)],
    )
    recording = Recording(conn)
    ids = [f"mem_{i}" for i in range(20)] + [f"ev_{i}" for i in range(20)]
    # Turns of ask sessions, and episodes whose every source is one.
    found = session_turns(recording, ids, "assistant:")
    assert found == {f"ev_{i}" for i in range(1, 20, 2)} | {f"mem_{i}" for i in range(1, 20, 2)}
    for sql, params in recording.statements:
        plan = " ".join(row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}", params))
        assert "memories_merge" not in plan and "memories_type_time" not in plan, plan
        assert "SCAN" not in plan.replace("USE TEMP B-TREE", ""), plan
