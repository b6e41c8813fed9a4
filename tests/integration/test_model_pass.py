"""The consolidation model pass and the answering head with the real (base) gemma GGUF.

A 270M base model extracts little of value; what must hold is the path: load, schema-constrained
generation that always parses, grounding, attribution, merge, and the answering head's cached prefix.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assistant.answer.head import AnswerHead
from assistant.api import Assistant
from assistant.consolidation import schemas
from assistant.llm.runtime import LlamaChatModel
from assistant.values import CoreBlock
from tests.conftest import FIXTURES
from tests.integration.gemma_model import gemma_model_path

LOG = "\n".join(
    [
        "[2024-05-02 09:15] alice: Did you book the flights to Lisbon?",
        "[2024-05-02 09:16] bob: Yes, TAP flight TP1337 leaves Friday at 07:40.",
        "[2024-05-02 09:17] alice: To reset the router, unplug it, wait ten seconds, plug it back in.",
    ]
)


@pytest.fixture(scope="module")
def gemma(tmp_path_factory: pytest.TempPathFactory) -> LlamaChatModel:
    model = LlamaChatModel(gemma_model_path(tmp_path_factory), n_ctx=2048)
    yield model
    model.close()


def conforms(value: Any, schema: dict[str, Any]) -> bool:
    """Enough of JSON Schema for ours: types, required keys, enums, bounds."""
    kind = schema.get("type")
    if kind == "object":
        return (
            isinstance(value, dict)
            and all(k in value for k in schema.get("required", []))
            and all(conforms(value[k], sub) for k, sub in schema.get("properties", {}).items() if k in value)
        )
    if kind == "array":
        return (
            isinstance(value, list)
            and len(value) <= schema.get("maxItems", 10**9)
            and all(conforms(v, schema["items"]) for v in value)
        )
    if kind == "string":
        ok = isinstance(value, str) and len(value) <= schema.get("maxLength", 10**9)
        return ok and ("enum" not in schema or value in schema["enum"])
    return False


def test_the_episode_schema_gives_a_valid_object(gemma: LlamaChatModel) -> None:
    schema = schemas.EPISODE
    value = gemma.generate_json(schemas.episode_prompt(LOG), schema, max_tokens=schemas.token_bound(schema))
    assert conforms(value, schema), value


def test_consolidation_with_the_model_writes_grounded_attributed_memories(
    app: Assistant, tmp_path_factory: pytest.TempPathFactory
) -> None:
    app.models.add(gemma_model_path(tmp_path_factory), role="chat", name="gemma")
    app.models.use("gemma", "chat")
    app.memories.import_file(FIXTURES / "chat.jsonl", "jsonl")
    report = app.consolidation.run()
    assert report.model_status == "model pass on"
    assert report.model_calls == 1 and report.events == 4  # one chat session: one call, every type at once
    assert report.model_fallbacks <= report.model_calls
    assert 0 < report.model_prompt_tokens < 400 and report.model_generated_tokens > 0 and report.model_seconds > 0
    episodes = app.memories.latest("episodic")
    assert len(episodes) == 1  # the deterministic episode stands whatever the model said
    for memory in app.memories.latest(limit=100):
        assert memory.sources, memory  # every model-made memory is attributed to events
    again = app.consolidation.run()
    assert again.events == 0 and again.model_calls == 0


def test_the_instruction_prefix_is_evaluated_once_for_all_episodes(gemma: LlamaChatModel) -> None:
    from assistant.consolidation.model_pass import ModelExtractor, episodes
    from tests.unit.test_model_budget import session_of_windows

    events = session_of_windows(windows=4, frames=2)
    found, _ = episodes(events, gemma)
    result = ModelExtractor(gemma).extract(events)
    assert result.calls == result.episodes == len(found) == 4
    whole = sum(gemma.count_tokens(schemas.episode_prompt(ep.text)) for ep in found)
    prefix = gemma.count_tokens(schemas.PREFIX)
    # Every prompt starts with the prefix; evaluated, it is paid once (plus a token or two where the
    # episode meets it), not four times.
    assert result.prompt_tokens <= whole - 3 * prefix + 4 * 4


def test_answer_head_model_path_reuses_the_primed_prefix(
    app: Assistant, gemma: LlamaChatModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    primes: list[str] = []
    real_prime = gemma.prime
    monkeypatch.setattr(gemma, "prime", lambda prefix: primes.append(prefix) or real_prime(prefix))
    app.memories.import_file(FIXTURES / "chat.jsonl", "jsonl")
    app.memories.add(CoreBlock(label="human", value="Alice plans a trip to Lisbon in May."))
    core = lambda: [m for m in app.memories.latest("core") if isinstance(m, CoreBlock)]  # noqa: E731
    head = AnswerHead(app._core.recall, lambda: gemma, core, force_generative=True)
    pieces: list[str] = []
    first = head.answer("Which hotel is it?", on_token=pieces.append)
    assert len(pieces) >= 2 and not first.extractive
    assert first.citations and all(c.tag.startswith("[") for c in first.citations)
    assert len(primes) == 1 and gemma.primed_tokens > 20
    head.answer("Which flight was booked?")
    assert len(primes) == 1  # same core memory: the prefix was not evaluated again


def test_facade_ask_with_a_base_model_stays_extractive(
    app: Assistant, tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    app.models.add(gemma_model_path(tmp_path_factory), role="chat", name="gemma")
    app.models.use("gemma", "chat")
    app.memories.import_file(FIXTURES / "chat.jsonl", "jsonl")
    answer = app.answers.ask("Which hotel is it?")
    assert answer.extractive and answer.known and "Pestana" in answer.text
    assert app.status().events == {"chat": 6}  # the question and the answer were recorded as chat


def test_a_thread_budget_holds_that_threads_calls_only(gemma: LlamaChatModel) -> None:
    """The background model pass runs its calls on one CPU thread; a call from another thread (an Ask)
    gets the model's own count back."""
    import threading

    import llama_cpp

    def threads_now() -> tuple[int, int]:
        ctx = gemma._llm.ctx
        return llama_cpp.llama_n_threads(ctx), llama_cpp.llama_n_threads_batch(ctx)

    own = (gemma._llm.n_threads, gemma._llm.n_threads_batch)
    seen: list[tuple[int, int]] = []

    def background() -> None:
        with gemma.thread_budget(1):
            gemma.generate("The harbour opens at", max_tokens=2)
            seen.append(threads_now())

    t = threading.Thread(target=background)
    t.start()
    t.join()
    assert seen == [(1, 1)]
    gemma.generate("The harbour closes at", max_tokens=2)
    assert threads_now() == own


