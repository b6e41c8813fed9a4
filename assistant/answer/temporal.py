"""Questions about order ("did I read X before I wrote Y?") are answered from occurred_at, not a guess.
The relation itself is read with the rest of the question (retrieval/query.py)."""

from __future__ import annotations

from collections.abc import Callable

from assistant.retrieval.query import OrderQuestion
from assistant.values import Answer, Citation, SearchHit


def answer(question: str, order: OrderQuestion, find: Callable[[str], SearchHit | None]) -> Answer | None:
    """None when either side cannot be found (the caller then says it does not know)."""
    hit_a, hit_b = find(order.a), find(order.b)
    if hit_a is None or hit_b is None or hit_a.occurred_at is None or hit_b.occurred_at is None or hit_a.id == hit_b.id:
        return None
    a_first = hit_a.occurred_at <= hit_b.occurred_at
    cites = [Citation("[1]", hit_a), Citation("[2]", hit_b)]
    # Seconds only when the minute does not tell which came first (two items both "11:53").
    same_minute = hit_a.occurred_at.replace(second=0, microsecond=0) == hit_b.occurred_at.replace(
        second=0, microsecond=0
    )
    shown = "%Y-%m-%d %H:%M:%S" if same_minute else "%Y-%m-%d %H:%M"
    when_a, when_b = (h.occurred_at.strftime(shown) for h in (hit_a, hit_b) if h.occurred_at)
    facts = f"'{order.a}' is dated {when_a} [1] and '{order.b}' {when_b} [2]"
    if order.relation in ("before", "after"):
        holds = a_first if order.relation == "before" else not a_first
        text = f"{'Yes' if holds else 'No'}: {facts}."
    else:
        earlier = order.a if a_first else order.b
        later = order.b if a_first else order.a
        text = f"{earlier if order.relation in ('first', 'earlier') else later}: {facts}."
    return Answer(question=question, text=f"From the dates in your memory: {text}", citations=cites, extractive=True)
