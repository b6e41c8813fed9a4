"""Inspect a GGUF model file without loading it: what it is, how big, and whether it is whole.

`gguf.GGUFReader` materialises every vocabulary entry as numpy views, which takes ~30 s for a
262k-token vocabulary; this walks the same layout (using the `gguf` package's type and quantisation
tables) and skips arrays instead, so inspecting any model takes milliseconds.
"""

from __future__ import annotations

import mmap
import os
import struct
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from assistant.errors import ModelError

Role = Literal["chat", "embedding"]
Scalar = str | int | float | bool

GGUF_MAGIC = b"GGUF"
_SUPPORTED_VERSIONS = (2, 3)
_DEFAULT_ALIGNMENT = 32
# Encoder-only families llama.cpp serves through pooling, never through a sampler.
EMBEDDING_ARCHITECTURES = frozenset(
    {
        "bert",
        "nomic-bert",
        "nomic-bert-moe",
        "jina-bert-v2",
        "jina-bert-v3",
        "neo-bert",
        "modern-bert",
        "t5encoder",
        "gemma-embedding",
        "roberta",
        "xlm-roberta",
    }
)
# Files that hold weights but are not a model on their own.
_NOT_A_MODEL = {"mmproj": "a vision projector", "adapter": "a LoRA adapter"}
# (struct format, size) of GGUF scalar value types, keyed by GGUFValueType.
_SCALARS: dict[int, tuple[str, int]] = {
    0: ("<B", 1),
    1: ("<b", 1),
    2: ("<H", 2),
    3: ("<h", 2),
    4: ("<I", 4),
    5: ("<i", 4),
    6: ("<f", 4),
    7: ("<?", 1),
    10: ("<Q", 8),
    11: ("<q", 8),
    12: ("<d", 8),
}
_STRING, _ARRAY = 8, 9
_KEEP_ARRAY_MAX = 1024  # short numeric arrays (per-layer head counts) are kept; vocabularies are skipped
_MAX_ARRAY_DEPTH = 8  # arrays of arrays exist in the spec; deeper nesting is a crafted file


@dataclass(frozen=True)
class GgufInfo:
    path: Path
    size: int
    architecture: str
    context_length: int | None
    role: Role
    name: str | None
    n_params: int | None
    has_chat_template: bool
    kv_bytes_per_token: int  # f16 KV cache per context token; 0 when the header does not say

    def kv_cache_bytes(self, n_ctx: int) -> int:
        return self.kv_bytes_per_token * n_ctx


class _Truncated(Exception):
    pass


class _Cursor:
    """Little-endian reads over a memory map that raise `_Truncated` instead of reading past the end."""

    def __init__(self, buf: mmap.mmap) -> None:
        self.buf = buf
        self.pos = 0
        self.end = len(buf)

    def take(self, n: int) -> int:
        start = self.pos
        if n < 0 or start + n > self.end:
            raise _Truncated(f"header ends early at byte {start} of {self.end}")
        self.pos = start + n
        return start

    def unpack(self, fmt: str, size: int) -> Scalar:
        value: Scalar = struct.unpack_from(fmt, self.buf, self.take(size))[0]
        return value

    def u32(self) -> int:
        return int(self.unpack("<I", 4))

    def u64(self) -> int:
        return int(self.unpack("<Q", 8))

    def string(self) -> str:
        n = self.u64()
        start = self.take(n)
        return bytes(self.buf[start : start + n]).decode("utf-8", errors="replace")

    def value(self, vtype: int, keep: bool, depth: int = 0) -> Scalar | list[Scalar] | None:
        if depth > _MAX_ARRAY_DEPTH:  # a crafted file nests arrays until the interpreter's stack runs out
            raise ValueError(f"metadata arrays nested deeper than {_MAX_ARRAY_DEPTH}")
        if vtype in _SCALARS:
            return self.unpack(*_SCALARS[vtype])
        if vtype == _STRING:
            return self.string()
        if vtype != _ARRAY:
            raise ValueError(f"unknown metadata value type {vtype}")
        itype, count = self.u32(), self.u64()
        if itype in _SCALARS and not (keep and count <= _KEEP_ARRAY_MAX):
            self.take(count * _SCALARS[itype][1])  # fixed-size items: skip in O(1)
            return None
        if itype == _STRING and not keep:
            for _ in range(count):  # vocabularies: skip each length-prefixed string unread
                self.take(self.u64())
            return None
        items: list[Scalar] = []
        for _ in range(count):
            item = self.value(itype, keep=False, depth=depth + 1)
            if isinstance(item, (str, int, float, bool)) and keep:
                items.append(item)
        return items if keep else None


