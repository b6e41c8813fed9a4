"""The packaged all-MiniLM-L6-v2, converted to GGUF and run by llama.cpp, reproduces sentence-transformers.

The reference vectors come from the original model (tests/fixtures/make_minilm_reference.py, run once
by hand with torch); nothing here needs torch or the network.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gguf
import pytest

from assistant.errors import ModelError
from assistant.llm.convert_bert import (
    DEFAULT_EMBEDDING_FILE,
    convert_bert_to_gguf,
    find_packaged_minilm,
    prepare_default_embedding_model,
)
from assistant.llm.embedder import Embedder, LlamaEmbedder
from tests.integration.embedding_model import converted_minilm

pytestmark = pytest.mark.integration

REFERENCE = json.loads((Path(__file__).parents[1] / "fixtures" / "minilm_reference.json").read_text("utf-8"))
SAMPLES: list[dict[str, Any]] = REFERENCE["samples"]


@pytest.fixture(scope="session")
def minilm_gguf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return converted_minilm(tmp_path_factory)


@pytest.fixture(scope="module")
def embedder(minilm_gguf: Path) -> Iterator[LlamaEmbedder]:
    emb = LlamaEmbedder(minilm_gguf)
    yield emb
    emb.close()


def cosine(a: list[float], b: list[float]) -> float:
    dot = math.fsum(x * y for x, y in zip(a, b, strict=True))
    return dot / math.sqrt(math.fsum(x * x for x in a) * math.fsum(y * y for y in b))


def norm(v: list[float]) -> float:
    return math.sqrt(math.fsum(x * x for x in v))


def test_reference_fixture_is_what_the_tests_assume() -> None:
    assert REFERENCE["dim"] == 384 and REFERENCE["max_seq_length"] == 256
    assert len(SAMPLES) >= 12
    assert all(s["text"] for s in SAMPLES)
    assert max(len(s["token_ids"]) for s in SAMPLES) == 256  # one sample is cut to the window


def test_vectors_match_sentence_transformers(embedder: LlamaEmbedder) -> None:
    vectors = embedder.embed([s["text"] for s in SAMPLES])
    assert len(vectors) == len(SAMPLES)
    sims = {s["text"][:40]: cosine(v, s["embedding"]) for s, v in zip(SAMPLES, vectors, strict=True)}
    assert min(sims.values()) >= 0.999, sims


def test_tokens_match_the_original_tokenizer(embedder: LlamaEmbedder) -> None:
    # Includes accents, CJK, Cyrillic, emoji, code and the sample cut at the 256-token window.
    for sample in SAMPLES:
        assert embedder.tokenize(sample["text"]) == sample["token_ids"], sample["text"]


def test_each_text_alone_gives_the_same_vector_as_in_a_batch(embedder: LlamaEmbedder) -> None:
    texts = [s["text"] for s in SAMPLES]
    batched = embedder.embed(texts)
    for text, in_batch in zip(texts, batched, strict=True):
        assert cosine(embedder.embed([text])[0], in_batch) > 0.99999, text


def test_dim_unit_norm_and_identity(embedder: LlamaEmbedder) -> None:
    as_protocol: Embedder = embedder
    assert as_protocol.dim == 384
    assert as_protocol.model_id == "all-MiniLM-L6-v2"
    vectors = embedder.embed(["one", "two words", "a somewhat longer third sentence, with punctuation."])
    assert all(len(v) == 384 for v in vectors)
    assert all(abs(norm(v) - 1.0) < 1e-5 for v in vectors)
    assert cosine(vectors[0], vectors[1]) < 0.99  # different texts, different vectors


def test_a_2000_word_text_is_cut_to_the_window(embedder: LlamaEmbedder) -> None:
    # Past 512 tokens llama.cpp would abort the process: the embedder must cut first.
    long_text = " ".join(f"Sentence {i} is about gardening, tomatoes and rain." for i in range(250))
    assert len(long_text.split()) == 2000
    ids = embedder.tokenize(long_text)
    assert len(ids) == embedder.window == 256
    assert ids[0] == 101 and ids[-1] == 102  # [CLS] ... [SEP] kept after the cut
    vectors = embedder.embed([long_text, "tomatoes", long_text])
    assert len(vectors) == 3 and all(abs(norm(v) - 1.0) < 1e-5 for v in vectors)
    assert cosine(vectors[0], vectors[2]) > 0.99999
    # Only the first 256 tokens count, as in sentence-transformers.
    head = " ".join(long_text.split()[:400])
    assert cosine(embedder.embed([head])[0], vectors[0]) > 0.99999


def test_empty_input_and_empty_strings(embedder: LlamaEmbedder) -> None:
    assert embedder.embed([]) == []
    vectors = embedder.embed(["", "   ", "not empty"])
    assert len(vectors) == 3
    assert all(len(v) == 384 and abs(norm(v) - 1.0) < 1e-5 for v in vectors)
    assert embedder.tokenize("") == [101, 102]


def test_a_single_string_is_refused(embedder: LlamaEmbedder) -> None:
    # A str is a Sequence[str] of characters: embedding each letter is never what the caller meant.
    with pytest.raises(TypeError):
        embedder.embed("hello")


def test_many_texts_span_several_batches(minilm_gguf: Path) -> None:
    with LlamaEmbedder(minilm_gguf, n_batch=64, flash_attn=False) as small:
        texts = [s["text"] for s in SAMPLES[:12]] * 3
        vectors = small.embed(texts)
    assert len(vectors) == 36
    for s, v in zip(SAMPLES[:12] * 3, vectors, strict=True):
        # a 64-token batch also means a 64-token window: the 120-token sample is cut there
        assert cosine(v, s["embedding"]) >= (0.999 if len(s["token_ids"]) <= 64 else 0.9), s["text"]


def test_closed_embedder_raises(minilm_gguf: Path) -> None:
    emb = LlamaEmbedder(minilm_gguf)
    emb.close()
    emb.close()  # twice is harmless
    with pytest.raises(ModelError, match="closed"):
        emb.embed(["anything"])


def test_embedder_rejects_missing_and_broken_files(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="not found"):
        LlamaEmbedder(tmp_path / "nothing.gguf")
    junk = tmp_path / "junk.gguf"
    junk.write_bytes(b"GGUF" + b"\x00" * 64)
    with pytest.raises(ModelError, match="not a model"):
        LlamaEmbedder(junk)
    with pytest.raises(ValueError, match="n_batch"):
        LlamaEmbedder(junk, n_batch=1024)


def test_importing_the_embedder_does_not_load_llama_cpp() -> None:
    code = "import sys, assistant.llm.embedder; print('llama_cpp' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_gguf_metadata_is_what_llama_cpp_needs(minilm_gguf: Path) -> None:
    reader = gguf.GGUFReader(minilm_gguf)

    def field(key: str) -> Any:
        return reader.fields[key].contents()

    assert field("general.architecture") == "bert"
    assert field("bert.pooling_type") == int(gguf.PoolingType.MEAN)
    assert field("bert.attention.causal") is False
    assert field("bert.context_length") == 512
    assert field("sentence_transformers.max_seq_length") == 256
    assert field("tokenizer.ggml.token_type_count") == 2
    assert field("tokenizer.ggml.model") == "bert"
    tokens = field("tokenizer.ggml.tokens")
    assert tokens[101] == "[CLS]" and tokens[102] == "[SEP]"
    assert "\u2581hello" in tokens and "##ing" not in tokens and "ing" in tokens
    names = {t.name for t in reader.tensors}
    assert "token_embd.weight" in names and "blk.5.ffn_down.weight" in names
    assert not any("position_ids" in n or "pooler" in n for n in names)


def test_prepare_is_idempotent(minilm_gguf: Path) -> None:
    assert minilm_gguf.name == DEFAULT_EMBEDDING_FILE
    before = minilm_gguf.stat().st_mtime_ns
    assert prepare_default_embedding_model(minilm_gguf.parent) == minilm_gguf
    assert minilm_gguf.stat().st_mtime_ns == before


def test_not_a_model_directory_is_a_clear_error(tmp_path: Path) -> None:
    out = tmp_path / "out" / "model.gguf"
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelError, match=r"missing config\.json, model\.safetensors, vocab\.txt or tokenizer\.json"):
        convert_bert_to_gguf(tmp_path / "empty", out)
    with pytest.raises(ModelError, match="not a directory"):
        convert_bert_to_gguf(tmp_path / "absent", out)
    assert not out.exists()


def test_other_architectures_and_broken_weights_are_refused(tmp_path: Path) -> None:
    src = find_packaged_minilm()
    model = tmp_path / "model"
    shutil.copytree(src, model)
    out = tmp_path / "out" / "model.gguf"

    config = json.loads((model / "config.json").read_text())
    (model / "config.json").write_text(json.dumps({**config, "model_type": "llama"}))
    with pytest.raises(ModelError, match="'llama' model; only BERT"):
        convert_bert_to_gguf(model, out)

    (model / "config.json").write_text(json.dumps(config))
    (model / "model.safetensors").write_bytes(b"\x08" + b"\x00" * 7 + b"not json")
    with pytest.raises(ModelError, match="not a valid safetensors file"):
        convert_bert_to_gguf(model, out)
    # Nothing half-written is left behind, under the final name or as a temp file.
    assert not out.exists()
    assert list(out.parent.iterdir()) == []


def test_unsupported_pooling_is_refused(tmp_path: Path) -> None:
    model = tmp_path / "model"
    shutil.copytree(find_packaged_minilm(), model)
    pooling = model / "1_Pooling" / "config.json"
    config = json.loads(pooling.read_text())
    pooling.write_text(json.dumps({**config, "pooling_mode_mean_tokens": False, "pooling_mode_max_tokens": True}))
    with pytest.raises(ModelError, match="pooling"):
        convert_bert_to_gguf(model, tmp_path / "model.gguf")


def test_the_packaged_model_is_found() -> None:
    model_dir = find_packaged_minilm()
    assert (model_dir / "model.safetensors").is_file()
    assert (model_dir / "1_Pooling" / "config.json").is_file()
