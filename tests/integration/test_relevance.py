"""Search says "no matches" when nothing matches: with the real all-MiniLM-L6-v2, a made-up word finds no
line (its nearest neighbours are not shown), while a paraphrase sharing no word is still found. The
calibration set of FusionConfig.min_similarity lives here."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from assistant.api import Assistant
from assistant.llm.embedder import LlamaEmbedder
from assistant.retrieval.ranking import FusionConfig
from assistant.values import RawEvent
from tests.integration.embedding_model import converted_minilm

pytestmark = pytest.mark.integration

LINES = [
    "Remember the hotel is the Pestana on Rua Augusta.",
    "Yes, TAP flight TP1337 leaves Friday at 07:40.",
    "The quarterly report is due on Thursday, send it to finance.",
    "I went running in the park this morning, 5 km.",
    "Can you pick up milk and bread on the way home?",
    "The build failed again because of a missing dependency.",
    "My sister is getting married next spring in Porto.",
    "Invoice 2291 from the electricity company, 84 euros.",
    "Let's watch the new documentary about octopuses tonight.",
    "Doctor's appointment moved to 3pm on Monday.",
]
MADE_UP = [
    "zorblax",
    "flimflorp quazzle",
    "xyzzy plover",
    "blorptastic",
    "wugglefrump",
    "snarfgle",
    "glimmerwomp treaty",
    "frabjous vorpal",
]
PARAPHRASES = {
    "lodging": 0,
    "accommodation": 0,
    "deadline for the finance report": 2,
    "my morning jog": 3,
    "groceries to buy": 4,
    "why did compilation break": 5,
    "wedding of my sibling": 6,
    "power bill amount": 7,
    "film about sea creatures": 8,
    "when is my medical visit": 9,
}


@pytest.fixture(scope="module")
def minilm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return converted_minilm(tmp_path_factory)


def test_the_threshold_lies_between_made_up_words_and_paraphrases(minilm: Path) -> None:
    embedder = LlamaEmbedder(minilm, n_threads=1)
    lines = embedder.embed(LINES)

    def cosine(a: list[float], b: list[float]) -> float:
        return sum(x * y for x, y in zip(a, b, strict=True))

    made_up = [cosine(v, line) for v in embedder.embed(MADE_UP) for line in lines]
    paraphrase = [
        cosine(v, lines[PARAPHRASES[q]]) for q, v in zip(PARAPHRASES, embedder.embed(list(PARAPHRASES)), strict=True)
    ]
    threshold = FusionConfig().min_similarity
    assert max(made_up) < threshold - 0.05  # with a margin: a made-up word is never a match
    assert min(paraphrase) > threshold


def test_a_made_up_word_finds_nothing_and_a_paraphrase_its_line(app: Assistant, minilm: Path) -> None:
    entry = app.models.add(minilm, role="embedding", name="minilm")
    app.models.use(entry.name, "embedding")
    start = datetime(2026, 5, 1, 9, tzinfo=UTC)
    app.memories.add_events(
        [
            RawEvent(kind="chat", occurred_at=start + timedelta(minutes=n), text=text, speaker="me", session="notes")
            for n, text in enumerate(LINES)
        ]
    )
    app.search.index_pending()
    for word in MADE_UP:
        assert app.search.find(word, limit=50) == [], word
    for question, line in PARAPHRASES.items():
        hits = app.search.find(question, limit=50)
        assert hits and LINES[line] in hits[0].text, question
        assert len(hits) < len(LINES)  # the unrelated lines are left out, not merely ranked lower
