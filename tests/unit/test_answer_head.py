"""The answering head over a real store, with a scripted model standing in for an instruct GGUF."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest

from assistant.answer.context import pack
from assistant.answer.extractive import extractive_answer
from assistant.answer.head import NOT_FROM_THEN, AnswerHead, multi_hop_terms
from assistant.api import Assistant
from assistant.retrieval.query import Query, read_query
from assistant.retrieval.recall import Recall
from assistant.values import ASK_SESSION_PREFIX, CoreBlock, EpisodicMemory, RawEvent, SearchHit, SemanticMemory, Source
from tests.conftest import FIXTURES
from tests.fakes.chat_model import ScriptedModel

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


def hit(i: int, text: str, type_: str = "semantic") -> SearchHit:
    return SearchHit(
        id=f"mem_{i}",
        type=type_,
        text=text,
        score=1.0 / i,
        occurred_at=NOW - timedelta(days=i),
        sources=[Source("chat", f"r{i}")],
    )


def head_for(app: Assistant, model: ScriptedModel) -> AnswerHead:
    core = lambda: [m for m in app.memories.latest("core") if isinstance(m, CoreBlock)]  # noqa: E731
    return AnswerHead(app._core.recall, lambda: model, core)


def test_pack_respects_the_budget_and_never_cuts_an_item() -> None:
    hits = [hit(i, f"fact number {i} " + "word " * 20) for i in range(1, 8)]
    packed = pack(hits, budget=80, count_tokens=lambda t: len(t.split()))
    assert 1 <= len(packed.citations) < 7
    assert packed.tokens <= 80 + 5
    for c in packed.citations:
        assert f"fact number {c.hit.id[4:]} " + "word " * 19 + "word" in packed.text  # whole items only
    assert [c.tag for c in packed.citations] == [f"[{i}]" for i in range(1, len(packed.citations) + 1)]
    assert packed.left_out == hits[len(packed.citations) :]


def test_grouped_by_type_with_dates() -> None:
    packed = pack([hit(1, "Ana likes tea"), hit(2, "Met Ana at the cafe", "episodic")], 500, lambda t: len(t.split()))
    assert packed.text.startswith("Facts:\n[1] (2024-05-31 12:00) Ana likes tea")
    assert "Events:\n[2] (2024-05-30 12:00) Met Ana at the cafe" in packed.text


def test_generative_answer_streams_and_keeps_only_known_citations(app: Assistant) -> None:
    app.memories.import_file(FIXTURES / "chat.jsonl", "jsonl")
    model = ScriptedModel(["TAP flight TP1337 leaves Friday [1] [9]"])
    tokens: list[str] = []
    answer = head_for(app, model).answer("Which TAP flight was booked?", now=NOW, on_token=tokens.append)
    assert len(tokens) > 3  # streamed piece by piece
    assert answer.text == "TAP flight TP1337 leaves Friday [1]"  # [9] was never in the context
    assert [c.tag for c in answer.citations] == ["[1]"]
    assert "TP1337" in answer.citations[0].hit.text and answer.known and not answer.extractive


def test_prefix_is_primed_once_and_again_when_core_memory_changes(app: Assistant) -> None:
    app.memories.import_file(FIXTURES / "chat.jsonl", "jsonl")
    model = ScriptedModel(["Lisbon [1]"])
    head = head_for(app, model)
    head.answer("Where are the flights to?", now=NOW)
    head.answer("Which hotel is it?", now=NOW)
    assert len(model.primed) == 1
    assert all(p.startswith(model.primed[0]) for p in model.prompts)  # the cached state is a true prefix
    app.memories.add(CoreBlock(label="human", value="Alice lives in Porto"))
    head.answer("Which hotel is it?", now=NOW)
    assert len(model.primed) == 2 and "Alice lives in Porto" in model.primed[1]


def test_nothing_relevant_means_i_dont_know(app: Assistant) -> None:
    app.memories.import_file(FIXTURES / "chat.jsonl", "jsonl")
    model = ScriptedModel()
    answer = head_for(app, model).answer("What is the capital of Mongolia?", now=NOW)
    assert not answer.known and answer.citations == [] and "don't know" in answer.text
    assert model.prompts == []  # the model is not even asked


def test_base_model_gives_a_labelled_extractive_answer(app: Assistant) -> None:
    app.memories.import_file(FIXTURES / "chat.jsonl", "jsonl")
    model = ScriptedModel(instruct=False)
    answer = head_for(app, model).answer("Which hotel?", now=NOW)
    assert answer.extractive and answer.known
    assert answer.text.startswith("From your memory (quoted; no language model was used):")
    assert "Pestana" in answer.text and model.prompts == []


def test_an_extractive_answer_does_not_quote_the_same_passage_twice() -> None:
    turn = hit(1, "Ana: I adopted a greyhound called Pixel.", "chat")
    episode = hit(2, "Ana and Ben talked. Ana: I adopted a greyhound called Pixel. Ben: How old is Pixel?", "episodic")
    other = hit(3, "Ana: Pixel sleeps on the sofa all day.", "chat")
    answer = extractive_answer(read_query("What is Ana's greyhound called?", now=NOW), [turn, episode, other])
    assert [c.hit.id for c in answer.citations] == ["mem_1", "mem_3"]
    assert answer.text.count("I adopted a greyhound called Pixel") == 1


def test_answers_rest_on_memories_not_on_earlier_asks(app: Assistant) -> None:
    app.memories.import_file(FIXTURES / "chat.jsonl", "jsonl")
    for question in ("Which hotel is booked for Lisbon?", "Which hotel in Lisbon again?"):
        app.answers.ask(question, now=NOW)
    app.consolidation.run()  # the ask session becomes an episode made of ask turns only
    asked = {
        h.id
        for h in app.search.find("Which hotel is booked for Lisbon?", now=NOW)
        if h.text.startswith(("user: ", "assistant: ")) or "Which hotel" in h.text
    }
    assert asked  # search still finds the recorded asks: they are chat like any other
    again = app.answers.ask("Which hotel is booked for Lisbon?", now=NOW)
    cited = [c.hit for c in again.citations]
    assert cited and not {h.id for h in cited} & asked
    assert any("Pestana" in h.text for h in cited) and "Which hotel" not in again.text


@pytest.mark.parametrize("question", ["What happened on 2 May 2024?", "Summarise my week", "what was I up to today?"])
def test_a_question_about_a_time_only_answers_from_that_time(app: Assistant, question: str) -> None:
    app.memories.import_file(FIXTURES / "chat.jsonl", "jsonl")  # 2 May 2024
    app.memories.add(
        EpisodicMemory(
            actor="user",
            event_type="activity",
            summary="Ran the Porto half marathon",
            occurred_at=datetime(2024, 4, 20, 9, 0, tzinfo=UTC),
        )
    )
    answer = head_for(app, ScriptedModel(instruct=False)).answer(question, now=datetime(2024, 5, 2, 18, tzinfo=UTC))
    assert answer.known and answer.citations, answer.text
    assert {c.hit.occurred_at.date() for c in answer.citations if c.hit.occurred_at} == {date(2024, 5, 2)}


def test_dated_memories_far_from_the_time_asked_are_no_answer(app: Assistant) -> None:
    app.memories.import_file(FIXTURES / "chat.jsonl", "jsonl")  # 2 May 2024: the Pestana hotel, flight TP1337
    app.memories.add(SemanticMemory(name="Pestana", summary="Hotel on Rua Augusta, Lisbon"))  # a fact: undated
    head = head_for(app, ScriptedModel(instruct=False))
    near = head.answer("Which hotel did bob mention last week?", now=datetime(2024, 5, 8, tzinfo=UTC))
    assert near.known and any("bob: Remember the hotel" in c.hit.text for c in near.citations)
    far = head.answer("Which hotel did bob mention last week?", now=datetime(2025, 3, 1, tzinfo=UTC))
    assert far.known and {c.hit.type for c in far.citations} == {"semantic"}  # the fact, not the old chat
    nothing = head.answer("What did bob say about the flight last week?", now=datetime(2025, 3, 1, tzinfo=UTC))
    assert not nothing.known and nothing.text == NOT_FROM_THEN


def test_a_quote_from_an_episode_names_who_said_it() -> None:
    episode = hit(
        1,
        "Conversation between Ana and Ben about dogs\nBen: Hello. How are you?\n"
        "Ana: Long day. I adopted a greyhound called Pixel last week!",
        "episodic",
    )
    answer = extractive_answer(read_query("What is the greyhound called?", now=NOW), [episode])
    assert "Ana: I adopted a greyhound called Pixel last week!" in answer.text


def test_order_questions_are_answered_from_dates(app: Assistant) -> None:
    app.memories.add(
        EpisodicMemory(
            actor="user",
            event_type="activity",
            summary="Read the SQLCipher design paper",
            occurred_at=NOW - timedelta(days=3),
        )
    )
    app.memories.add(
        EpisodicMemory(
            actor="user",
            event_type="activity",
            summary="Wrote the encryption module",
            occurred_at=NOW - timedelta(days=1),
        )
    )
    model = ScriptedModel(["(the model must not be asked)"])
    head = head_for(app, model)
    yes = head.answer("Did I read the SQLCipher design paper before I wrote the encryption module?", now=NOW)
    assert yes.text.startswith("From the dates in your memory: Yes:")
    assert yes.citations[0].hit.text.startswith("Read the SQLCipher design paper")
    no = head.answer("Did I write the encryption module before I read the SQLCipher design paper?", now=NOW)
    assert "No:" in no.text
    first = head.answer("Which came first, the encryption module or the SQLCipher paper?", now=NOW)
    assert first.text.startswith("From the dates in your memory: SQLCipher paper:")
    assert model.prompts == []


def test_second_hop_follows_an_entity_the_first_round_found(app: Assistant) -> None:
    app.memories.add(SemanticMemory(name="Ana's dog", summary="Ana's dog is called Pixel"))
    app.memories.add(SemanticMemory(name="Pixel vet", summary="Pixel sees Dr Okafor at the Riverside clinic"))
    first = app._core.recall.search("Which vet does Ana's dog see?", limit=5, now=NOW)
    assert "Pixel" in multi_hop_terms(read_query("Which vet does Ana's dog see?", now=NOW), first)
    hits = head_for(app, ScriptedModel()).retrieve(app._core.recall.read("Who treats Ana's dog?", now=NOW), NOW)
    assert any("Riverside" in h.text for h in hits)


class NotesThenAnswer(ScriptedModel):
    """Map steps get a note each and the reduce step the answer, however many map steps packing needs."""

    def _next(self) -> str:
        if "Write brief notes" in self.prompts[-1]:
            return f"note {len(self.prompts)} about the parser [1]"
        return "You worked on the parser project [1]."


def test_evidence_larger_than_the_context_goes_through_bounded_map_reduce(app: Assistant) -> None:
    for day in range(40):
        app.memories.add(
            EpisodicMemory(
                actor="user",
                event_type="activity",
                summary=f"Worked on the parser project, part {day}: " + "detail " * 30,
                occurred_at=NOW - timedelta(hours=day),
            )
        )
    model = NotesThenAnswer(n_ctx=400)
    answer = head_for(app, model).answer("Summarise everything about the parser project", now=NOW)
    maps = [p for p in model.prompts if "Write brief notes" in p]
    assert 1 < len(maps) <= 4
    assert answer.text == "You worked on the parser project [1]."
    assert all(len(p.split()) <= 400 for p in model.prompts)  # every step fits the context


class _InterleavingRecall:
    """Recall that lets a second question in while the first is searching, as on the UI's worker pool."""

    def __init__(self, recall: Recall, between: Callable[[], object]) -> None:
        self._recall, self._between = recall, between

    def read(self, question: str, *, now: datetime | None = None) -> Query:
        return self._recall.read(question, now=now)

    def search(self, query: str | Query, *, limit: int = 10, exclude_asks: bool = False) -> list[SearchHit]:
        between, self._between = self._between, lambda: None
        between()  # once: the second question runs to its end here
        return self._recall.search(query, limit=limit, exclude_asks=exclude_asks)