def test_a_call_asked_to_stop_ends_at_the_next_token_and_the_model_works_on(gemma: LlamaChatModel) -> None:
    from assistant.errors import ModelInterrupted

    with gemma.interrupt_when(lambda: True), pytest.raises(ModelInterrupted):
        gemma.generate_json(
            schemas.episode_prompt(LOG), schemas.EPISODE, max_tokens=schemas.token_bound(schemas.EPISODE)
        )
    stats = gemma.last_stats
    assert stats is not None and stats.evaluated_tokens - (stats.prompt_tokens - stats.reused_tokens) <= 2
    value = gemma.generate_json(
        schemas.episode_prompt(LOG), schemas.EPISODE, max_tokens=schemas.token_bound(schemas.EPISODE)
    )
    assert conforms(value, schemas.EPISODE)  # outside the block, the same call runs to the end


def test_an_ask_waiting_for_the_model_ends_the_background_call_at_its_next_token(gemma: LlamaChatModel) -> None:
    """On AC power the model pass may run while the user works: an Ask must not wait for a whole episode."""
    import threading

    from assistant.errors import ModelInterrupted

    outcome: list[str] = []
    started = threading.Event()

    def background() -> None:
        def still_wanted() -> bool:
            started.set()  # checked at each token: the call is generating now
            return False  # the background job itself never asks to stop here

        with gemma.interrupt_when(still_wanted):
            try:
                gemma.generate("Once upon a time, in a harbour town,", max_tokens=400)
                outcome.append("finished")
            except ModelInterrupted:
                outcome.append("interrupted")

    t = threading.Thread(target=background)
    t.start()
    assert started.wait(60)
    answer = gemma.generate("The harbour closes at", max_tokens=2)  # the Ask, from another thread
    t.join()
    assert outcome == ["interrupted"] and isinstance(answer, str)  # the Ask ran; the background call gave way
