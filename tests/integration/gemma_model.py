"""Test models shared by the integration tests.

`gemma_model_path` assembles the bundled gemma-3 270M base model once per session; use it from a
session fixture of your own:

    @pytest.fixture(scope="session")
    def gemma_path(tmp_path_factory):
        return gemma_model_path(tmp_path_factory)

`write_tiny_gguf` writes a valid, tiny GGUF header + tensor for tests that need a file of a given
architecture but never run it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.llm.manager import test_model_path

_assembled: Path | None = None


def gemma_model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Path of the gemma test model, assembled into this session's temp dir on first use."""
    global _assembled
    if _assembled is None or not _assembled.is_file():
        _assembled = test_model_path(tmp_path_factory.getbasetemp() / "gemma-model")
    return _assembled


def write_tiny_gguf(
    path: Path,
    arch: str = "llama",
    *,
    n_floats: int = 64,
    chat_template: str | None = None,
    embedding: bool = False,
) -> Path:
    """A GGUF with the header fields our inspection reads and one f32 tensor of `n_floats` values."""
    import gguf

    writer = gguf.GGUFWriter(str(path), arch)
    writer.add_name(f"tiny {arch}")
    writer.add_context_length(512)
    writer.add_block_count(2)
    writer.add_embedding_length(8)
    writer.add_head_count(2)
    writer.add_head_count_kv(1)
    if embedding:
        writer.add_pooling_type(gguf.PoolingType.MEAN)
        writer.add_causal_attention(False)
    if chat_template is not None:
        writer.add_chat_template(chat_template)
    writer.add_tensor("token_embd.weight", np.arange(n_floats, dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path
