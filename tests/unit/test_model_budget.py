"""The model pass reads condensed episodes within a token budget, one call each, and counts what it spent."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from assistant.consolidation import schemas
from assistant.consolidation.model_pass import EPISODE_TOKENS, ModelExtractor, episodes
from assistant.llm.text_model import GenerationStats
from assistant.values import RawEvent
from tests.fakes.episode_model import EpisodeModel

START = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
APPS = ["Firefox", "Thunderbird", "LibreOffice Calc", "Terminal", "Evince", "Slack"]


def session_of_windows(windows: int, frames: int, *, lines: int = 3, revisit: bool = False) -> list[RawEvent]:
    """`windows` windows in turn, each captured in `frames` frames: a keyframe, then new lines per frame.
    With `revisit`, every window is shown again afterwards with nothing new on it."""
    out: list[RawEvent] = []
    t = START
    order = list(range(windows)) + (list(range(windows)) if revisit else [])
    for n, w in enumerate(order):
        app, title = APPS[w % len(APPS)], f"Document {w} of the Harbour project"
        for f in range(frames):
            if n >= windows:  # a revisit repeats what the window showed before
                text = "\n".join(f"window {w} frame 0 line {i} quay berth {w * 7 + i}" for i in range(lines))
            else:
                text = "\n".join(f"window {w} frame {f} line {i} quay berth {w * 7 + i}" for i in range(lines))
            out.append(RawEvent(kind="screen", occurred_at=t, app=app, title=title, text=text))
            t += timedelta(seconds=5)
    return out


class CountingModel(EpisodeModel):
    """A fake model: a token is a word; it keeps the last prompt's tokens as its cache, as llama.cpp does,
    so a shared prefix is not evaluated again; it answers every call with `answer`."""

    def __init__(self, answer: dict[str, Any] | None = None) -> None:
        super().__init__(answer)
        self._cache: list[str] = []

    def _eval(self, text: str, generated: int) -> None:
        words = text.split()
        shared = 0
        while shared < min(len(words), len(self._cache)) and words[shared] == self._cache[shared]:
            shared += 1
        self._cache = words
        self.last_stats = GenerationStats(len(words), shared, len(words) - shared + generated, False, 0.01)

    def prime(self, prefix: str) -> int:
        self.primed.append(prefix)
        self._eval(prefix, 0)
        return self.count_tokens(prefix)

    def generate_json(self, prompt: str, schema: Mapping[str, Any], *, max_tokens: int = 512) -> dict[str, Any]:
        self.prompts.append(prompt)
        self._eval(prompt, 9)
        return self.answer


def test_one_call_per_episode_reads_its_window_span_and_new_lines_only() -> None:
    model = CountingModel()
    result = ModelExtractor(model).extract(session_of_windows(windows=3, frames=2))
    assert result.calls == result.episodes == 3  # not a meta call plus one per type
    assert len(model.prompts) == 3 and all(p.startswith(schemas.PREFIX) for p in model.prompts)
    first = model.prompts[0]
    assert "Firefox - Document 0 of the Harbour project" in first and "[2026-05-04 09:00-09:00]" in first
    assert "window 0 frame 1 line 2" in first and "window 1" not in first  # its own lines, nothing else


def test_the_prefix_is_primed_once_and_not_paid_again_per_episode() -> None:
    model = CountingModel()
    result = ModelExtractor(model).extract(session_of_windows(windows=5, frames=2))
    prefix = model.count_tokens(schemas.PREFIX)
    whole = sum(model.count_tokens(p) for p in model.prompts)
    assert model.primed == [schemas.PREFIX]
    # The prefix once, then each episode's own text (a cache may share a word or two of its header too).
    assert whole - 5 * prefix - 5 * 3 <= result.prompt_tokens <= whole - 4 * prefix
    assert result.generated_tokens == 5 * 10 and result.seconds > 0


def test_a_window_with_nothing_new_is_skipped_by_rule() -> None:
    model = CountingModel()
    result = ModelExtractor(model).extract(session_of_windows(windows=3, frames=1, revisit=True))
    assert result.calls == 3 and result.skipped == 3


def test_what_does_not_fit_an_episode_is_counted_not_dropped_silently() -> None:
    model = CountingModel()
    long_window = session_of_windows(windows=1, frames=1, lines=200)
    found, _ = episodes(long_window, model)
    assert len(found) == 1
    assert model.count_tokens(found[0].text) <= EPISODE_TOKENS
    kept = found[0].text.count("\n")  # the header is the first line
    assert found[0].dropped_lines == 200 - kept > 0
    result = ModelExtractor(model).extract(long_window)
    assert result.dropped_lines == found[0].dropped_lines


def test_chat_sessions_are_episodes_with_their_speakers() -> None:
    chat = [
        RawEvent(kind="chat", occurred_at=START + timedelta(minutes=i), speaker=s, text=t, session="s1")
        for i, (s, t) in enumerate([("Ana", "The ferry leaves at nine"), ("Ben", "I will bring the tickets")])
    ]
    found, skipped = episodes(chat, CountingModel())
    assert skipped == 0 and len(found) == 1
    assert "chat with Ana, Ben" in found[0].text and "Ben: I will bring the tickets" in found[0].text


def test_an_item_from_any_field_becomes_its_memory_type() -> None:
    answer = {
        **{name: [] for name in schemas.FIELDS},
        "facts": [{"name": "Harbour project", "summary": "Berth 7 at the quay is for the Harbour project"}],
    }
    result = ModelExtractor(CountingModel(answer)).extract(session_of_windows(windows=1, frames=1))
    assert [p.memory.TYPE for p in result.planned] == ["semantic"]
    assert result.planned[0].memory.sources  # attributed to the episode's events
