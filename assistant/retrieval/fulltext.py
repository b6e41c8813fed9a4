"""Full-text retrieval over the FTS5 indexes (BM25), for memories and raw events."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from assistant.models import to_ts

_WORD = re.compile(r"\w+", re.UNICODE)
# Question words and glue carry no evidence; dropping them lets BM25 weigh the content words.
STOPWORDS = frozenset([
    'a', 'an', 'and', 'are', 'as', 'at', 'be', 'been', 'but', 'by', 'can', 'could', 'did', 'do', 'does',
    'for', 'from', 'had', 'has', 'have', 'he', 'her', 'hers', 'him', 'his', 'how', 'i', 'if', 'in',
    'into', 'is', 'it', 'its', 'me', 'my', 'of', 'on', 'or', 'our', 'she', 'so', 'than', 'that', 'the',
    'their', 'them', 'then', 'there', 'these', 'they', 'this', 'to', 'was', 'we', 'were', 'what',
    'when', 'where', 'which', 'who', 'whom', 'whose', 'why', 'will', 'with', 'would', 'you', 'your',
    'yours', 'about', 'after', 'before', 'did', 'does', 'tell', 'know', 'remember', 'anything',
    'something', 'any', 'some', 'ever',
])


def match_expression(query: str) -> str | None:
    """A safe FTS5 MATCH string: content words of the query, each quoted, OR-ed (BM25 ranks them)."""
    words = [w.lower() for w in _WORD.findall(query)]
    content = [w for w in words if w not in STOPWORDS] or words
    unique = list(dict.fromkeys(w.replace('"', "") for w in content if w))[:64]
    return " OR ".join(f'"{w}"' for w in unique) if unique else None


def _time_clause(column: str, since: datetime | None, until: datetime | None) -> tuple[str, list[float]]:
    clause, args = "", []
    if since is not None:
        clause += f" AND {column} >= ?"
        args.append(to_ts(since))
    if until is not None:
        clause += f" AND {column} < ?"
        args.append(to_ts(until))
    return clause, args


def search_memories(
    conn: Any, query: str, *, types: list[str] | None, since: datetime | None, until: datetime | None,
    limit: int,
) -> list[tuple[str, float]]:
    expr = match_expression(query)
    if expr is None:
        return []
    clause, args = _time_clause("coalesce(m.occurred_at, m.created_at)", since, until)
    type_clause = ""
    if types:
        type_clause = f" AND m.type IN ({','.join('?' * len(types))})"
    rows = conn.execute(
        "SELECT m.id, bm25(memory_fts) FROM memory_fts JOIN memories m ON m.seq = memory_fts.rowid "
        f"WHERE memory_fts MATCH ?{clause}{type_clause} ORDER BY bm25(memory_fts) LIMIT ?",
        [expr, *args, *(types or []), limit],
    ).fetchall()
    return [(r[0], -float(r[1])) for r in rows]


def search_events(
    conn: Any, query: str, *, kinds: list[str] | None, since: datetime | None, until: datetime | None,
    limit: int,
) -> list[tuple[str, float]]:
    expr = match_expression(query)
    if expr is None:
        return []
    clause, args = _time_clause("e.occurred_at", since, until)
    kind_clause = ""
    if kinds:
        kind_clause = f" AND e.kind IN ({','.join('?' * len(kinds))})"
    rows = conn.execute(
        "SELECT e.id, bm25(raw_fts) FROM raw_fts JOIN raw_events e ON e.seq = raw_fts.rowid "
        f"WHERE raw_fts MATCH ?{clause}{kind_clause} ORDER BY bm25(raw_fts) LIMIT ?",
        [expr, *args, *(kinds or []), limit],
    ).fetchall()
    return [(r[0], -float(r[1])) for r in rows]