def test_each_answer_keeps_the_model_it_started_with(app: Assistant) -> None:
    app.memories.import_file(FIXTURES / "chat.jsonl", "jsonl")
    instruct = ScriptedModel(["TAP flight TP1337 leaves Friday [1]"])
    models: list[ScriptedModel | None] = [instruct, None]  # the second call finds no model (unloaded)
    core = lambda: [m for m in app.memories.latest("core") if isinstance(m, CoreBlock)]  # noqa: E731
    retriever = _InterleavingRecall(app._core.recall, lambda: head.answer("Which hotel is it?", now=NOW))
    head = AnswerHead(retriever, lambda: models.pop(0), core)
    answer = head.answer("Which TAP flight was booked?", now=NOW)
    assert not answer.extractive and answer.text == "TAP flight TP1337 leaves Friday [1]"
    assert instruct.prompts  # the first question was answered by the model it was given


def test_a_question_is_read_once(app: Assistant, monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.retrieval import timeparse

    app.memories.import_file(FIXTURES / "chat.jsonl", "jsonl")  # 2 May 2024
    reads: list[str] = []
    real = timeparse._parse
    monkeypatch.setattr(timeparse, "_parse", lambda text, *rest: reads.append(text) or real(text, *rest))
    answer = head_for(app, ScriptedModel(instruct=False)).answer(
        "What happened on 2 May 2024?", now=datetime(2024, 5, 2, 18, tzinfo=UTC)
    )
    assert answer.known and reads == ["What happened on 2 May 2024?"]  # search, the head and the quote share it


def test_a_time_phrase_can_name_when_the_thing_talked_about_happens(app: Assistant) -> None:
    """ "June" asked in May: the evidence is a chat in May about June, not anything said in (last) June."""
    from assistant.values import RawEvent

    may = datetime(2026, 5, 10, 19, 0, tzinfo=UTC)
    app.memories.add_events(
        [
            RawEvent(
                kind="chat",
                occurred_at=may,
                text="Booked! I'm staying at the Casa Azul in Seville in June.",
                speaker="me",
                session="trip",
            ),
            RawEvent(
                kind="chat",
                occurred_at=may - timedelta(days=40),
                text="Staying late at work again.",
                speaker="me",
                session="work",
            ),
        ]
    )
    head = head_for(app, ScriptedModel(instruct=False))
    answer = head.answer("Where am I staying in June?", now=datetime(2026, 5, 20, tzinfo=UTC))
    assert answer.known and "Casa Azul" in answer.text, answer.text
    assert "late at work" not in answer.text  # said in April, about no June
    hits = app._core.recall.search("Where am I staying in June?", now=datetime(2026, 5, 20, tzinfo=UTC))
    assert "Casa Azul" in hits[0].text  # search ranks the talk about June first too


def test_search_shows_past_asks_below_the_evidence(app: Assistant) -> None:
    app.memories.import_file(FIXTURES / "chat.jsonl", "jsonl")
    for question in ("Pestana hotel?", "Pestana hotel, which street?"):
        app.answers.ask(question, now=NOW)
    hits = app.search.find("Pestana hotel", now=NOW, limit=50)
    recorded = [
        h.id.startswith("ev_") and (app.memories.event(h.id).session or "").startswith(ASK_SESSION_PREFIX) for h in hits
    ]
    asks = [n for n, mine in enumerate(recorded) if mine]
    evidence = [n for n, mine in enumerate(recorded) if not mine]
    assert asks and evidence  # both shown
    assert max(evidence) < min(asks)  # the evidence above every past question and answer


def test_an_order_answer_shows_seconds_when_the_minute_does_not_decide(app: Assistant) -> None:
    at = datetime(2024, 5, 30, 11, 53, 10, tzinfo=UTC)
    app.memories.add(EpisodicMemory(actor="user", event_type="activity", summary="Opened the tax form", occurred_at=at))
    app.memories.add(
        EpisodicMemory(
            actor="user", event_type="activity", summary="Saved the invoice PDF", occurred_at=at + timedelta(seconds=35)
        )
    )
    text = (
        head_for(app, ScriptedModel(instruct=False))
        .answer("Did I open the tax form before I saved the invoice PDF?", now=NOW)
        .text
    )
    assert "11:53:10" in text and "11:53:45" in text, text
    other_minute = datetime(2024, 5, 30, 9, 0, 5, tzinfo=UTC)
    app.memories.add(
        EpisodicMemory(
            actor="user", event_type="activity", summary="Printed the boarding pass", occurred_at=other_minute
        )
    )
    text = (
        head_for(app, ScriptedModel(instruct=False))
        .answer("Did I print the boarding pass before I saved the invoice PDF?", now=NOW)
        .text
    )
    assert "09:00 " in text and "09:00:05" not in text, text  # minutes suffice when they differ


class DigestNotes(ScriptedModel):
    """Map steps get a note naming the apps of their piece; the reduce step an answer."""

    def _next(self) -> str:
        prompt = self.prompts[-1]
        if "Write brief notes" in prompt:
            return "note: " + ", ".join(app for app, _ in DIGEST_APPS if f"- {app}," in prompt)
        return "You spent the week on the Lyon expo."


def test_with_an_instruct_model_a_time_question_is_answered_from_the_digest(app: Assistant) -> None:
    from tests.unit.test_digest import DAY, workday

    app.memories.add_events(workday())
    app.consolidation.run()  # episodes whose details quote the captured text
    model = ScriptedModel(["You read mail, then the ferry timetable, then the budget."])
    head = AnswerHead(app._core.recall, lambda: model, lambda: [], digest=app.timeline.digest)
    answer = head.answer("what did I do today?", now=DAY + timedelta(hours=8))
    [prompt] = model.prompts
    told = app.timeline.digest(DAY.replace(hour=0), DAY.replace(hour=0) + timedelta(days=1))
    for line in told.days[0].text.split("\n"):
        assert line in prompt  # the digest's lines, apps and durations...
    assert "Inbox - Re: stand rental for Lyon text" not in prompt  # ...not the captured text of the memories
    assert answer.text == "You read mail, then the ferry timetable, then the budget." and not answer.extractive
    assert answer.citations == []  # a digest is no memory to open


DIGEST_APPS = [("Thunderbird", "Inbox"), ("Firefox", "Timetable"), ("Calc", "budget.ods"), ("Evince", "quote.pdf")]


def test_a_digest_larger_than_the_context_is_condensed_piece_by_piece(app: Assistant) -> None:
    monday = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
    events = [
        RawEvent(
            kind="screen",
            occurred_at=monday + timedelta(days=d, minutes=10 * n),
            app=f"{a} {d}",
            title=f"{t} of day {d}",
            text="x",
        )
        for d in range(5)
        for n, (a, t) in enumerate(DIGEST_APPS)
    ]
    app.memories.add_events(events)
    model = DigestNotes(n_ctx=300)
    head = AnswerHead(app._core.recall, lambda: model, lambda: [], digest=app.timeline.digest)
    answer = head.answer("what did I do this week?", now=monday + timedelta(days=4, hours=8))
    maps = [p for p in model.prompts if "Write brief notes" in p]
    assert 1 < len(maps) <= 4 and all("- Thunderbird" in p or "(continued)" in p for p in maps)
    assert all(len(p.split()) <= 300 for p in model.prompts)  # every step fits the context
    final = model.prompts[-1]
    assert "Notes 1: note:" in final and "- Thunderbird 0" not in final  # the reduce step reads the notes
    assert answer.text == "You spent the week on the Lyon expo."


def test_with_an_instruct_model_a_time_with_nothing_recorded_is_said_without_asking_it(app: Assistant) -> None:
    model = ScriptedModel(["(the model must not be asked)"])
    head = AnswerHead(app._core.recall, lambda: model, lambda: [], digest=app.timeline.digest)
    answer = head.answer("what did I do yesterday?", now=NOW)
    assert model.prompts == [] and not answer.known and "Nothing is recorded" in answer.text


def test_digest_pieces_keep_whole_days_and_name_the_day_a_piece_goes_on_with() -> None:
    from assistant.answer.context import digest_chunks

    def words(text: str) -> int:
        return len(text.split())

    small = "Monday 4 May 2026: 10 min on screen\n- Firefox, 10 min: Timetable (10 min)"
    big = "Tuesday 5 May 2026: 3 h on screen\n" + "\n".join(f"- App {n}, 5 min: window {n} (5 min)" for n in range(12))
    pieces = digest_chunks([small, big], 40, words)
    assert pieces[0].startswith(small)  # a day that fits stays whole
    assert all(words(p) <= 40 for p in pieces)  # each piece within the budget
    continued = [p for p in pieces if p.startswith("Tuesday 5 May 2026: 3 h on screen (continued)")]
    assert continued and all("- App" in p for p in continued)
    assert sum(p.count("- App") for p in pieces) == 12  # every line is in a piece, none twice
