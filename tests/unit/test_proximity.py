"""The best window of a screen capture (issue 15): where the question's words come together."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from assistant.api import Assistant
from assistant.retrieval import routing
from assistant.retrieval.proximity import Window, idf, stem
from assistant.retrieval.ranking import Candidates, FusionConfig, Listed, rank
from assistant.retrieval.recall import Recall
from assistant.values import RawEvent

NOW = datetime(2024, 11, 14, 18, 0, tzinfo=UTC)


def test_stem_meets_plurals_and_tenses_but_keeps_short_words() -> None:
    assert stem("payments") == stem("payment") == "payment"
    assert stem("closes") == stem("closed") == stem("closing") == stem("close")
    assert stem("nurseries") == stem("nursery") and stem("damages") == stem("damage")
    assert stem("bus") == "bus" and stem("is") == "is" and stem("address") == "address"


def test_idf_falls_as_more_rows_match() -> None:
    assert idf(1, 1000) > idf(10, 1000) > idf(900, 1000) > 0


def test_a_window_counts_distinct_question_words_found_together() -> None:
    window = Window({stem("water"): 2.0, stem("damage"): 3.0, stem("refund"): 1.0})
    # Together in one row: all three, whatever their case; repeating a word does not add.
    assert window.score("Harbour Mutual REFUND, water damage refund +1,904.00") == pytest.approx(6.0)
    # Apart by more than the window: the best single place.
    apart = "water " + "word " * 30 + "damages " + "word " * 30 + "refunds"
    assert window.score(apart) == pytest.approx(3.0)
    assert Window(window.weights, width=400).score(apart) == pytest.approx(6.0)
    # A word counts from its start only ("underwater" is not "water"); a plural or tense of it does.
    assert window.score("underwater refunded") == pytest.approx(1.0)
    assert window.score("nothing of the question here") == 0.0
    assert Window({}).score("water") == 0.0


def test_pairs_count_where_the_two_words_stand_next_to_each_other() -> None:
    window = Window({stem("maintenance"): 2.0, stem("window"): 1.0, stem("close"): 3.0})
    pairs = frozenset({(stem("maintenance"), stem("window")), (stem("window"), stem("close"))})
    # Punctuation and case between them do not matter; each pair counts once.
    assert window.scores("MAINTENANCE - window closes at 23:00. Maintenance window.", pairs)[1] == pytest.approx(7.0)
    # A word between them, or the other order, is not the pair.
    assert window.scores("maintenance of the window and close it", pairs)[1] == 0.0
    assert window.scores("window maintenance", pairs)[1] == 0.0
    assert window.scores("maintenance window", frozenset())[1] == 0.0


def _screen(text: str, minutes: int, title: str) -> RawEvent:
    return RawEvent(kind="screen", occurred_at=NOW - timedelta(minutes=minutes), app="Calc", title=title, text=text)


def test_the_window_list_ranks_the_screen_holding_the_question_words_together_first(app: Assistant) -> None:
    rows = [f"2026-11-{d:02d} Card payment shop {d} -{d * 3}.50" for d in range(1, 20)]
    rows.insert(11, "2026-11-18 Harbour Mutual insurer payout, water damage +1,904.00")
    sheet = _screen("\n".join(rows), 10, "Checking account - GnuCash")
    mail = _screen(
        "Water damage claim: photos attached. The insurer asked for photos of the water damage in the "
        "hall. Our insurer will send an assessor about the damage next week. Water got under the floor; "
        "the damage to the wall is worse than we thought. Payout decisions take a month, the insurer says.",
        5,
        "Water damage claim - Thunderbird",
    )
    app.memories.add_events([sheet, mail])
    question = "How much was the insurer's payout for the water damage?"
    recall = Recall(app._core.store.db)
    found = recall.find(recall.read(question, now=NOW))
    assert isinstance(found, Candidates)
    by_source = {listed.source: [i for i, _ in listed.ranked] for listed in found.lists if listed.ranked}
    # BM25 prefers the mail, which says the words again and again, all over it; the window, the row.
    assert by_source["bm25"] == [mail.id, sheet.id]
    assert by_source["passage"] == [sheet.id, mail.id]
    # Chat turns are short, their words near each other anyway: no window list for them.
    said = RawEvent(kind="chat", occurred_at=NOW, text=mail.text, speaker="Ana", session="s")
    app.memories.add_events([said])
    chat = recall.find(recall.read(question, now=NOW), types=["chat"])
    assert isinstance(chat, Candidates) and all(listed.source != "passage" for listed in chat.lists)


def test_the_window_list_settles_what_full_text_and_vectors_disagree_on() -> None:
    info = {"ev_sheet": ("screen", 1.0), "ev_mail": ("screen", 2.0)}
    lists = [
        Listed([("ev_mail", 9.0), ("ev_sheet", 7.0)], "bm25"),
        Listed([("ev_sheet", 0.6), ("ev_mail", 0.5)], "vector"),
        Listed([("ev_sheet", 5.2), ("ev_mail", 3.1)], "passage"),
    ]
    candidates = Candidates(lists, info, routing.NEUTRAL, 50, 2)
    # Without it the two tie, and the more recent (the mail) goes first.
    assert [i for i, _ in rank(candidates, FusionConfig(passage_weight=0.0))] == ["ev_mail", "ev_sheet"]
    assert [i for i, _ in rank(candidates, FusionConfig())] == ["ev_sheet", "ev_mail"]
