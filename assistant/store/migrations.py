"""Forward-only schema migrations, recorded in the schema_version table."""

from __future__ import annotations

import time

from assistant.store.sql import Connection

# Each entry upgrades the schema by one version. Never edit a shipped entry: append a new one.
MIGRATIONS: list[str] = [
    # 1: raw events, memories, their sources, vault secrets, embeddings, full-text indexes.
    """
    CREATE TABLE raw_events (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        occurred_at REAL NOT NULL,
        text TEXT NOT NULL DEFAULT '',
        app TEXT, title TEXT, url TEXT, speaker TEXT, ref TEXT, session TEXT,
        dedup_key TEXT UNIQUE,
        meta TEXT NOT NULL DEFAULT '{}',
        consolidated INTEGER NOT NULL DEFAULT 0,
        created_at REAL NOT NULL
    );
    CREATE INDEX raw_events_time ON raw_events(occurred_at);
    CREATE INDEX raw_events_pending ON raw_events(consolidated, occurred_at);
    CREATE VIRTUAL TABLE raw_fts USING fts5(
        text, title, speaker, content='raw_events', content_rowid='seq',
        tokenize='porter unicode61 remove_diacritics 2');
    CREATE TRIGGER raw_ai AFTER INSERT ON raw_events BEGIN
        INSERT INTO raw_fts(rowid, text, title, speaker) VALUES (new.seq, new.text, new.title, new.speaker);
    END;
    CREATE TRIGGER raw_ad AFTER DELETE ON raw_events BEGIN
        INSERT INTO raw_fts(raw_fts, rowid, text, title, speaker)
        VALUES ('delete', old.seq, old.text, old.title, old.speaker);
    END;

    CREATE TABLE memories (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        type TEXT NOT NULL,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL,
        occurred_at REAL,
        fields TEXT NOT NULL,
        search_text TEXT NOT NULL,
        merge_key TEXT
    );
    CREATE INDEX memories_type_time ON memories(type, occurred_at);
    CREATE INDEX memories_merge ON memories(type, merge_key);
    CREATE VIRTUAL TABLE memory_fts USING fts5(
        search_text, content='memories', content_rowid='seq',
        tokenize='porter unicode61 remove_diacritics 2');
    CREATE TRIGGER mem_ai AFTER INSERT ON memories BEGIN
        INSERT INTO memory_fts(rowid, search_text) VALUES (new.seq, new.search_text);
    END;
    CREATE TRIGGER mem_ad AFTER DELETE ON memories BEGIN
        INSERT INTO memory_fts(memory_fts, rowid, search_text) VALUES ('delete', old.seq, old.search_text);
    END;
    CREATE TRIGGER mem_au AFTER UPDATE OF search_text ON memories BEGIN
        INSERT INTO memory_fts(memory_fts, rowid, search_text) VALUES ('delete', old.seq, old.search_text);
        INSERT INTO memory_fts(rowid, search_text) VALUES (new.seq, new.search_text);
    END;

    CREATE TABLE memory_sources (
        memory_id TEXT NOT NULL REFERENCES memories(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        ref TEXT NOT NULL,
        event_id TEXT,
        PRIMARY KEY (memory_id, kind, ref)
    );
    CREATE INDEX memory_sources_event ON memory_sources(event_id);

    CREATE TABLE vault_secrets (
        memory_id TEXT PRIMARY KEY REFERENCES memories(id) ON DELETE CASCADE,
        sealed BLOB NOT NULL
    );

    CREATE TABLE embeddings (
        owner_id TEXT PRIMARY KEY,
        owner_kind TEXT NOT NULL,
        model TEXT NOT NULL,
        vector BLOB NOT NULL
    );

    CREATE TABLE blobs (
        id TEXT PRIMARY KEY,
        event_id TEXT,
        kind TEXT NOT NULL,
        size INTEGER NOT NULL,
        created_at REAL NOT NULL
    );
    CREATE INDEX blobs_event ON blobs(event_id);

    CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    """,
    # 2: a key per stored vector that is never reused (rowids are: deleting the newest row frees its
    # rowid), so an encrypted snapshot of the vector index can tell which rows it holds as they were.
    """
    ALTER TABLE embeddings ADD COLUMN gen INTEGER;
    CREATE TABLE embedding_gen (n INTEGER NOT NULL);
    INSERT INTO embedding_gen SELECT coalesce(max(rowid), 0) FROM embeddings;
    UPDATE embeddings SET gen = rowid;
    CREATE TRIGGER embeddings_gen AFTER INSERT ON embeddings
    BEGIN
        UPDATE embedding_gen SET n = n + 1;
        UPDATE embeddings SET gen = (SELECT n FROM embedding_gen) WHERE rowid = NEW.rowid;
    END;
    """,
    # 3: the keys of the stored vectors without reading the vectors (1.5 KB a row): what an unlock reads
    # to bring the vector snapshot in step with the store.
    """
    CREATE INDEX embeddings_keys ON embeddings(model, owner_kind, gen, owner_id) WHERE length(vector) > 0;
    """,
    # 4: episodes the deterministic pass left for the model pass, which runs later (when the user is idle):
    # the episode as the model reads it (before its token budget) and the events it came from. Deleting
    # any of those events (forget, retention) drops the episode, so the model never reads what is gone.
    """
    CREATE TABLE model_backlog (
        seq INTEGER PRIMARY KEY,
        text TEXT NOT NULL,
        dropped_lines INTEGER NOT NULL DEFAULT 0,
        created_at REAL NOT NULL
    );
    CREATE TABLE model_backlog_events (
        episode INTEGER NOT NULL REFERENCES model_backlog(seq) ON DELETE CASCADE,
        event_id TEXT NOT NULL,
        PRIMARY KEY (episode, event_id)
    );
    CREATE INDEX model_backlog_event ON model_backlog_events(event_id);
    CREATE TRIGGER raw_backlog_ad AFTER DELETE ON raw_events BEGIN
        DELETE FROM model_backlog WHERE seq IN (SELECT episode FROM model_backlog_events WHERE event_id = old.id);
    END;
    """,
]


def current_version(conn: Connection) -> int:
    conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at REAL NOT NULL)")
    row = conn.execute("SELECT max(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def migrate(conn: Connection) -> int:
    """Apply every pending migration, each in its own transaction; returns the schema version."""
    version = current_version(conn)
    for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _statements(script):
                conn.execute(statement)
            conn.execute("INSERT INTO schema_version VALUES (?, ?)", (number, time.time()))
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        version = number
    return version


def _statements(script: str) -> list[str]:
    """Split a script on statement ends, keeping trigger bodies (which contain ';') whole."""
    out: list[str] = []
    buf: list[str] = []
    in_trigger = False
    for line in script.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        buf.append(line)
        upper = stripped.upper()
        if upper.startswith("CREATE TRIGGER"):
            in_trigger = True
        if (in_trigger and upper == "END;") or (not in_trigger and stripped.endswith(";")):
            out.append("\n".join(buf))
            buf, in_trigger = [], False
    if buf:
        out.append("\n".join(buf))
    return out