def read_gguf_info(path: str | os.PathLike[str]) -> GgufInfo:
    """Inspect `path`; raise ModelError naming the file if it is missing, not GGUF, truncated or corrupt."""
    p = Path(path)
    try:
        size = p.stat().st_size
        with p.open("rb") as fh:
            if fh.read(4) != GGUF_MAGIC:
                raise ModelError(f"{p} is not a GGUF file (it does not start with the GGUF signature)")
            if size < 24:
                raise _Truncated(f"only {size} bytes")
            with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as buf:
                meta, n_params, data_end = _parse(_Cursor(buf))
    except FileNotFoundError:
        raise ModelError(f"model file {p} does not exist") from None
    except IsADirectoryError:
        raise ModelError(f"{p} is a directory, not a GGUF model file") from None
    except OSError as exc:
        raise ModelError(f"cannot read model file {p}: {exc.strerror or exc}") from exc
    except _Truncated as exc:
        raise ModelError(f"truncated GGUF file {p} ({exc}); re-download it") from None
    except (ValueError, UnicodeDecodeError, OverflowError, RecursionError) as exc:
        raise ModelError(f"corrupt GGUF file {p} ({exc}); re-download it") from None
    if data_end > size:
        raise ModelError(
            f"truncated GGUF file {p}: the tensors need {data_end} bytes but the file has {size}; re-download it"
        )
    return _info(p, size, meta, n_params)


def _parse(cur: _Cursor) -> tuple[dict[str, Scalar | list[Scalar]], int, int]:
    """Walk header, metadata and tensor table; return (metadata, parameter count, end of tensor data)."""
    from gguf.constants import GGML_QUANT_SIZES, GGMLQuantizationType

    cur.take(4)  # magic, checked by the caller
    version = cur.u32()
    if version & 0xFFFF == 0:
        raise ValueError("big-endian GGUF files are not supported")
    if version not in _SUPPORTED_VERSIONS:
        raise ValueError(f"unsupported GGUF version {version}")
    n_tensors, n_kv = cur.u64(), cur.u64()
    if n_kv > 1_000_000 or n_tensors > 10_000_000:
        raise ValueError(f"implausible header counts ({n_tensors} tensors, {n_kv} keys)")
    meta: dict[str, Scalar | list[Scalar]] = {}
    for _ in range(n_kv):
        key = cur.string()
        value = cur.value(cur.u32(), keep=not key.startswith("tokenizer.ggml."))
        if value is not None:
            meta[key] = value
    n_params = 0
    tensor_end = 0
    for _ in range(n_tensors):
        cur.string()
        n_dims = cur.u32()
        if n_dims > 8:
            raise ValueError(f"tensor with {n_dims} dimensions")
        n_elems = 1
        for _ in range(n_dims):
            n_elems *= cur.u64()
        qtype, offset = cur.u32(), cur.u64()
        block, type_size = GGML_QUANT_SIZES[GGMLQuantizationType(qtype)]
        n_params += n_elems
        tensor_end = max(tensor_end, offset + n_elems * type_size // block)
    align = meta.get("general.alignment", _DEFAULT_ALIGNMENT)
    if not isinstance(align, int) or align <= 0 or align & (align - 1):
        raise ValueError(f"invalid alignment {align!r}")
    data_start = -(-cur.pos // align) * align
    return meta, n_params, data_start + tensor_end


def _info(p: Path, size: int, meta: dict[str, Scalar | list[Scalar]], n_params: int) -> GgufInfo:
    arch = meta.get("general.architecture")
    if not isinstance(arch, str) or not arch:
        raise ModelError(f"{p} has no model architecture in its GGUF header; it is not a usable model")
    kind = meta.get("general.type")
    if isinstance(kind, str) and kind in _NOT_A_MODEL:
        raise ModelError(f"{p} is {_NOT_A_MODEL[kind]}, not a model; choose the model file itself")

    def num(key: str) -> int | None:
        v = meta.get(f"{arch}.{key}")
        if isinstance(v, list):  # per-layer values: the largest one bounds memory
            v = max((x for x in v if isinstance(x, int)), default=None)
        return int(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None

    causal = meta.get(f"{arch}.attention.causal")
    is_embedding = arch in EMBEDDING_ARCHITECTURES or f"{arch}.pooling_type" in meta or causal is False
    name = meta.get("general.name")
    return GgufInfo(
        path=p,
        size=size,
        architecture=arch,
        context_length=num("context_length"),
        role="embedding" if is_embedding else "chat",
        name=name if isinstance(name, str) else None,
        n_params=n_params or None,
        has_chat_template=isinstance(meta.get("tokenizer.chat_template"), str),
        kv_bytes_per_token=_kv_bytes_per_token(num),
    )


def _kv_bytes_per_token(num: Callable[[str], int | None]) -> int:
    """K and V per layer in f16 (llama.cpp's default cache type)."""
    layers, embd, heads = num("block_count"), num("embedding_length"), num("attention.head_count")
    if not (layers and embd and heads):
        return 0
    kv_heads = num("attention.head_count_kv") or heads
    k_len = num("attention.key_length") or embd // heads
    v_len = num("attention.value_length") or embd // heads
    return int(layers * kv_heads * (k_len + v_len) * 2)
