"""A one-day vector search reads that day's rows by key, not every stored vector of the model."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

from assistant.store import migrations
from assistant.store.vectors import exact_nearest
from tests.recording_connection import Recording

TYPES = ("core", "episodic", "semantic", "procedural", "resource", "vault")
START = datetime(2026, 11, 2, tzinfo=UTC)


def test_a_day_window_is_read_from_the_time_index_not_from_every_vector() -> None:
    conn = sqlite3.connect(":memory:")
    for script in migrations.MIGRATIONS:
        conn.executescript(script)
    vector = bytes(4 * 4)
    rows = [(f"m{i}", TYPES[i % 6], (START + timedelta(minutes=i)).timestamp()) for i in range(3000)]
    conn.executemany(
        "INSERT INTO memories(id, type, created_at, updated_at, occurred_at, fields, search_text) "
        "VALUES (?, ?, ?, ?, ?, '{}', 'x')",
        [(i, t, ts, ts, ts) for i, t, ts in rows],
    )
    conn.executemany(
        "INSERT INTO embeddings(owner_id, owner_kind, model, vector, gen) VALUES (?, ?, 'mini', ?, ?)",
        [(i, f"memory:{t}", vector, n) for n, (i, t, _ts) in enumerate(rows)],
    )
    recording = Recording(conn)
    day, kinds = START + timedelta(days=1), [*TYPES, "screen", "chat"]
    found = exact_nearest(recording, "mini", [1.0, 0, 0, 0], kinds, day, day + timedelta(days=1), 5)
    assert found is not None and len(found) == 5
    for sql, params in recording.statements:
        plan = [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}", params)]
        assert plan[0].startswith("SEARCH x USING INDEX"), plan  # the window's rows first, by time
        assert "embeddings_keys" not in " ".join(plan), plan
