"""Text embeddings: the `Embedder` interface and its llama.cpp implementation over a GGUF model.

llama_cpp is imported only when a model is loaded: it is heavy and the tray must start fast.
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from assistant.errors import ModelError
from assistant.llm.native_log import route_llama_logs

if TYPE_CHECKING:
    from llama_cpp import Llama

# Must match assistant.llm.convert_bert.MAX_SEQ_LENGTH_KEY (not imported: that module pulls in gguf).
MAX_SEQ_LENGTH_KEY = "sentence_transformers.max_seq_length"
# Learned position tables end at 512 for BERT; a larger batch lets llama.cpp index past them and
# abort the whole process (GGML assert), so the batch never exceeds this.
MAX_BATCH = 512


class Embedder(Protocol):
    """Turns texts into unit-length vectors; the same model_id always means comparable vectors."""

    @property
    def model_id(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """One unit-normalised vector of `dim` floats per text, in order; [] for no texts."""
        ...


class LlamaEmbedder:
    """A BERT-style GGUF embedding model (see assistant.llm.convert_bert) run by llama-cpp-python.

    Texts longer than the model's window are cut to it (keeping [CLS]/[SEP]), as
    sentence-transformers does. Texts are packed into batches of up to `n_batch` tokens.
    Calls are serialised: one llama.cpp context is not safe to use from two threads.
    `n_threads` defaults to all cores but one.
    """

    def __init__(
        self, path: Path, n_threads: int | None = None, *, n_batch: int = 512, flash_attn: bool = True
    ) -> None:
        if not 32 <= n_batch <= MAX_BATCH:
            raise ValueError(f"n_batch must be in 32..{MAX_BATCH}, not {n_batch}")
        path = Path(path)
        if not path.is_file():
            raise ModelError(f"embedding model not found: {path}")
        try:
            import llama_cpp
        except ImportError as exc:
            raise ModelError(
                "llama-cpp-python is not installed: run scripts/setup.sh to install the local model runtime"
            ) from exc
        self._lib = llama_cpp
        self._lock = threading.Lock()
        self.path = path
        self.flash_attn = flash_attn
        try:
            self._llama = self._load(n_threads, n_batch, flash_attn=flash_attn)
        except (ValueError, RuntimeError):
            if not flash_attn:
                raise ModelError(f"{path} is not a model llama.cpp can load") from None
            # Some backends cannot run flash attention for a given model: plain attention works.
            self.flash_attn = False
            try:
                self._llama = self._load(n_threads, n_batch, flash_attn=False)
            except (ValueError, RuntimeError):
                raise ModelError(f"{path} is not a model llama.cpp can load") from None

        llama = self._llama
        self.n_batch = llama.n_batch
        pooling = llama_cpp.llama_pooling_type(llama.ctx)
        if pooling in (llama_cpp.LLAMA_POOLING_TYPE_NONE, llama_cpp.LLAMA_POOLING_TYPE_RANK):
            self.close()
            raise ModelError(f"{path} does not pool its tokens into one vector: not a sentence-embedding model")
        self._dim = llama.n_embd()
        name = llama.metadata.get("general.name") or path.stem
        self._model_id = str(name)
        vocab = llama_cpp.llama_model_get_vocab(llama.model)
        self._prefix = [llama_cpp.llama_vocab_bos(vocab)] if llama_cpp.llama_vocab_get_add_bos(vocab) else []
        self._suffix = []
        if llama_cpp.llama_vocab_get_add_sep(vocab):
            self._suffix = [llama_cpp.llama_vocab_sep(vocab)]
        elif llama_cpp.llama_vocab_get_add_eos(vocab):
            self._suffix = [llama_cpp.llama_vocab_eos(vocab)]
        n_ctx_train = llama_cpp.llama_model_n_ctx_train(llama.model)
        trained = int(llama.metadata.get(MAX_SEQ_LENGTH_KEY, n_ctx_train))
        self.window = min(trained, n_ctx_train, self.n_batch)
        self._n_seq_max = max(1, int(llama.context_params.n_seq_max))
        self._batch: Any = llama_cpp.llama_batch_init(self.n_batch, 0, 1)

    def _load(self, n_threads: int | None, n_batch: int, *, flash_attn: bool) -> Llama:
        if n_threads is None:
            # Leave a core to the desktop: ggml's threads spin while waiting for each other, so
            # when every core is also wanted by something else throughput collapses (several
            # times slower with 2 threads than with 1 on a busy 2-core machine, bench_embeddings).
            n_threads = max(1, (os.cpu_count() or 2) - 1)
        route_llama_logs()
        return self._lib.Llama(
            model_path=str(self.path),
            embedding=True,
            n_ctx=n_batch,
            n_batch=n_batch,
            n_ubatch=n_batch,
            n_threads=n_threads,
            n_threads_batch=n_threads,
            flash_attn=flash_attn,
            verbose=False,
        )

    @property
    def model_id(self) -> str:
        return self._model_id

    @property
    def dim(self) -> int:
        return self._dim

    def tokenize(self, text: str) -> list[int]:
        """The token ids the model sees for `text`: special tokens included, cut to the window."""
        # errors="replace": a lone surrogate (clipboard, OCR) must not reach the C tokenizer.
        body = self._llama.tokenize(text.encode("utf-8", errors="replace"), add_bos=False, special=False)
        room = self.window - len(self._prefix) - len(self._suffix)
        return [*self._prefix, *body[:room], *self._suffix]

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        if isinstance(texts, str):
            raise TypeError("embed() takes a sequence of texts, not a single string")
        with self._lock:
            if self._batch is None:
                raise ModelError("the embedding model was closed")
            vectors: list[list[float]] = []
            pending: list[list[int]] = []
            n_pending = 0
            for text in texts:
                ids = self.tokenize(text)
                if pending and (n_pending + len(ids) > self.n_batch or len(pending) >= self._n_seq_max):
                    vectors.extend(self._run(pending))
                    pending, n_pending = [], 0
                pending.append(ids)
                n_pending += len(ids)
            if pending:
                vectors.extend(self._run(pending))
            return vectors

    def _run(self, sequences: list[list[int]]) -> list[list[float]]:
        """Encode up to n_batch tokens of several sequences in one llama.cpp call; pooled and normalised."""
        lib, batch, ctx = self._lib, self._batch, self._llama.ctx
        j = 0
        for seq_id, ids in enumerate(sequences):
            for pos, token in enumerate(ids):
                batch.token[j] = token
                batch.pos[j] = pos
                batch.n_seq_id[j] = 1
                batch.seq_id[j][0] = seq_id
                # Every token is an output in embedding mode, otherwise llama.cpp warns and overrides.
                batch.logits[j] = True
                j += 1
        batch.n_tokens = j
        memory = lib.llama_get_memory(ctx)
        if memory:  # encoder-only models have none; others must not mix with earlier calls
            lib.llama_memory_clear(memory, True)
        status = lib.llama_decode(ctx, batch)
        if status != 0:
            raise ModelError(f"the embedding model failed on a batch of {j} tokens (llama_decode {status})")
        out: list[list[float]] = []
        for seq_id in range(len(sequences)):
            pooled = lib.llama_get_embeddings_seq(ctx, seq_id)
            if not pooled:
                raise ModelError("the embedding model returned no pooled vector")
            vector = [float(x) for x in pooled[: self._dim]]
            norm = math.sqrt(math.fsum(x * x for x in vector))
            out.append([x / norm for x in vector] if norm > 0 else vector)
        return out

    def close(self) -> None:
        """Free the model now rather than at garbage collection; embed() then raises ModelError."""
        with self._lock:
            if getattr(self, "_batch", None) is not None:
                self._lib.llama_batch_free(self._batch)
                self._batch = None
            if getattr(self, "_llama", None) is not None:
                self._llama.close()

    def __enter__(self) -> LlamaEmbedder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
