"""The packaged all-MiniLM-L6-v2 converted to GGUF once per test session, for any test that needs it.

Use it from a test module (not a conftest: each module declares the fixture it wants):

    from tests.integration.embedding_model import converted_minilm

    @pytest.fixture(scope="session")
    def minilm_gguf(tmp_path_factory: pytest.TempPathFactory) -> Path:
        return converted_minilm(tmp_path_factory)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.llm.convert_bert import prepare_default_embedding_model


def converted_minilm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Path of the converted model, shared by every module of the session (conversion takes ~1 s)."""
    # The session's base temp dir is the same for every caller, so the second caller finds the
    # file that the first one wrote; prepare_default_embedding_model does not convert twice.
    models_dir = tmp_path_factory.getbasetemp() / "shared-embedding-models"
    return prepare_default_embedding_model(models_dir)
