"""The local chat-model runtime: one llama.cpp model behind a small, thread-safe text interface.

Prefix reuse is the point of `prime`: the fixed part of a prompt (instructions, retrieved memories) is
evaluated once; later prompts that start with it only pay for their new tokens. llama-cpp-python already
reuses the longest common token prefix of the previous call; a saved copy of the primed KV state brings
the prefix back when an unrelated prompt has overwritten it. Prompts and outputs are never logged.
"""

from __future__ import annotations

import ctypes
import json
import os
import threading
import time
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, closing, contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from assistant.errors import ModelError, ModelInterrupted
from assistant.llm import fences
from assistant.llm.gguf_info import read_gguf_info
from assistant.llm.memory_fit import check_memory
from assistant.llm.native_log import route_llama_logs
from assistant.llm.text_model import GenerationStats, for_this_thread

if TYPE_CHECKING:
    from llama_cpp import Llama
    from llama_cpp.llama_grammar import LlamaGrammar

_MIN_RESTORE_GAIN = 32  # tokens; below this, re-decoding is cheaper than copying the saved state back


@dataclass
class _SavedPrefix:
    tokens: list[int]
    state: ctypes.Array[ctypes.c_uint8]
    size: int


class LlamaChatModel:
    """A GGUF chat model run by llama.cpp. All model calls are serialised by one lock.

    The lock is not re-entrant on purpose: a second call from inside a `stream` loop would interleave two
    generations in one KV cache, so it waits instead (finish or close the stream first).
    """

    def __init__(
        self, path: str | os.PathLike[str], n_ctx: int = 4096, n_threads: int | None = None, *, n_batch: int = 512
    ) -> None:
        self.info = read_gguf_info(path)
        if self.info.role != "chat":
            raise ModelError(f"{self.info.path} is an embedding model; choose a chat model")
        if self.info.context_length:
            n_ctx = min(n_ctx, self.info.context_length)
        check_memory(self.info, n_ctx)
        import llama_cpp

        route_llama_logs()
        try:
            # swa_full: sliding-window models (Gemma) keep their whole window, so rolling the cache back to
            # a shared prefix stays exact instead of attending to evicted positions.
            self._llm: Llama = llama_cpp.Llama(
                model_path=str(self.info.path),
                n_ctx=n_ctx,
                n_batch=n_batch,
                n_threads=n_threads,
                swa_full=True,
                verbose=False,
            )
        except (ValueError, RuntimeError, OSError) as exc:
            raise ModelError(f"llama.cpp could not load {self.info.path}: {exc}") from exc
        self._lock = threading.Lock()  # a plain lock: a stream may be finished by another thread
        self._foreground_waiting = 0  # calls without interrupt_when waiting for the lock (see _turn)
        self._waiting_lock = threading.Lock()
        self._budget = threading.local()  # CPU threads asked for by the calling thread (thread_budget)
        self._threads_in_use = (self._llm.n_threads, self._llm.n_threads_batch)
        self._prefix: _SavedPrefix | None = None
        self._grammars: dict[str, LlamaGrammar] = {}
        self._bos = self._llm.token_bos()
        self.last_stats: GenerationStats | None = None
        self._closed = False

    # -- properties --------------------------------------------------------------------------------
    @property
    def n_ctx(self) -> int:
        return int(self._llm.n_ctx())

    @property
    def has_chat_template(self) -> bool:
        return self.info.has_chat_template

    @property
    def is_instruct(self) -> bool:
        """Base models (no chat template) cannot follow instructions: callers should stay extractive."""
        return self.info.has_chat_template

    @property
    def primed_tokens(self) -> int:
        return len(self._prefix.tokens) if self._prefix else 0

    def thread_budget(self, n_threads: int) -> AbstractContextManager[None]:
        """Calls made from this thread inside the block run on at most `n_threads` CPU threads (with 1,
        on the calling thread itself, so its priority is theirs); other threads' calls are not affected."""
        return for_this_thread(self._budget, "n", max(1, n_threads))

    def interrupt_when(self, stop: Callable[[], bool]) -> AbstractContextManager[None]:
        """Generation called from this thread inside the block ends at the next token once `stop()` is
        True, and the call raises ModelInterrupted (a prompt being evaluated is finished first)."""
        return for_this_thread(self._budget, "stop", stop)

    @contextmanager
    def _turn(self) -> Iterator[None]:
        """The model's lock. A call that cannot be interrupted (an Ask) waiting for it ends an interruptible
        one (the background model pass) at its next token, so the user never waits for a whole episode."""
        if getattr(self._budget, "stop", None) is not None:
            with self._lock:
                yield
            return
        with self._waiting_lock:
            self._foreground_waiting += 1
        try:
            self._lock.acquire()
        finally:
            with self._waiting_lock:
                self._foreground_waiting -= 1
        try:
            yield
        finally:
            self._lock.release()

    def _apply_budget(self) -> None:
        """Under the lock: the calling thread's budget, or the model's own thread counts."""
        n = getattr(self._budget, "n", None)
        wanted = (n, n) if n else (self._llm.n_threads, self._llm.n_threads_batch)
        if wanted != self._threads_in_use:
            import llama_cpp

            llama_cpp.llama_set_n_threads(self._llm.ctx, *wanted)
            self._threads_in_use = wanted

    # -- tokens ------------------------------------------------------------------------------------
    def tokenize(self, text: str) -> list[int]:
        """Tokens as the model sees `text` as a whole prompt (BOS added). Special tokens are parsed only
        where a chat template wrote them (`fences.py`): captured "<end_of_turn>" stays plain text."""
        self._require_open()
        tokens: list[int] = []
        for part, special in fences.parts(text):
            tokens += self._llm.tokenize(part.encode("utf-8"), add_bos=False, special=special)
        if not tokens or tokens[0] != self._bos:
            tokens.insert(0, self._bos)  # rendered chat templates write the BOS marker themselves
        return tokens

    def count_tokens(self, text: str) -> int:
        return len(self.tokenize(text))

    def format_chat(self, messages: Sequence[Mapping[str, str]]) -> str:
        """Render messages with the model's own chat template, ready for `generate`/`prime`. Each
        message's content is fenced (see `fence`), so `tokenize` keeps it plain text."""
        if not self.has_chat_template:
            raise ModelError(f"{self.info.path.name} has no chat template; it is a base model")
        self._require_open()
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        template = str(self._llm.metadata["tokenizer.chat_template"])

        def text_of(token: int) -> str:
            return self._llm.detokenize([token], special=True).decode("utf-8", errors="replace")

        import jinja2

        try:
            formatter = Jinja2ChatFormatter(
                template, eos_token=text_of(self._llm.token_eos()), bos_token=text_of(self._bos)
            )
            fenced = [{**m, "content": fences.fence(m.get("content", ""))} for m in messages]
            return formatter(messages=cast(Any, fenced)).prompt
        except (jinja2.TemplateError, ValueError) as exc:
            raise ModelError(f"the chat template of {self.info.path.name} failed: {exc}") from exc

    # -- generation --------------------------------------------------------------------------------
    def generate(
        self, prompt: str, *, max_tokens: int = 256, stop: Sequence[str] = (), temperature: float = 0.0
    ) -> str:
        with self._turn():
            out = self._complete(prompt, max_tokens=max_tokens, stop=stop, temperature=temperature)
            return str(out["choices"][0]["text"])

    def stream(
        self, prompt: str, *, max_tokens: int = 256, stop: Sequence[str] = (), temperature: float = 0.0
    ) -> Iterator[str]:
        """Yield text piece by piece (one token each, except where a stop string might be starting).

        The model stays locked until the iterator is exhausted or closed.
        """
        with self._turn():
            tokens, started, restored = self._prepare(prompt)
            chunks = self._llm.create_completion(
                tokens, max_tokens=max_tokens, stop=list(stop), temperature=temperature, stream=True
            )
            try:
                with closing(cast(Generator[Any, None, None], chunks)) as it:
                    for chunk in it:
                        piece = chunk["choices"][0]["text"]
                        if piece:
                            yield piece
            finally:  # also when the caller stops early
                self._finish(tokens, started, restored)

    def generate_json(self, prompt: str, schema: Mapping[str, Any], *, max_tokens: int = 512) -> dict[str, Any]:
        """Generate a JSON object valid for `schema` (sampling is grammar-constrained; greedy)."""
        if schema.get("type") != "object":
            raise ValueError("generate_json needs a schema whose top level is an object")
        with self._turn():
            out = self._complete(prompt, max_tokens=max_tokens, stop=(), temperature=0.0, grammar=self._grammar(schema))
        choice = out["choices"][0]
        if choice.get("finish_reason") == "length":
            raise ModelError(
                f"the model's JSON answer was cut off at {max_tokens} tokens; allow more tokens or simplify the schema"
            )
        try:
            value = json.loads(choice["text"])
        except json.JSONDecodeError as exc:  # the text is user data: report where, not what
            raise ModelError(f"the model produced invalid JSON ({exc.msg} at position {exc.pos})") from None
        if not isinstance(value, dict):
            raise ModelError(f"the model produced a JSON {type(value).__name__}, not an object")
        return value

    def prime(self, prefix: str) -> int:
        """Evaluate `prefix` now and keep its state; returns its token count."""
        tokens = self.tokenize(prefix)
        if len(tokens) >= self.n_ctx - 1:
            raise ModelError(f"the prompt prefix is {len(tokens)} tokens; this model's context holds {self.n_ctx}")
        import llama_cpp

        with self._lock:
            self._require_open()
            if self._prefix is not None and self._prefix.tokens == tokens:
                return len(tokens)
            self._apply_budget()
            started = time.perf_counter()
            before = self._decoded()
            # Keep what the cache already shares with the prefix; at least one token is re-evaluated so
            # the saved logits belong to the prefix's last token.
            reuse = min(_common_prefix(self._cached(), tokens), len(tokens) - 1)
            if reuse and not llama_cpp.llama_memory_seq_rm(llama_cpp.llama_get_memory(self._llm.ctx), -1, reuse, -1):
                reuse = 0  # recurrent models cannot truncate their memory
                self._clear()
            self._llm.n_tokens = reuse
            self._llm.eval(tokens[reuse:])
            size = llama_cpp.llama_state_get_size(self._llm.ctx)
            state = (ctypes.c_uint8 * size)()
            written = llama_cpp.llama_state_get_data(self._llm.ctx, state, size)
            self._prefix = _SavedPrefix(tokens, state, int(written))
            self.last_stats = GenerationStats(
                len(tokens), reuse, self._decoded() - before, False, time.perf_counter() - started
            )
            return len(tokens)

    def forget_prefix(self) -> None:
        with self._lock:
            self._prefix = None

    def close(self) -> None:
        with self._lock:
            if not self._closed:
                self._closed = True
                self._prefix = None
                self._llm.close()

    # -- internals ---------------------------------------------------------------------------------
    def _complete(
        self,
        prompt: str,
        *,
        max_tokens: int,
        stop: Sequence[str],
        temperature: float,
        grammar: LlamaGrammar | None = None,
    ) -> dict[str, Any]:
        tokens, started, restored = self._prepare(prompt)
        asked = getattr(self._budget, "stop", None)
        stopped = False

        def interrupted(_ids: Any, _logits: Any) -> bool:
            nonlocal stopped
            stopped = stopped or bool(asked and (self._foreground_waiting > 0 or asked()))
            return stopped

        from llama_cpp import StoppingCriteriaList

        try:
            out = self._llm.create_completion(
                tokens,
                max_tokens=max_tokens,
                stop=list(stop),
                temperature=temperature,
                grammar=grammar,
                stopping_criteria=StoppingCriteriaList([interrupted]) if asked else None,
            )
        except ValueError as exc:
            raise ModelError(f"generation failed: {exc}") from exc
        self._finish(tokens, started, restored)
        if stopped:
            raise ModelInterrupted("the model call was interrupted by its caller")
        return cast(dict[str, Any], out)

    def _prepare(self, prompt: str) -> tuple[list[int], tuple[float, int, int], bool]:
        """Tokenize, check the context budget and bring back the primed prefix if it was evicted."""
        self._require_open()
        self._apply_budget()
        tokens = self.tokenize(prompt)
        if len(tokens) >= self.n_ctx:
            raise ModelError(
                f"the prompt is {len(tokens)} tokens but this model's context holds {self.n_ctx}; "
                "shorten it or load the model with a larger context"
            )
        reused = _common_prefix(self._cached(), tokens)
        restored = False
        p = self._prefix
        # Compared token-wise, not as strings: where the prefix meets the question the tokenizer may merge
        # characters ("\n" + "\n" -> "\n\n"); the restore then keeps all but those last tokens.
        shared = _common_prefix(p.tokens, tokens) if p is not None else 0
        if p is not None and shared > reused + _MIN_RESTORE_GAIN and self._restore(p, shared):
            reused, restored = min(shared, len(p.tokens) - 1), True
        return tokens, (time.perf_counter(), self._decoded(), min(reused, len(tokens) - 1)), restored

    def _finish(self, tokens: list[int], started: tuple[float, int, int], restored: bool) -> None:
        t0, decoded0, reused = started
        self.last_stats = GenerationStats(
            len(tokens), reused, self._decoded() - decoded0, restored, time.perf_counter() - t0
        )

    def _restore(self, p: _SavedPrefix, keep: int) -> bool:
        """Load the saved prefix state and keep its first `keep` tokens; False if llama.cpp refused it."""
        import llama_cpp

        if llama_cpp.llama_state_set_data(self._llm.ctx, p.state, p.size) != p.size:
            self._prefix = None
            self._clear()
            return False
        n = len(p.tokens)
        self._llm.input_ids[:n] = p.tokens
        # At least one token short: the next call re-decodes from there (llama-cpp-python drops the rest of
        # the cache), so sampling never depends on logits carried inside the restored state.
        self._llm.n_tokens = min(keep, n - 1)
        return True

    def _require_open(self) -> None:
        if self._closed:
            raise ModelError(f"{self.info.path.name} was unloaded; load the model again")

    def _clear(self) -> None:
        import llama_cpp

        llama_cpp.llama_memory_clear(llama_cpp.llama_get_memory(self._llm.ctx), True)
        self._llm.n_tokens = 0

    def _cached(self) -> list[int]:
        return [int(t) for t in self._llm.input_ids[: self._llm.n_tokens]]

    def _decoded(self) -> int:
        """Tokens llama.cpp has decoded so far (its perf counters are settled by synchronize)."""
        import llama_cpp

        llama_cpp.llama_synchronize(self._llm.ctx)
        perf = llama_cpp.llama_perf_context(self._llm.ctx)
        return int(perf.n_p_eval) + int(perf.n_eval)

    def _grammar(self, schema: Mapping[str, Any]) -> LlamaGrammar:
        key = json.dumps(schema, sort_keys=True)
        grammar = self._grammars.get(key)
        if grammar is None:
            from llama_cpp.llama_grammar import LlamaGrammar

            grammar = LlamaGrammar.from_json_schema(key, verbose=False)
            self._grammars[key] = grammar
        return grammar


def _common_prefix(a: Sequence[int], b: Sequence[int]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n
