"""Past questions and their answers, as `ask` recorded them (chat turns in the `assistant:` sessions): what
the Ask view shows again after a restart, whichever window asked them (Ask, quick recall, the CLI)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from itertools import pairwise

from assistant.answer.extractive import LABEL
from assistant.retrieval.search import to_hits
from assistant.store import events as event_repo
from assistant.store.sql import Connection
from assistant.text import unknown_reason
from assistant.values import ASK_SESSION_PREFIX, Answer, Citation, RawEvent, SearchHit

DONT_KNOW = "I don't know"
LOOKBACK_DAYS = 90  # how far back the time index is walked for them (there is no index by session)


def past_answers(turns: Sequence[RawEvent], hits: Callable[[list[str]], list[SearchHit]]) -> list[Answer]:
    """Each recorded question with the answer recorded right after it; `hits` turns cited ids into the
    items they are now (one that was forgotten since is left out of the citations)."""
    pairs = [
        (question, answer)
        for question, answer in pairwise(turns)
        if question.speaker == "user" and answer.speaker == "assistant" and question.session == answer.session
    ]
    cited = [[str(i) for i in answer.meta.get("cited") or []] for _, answer in pairs]
    found = {h.id: h for h in hits(list(dict.fromkeys(i for ids in cited for i in ids)))}
    out: list[Answer] = []
    for (question, answer), ids in zip(pairs, cited, strict=True):
        tags = answer.meta.get("tags") or [f"[{n}]" for n in range(1, len(ids) + 1)]  # older turns kept no tags
        citations = [Citation(tag, found[i]) for tag, i in zip(tags, ids, strict=False) if i in found]
        out.append(
            Answer(
                question=question.text,
                text=answer.text,
                citations=citations,
                extractive=answer.text.startswith(LABEL),
                unknown_reason=unknown_reason(answer.text) if answer.text.startswith(DONT_KNOW) else None,
            )
        )
    return out


def recent_answers(conn: Connection, *, limit: int, now: datetime, days: int = LOOKBACK_DAYS) -> list[Answer]:
    """The latest `limit` questions of the last `days` with their answers, oldest first."""
    turns = event_repo.latest_of_sessions(conn, ASK_SESSION_PREFIX, now - timedelta(days=days), 2 * limit + 1)
    return past_answers(turns, lambda ids: to_hits(conn, [(i, 0.0) for i in ids]))[-limit:]
