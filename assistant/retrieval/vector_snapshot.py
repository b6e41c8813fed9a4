"""The embedded vector index's snapshot file: each collection's serialised HNSW graph and vectors, sealed
in AES-GCM chunks under a key derived from the data key, and a manifest saying what it covers.

The graph holds no ids or text: its keys are the store's generation keys (embeddings.gen), which say
nothing without the store. The manifest (sealed as the last chunk) records the model, the vector size
and storage type, and the count and highest key of each part; a snapshot whose manifest does not match
what the index expects is refused like a damaged one. The store stays the truth: at unlock the rows
added or removed since the snapshot are found by comparing keys (see index_sync).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from assistant.crypto.chunked import SealedWriter, read_sealed, subkey
from assistant.errors import StoreCorrupt

MAGIC = b"MA-VECTOR-SNAPSHOT-1\n"
FORMAT = 1
_MANIFEST = 0  # part number of the manifest; collection i is part i + 1


def snapshot_key(data_key: bytes) -> bytes:
    return subkey(data_key, "vector-snapshot:v1")


@dataclass
class Manifest:
    model: str
    dim: int
    dtype: str
    parts: list[str]  # collection names, in part order
    counts: list[int] = field(default_factory=list)  # vectors in each part
    max_keys: list[int] = field(default_factory=list)  # highest generation key in each part
    sizes: list[int] = field(default_factory=list)  # bytes of each part
    format: int = FORMAT

    @property
    def count(self) -> int:
        return sum(self.counts)


def write_snapshot(
    path: Path, key: bytes, manifest: Manifest, serialise: Sequence[Callable[[], tuple[bytes | bytearray, int, int]]]
) -> None:
    """Write `path` atomically: part i is serialise[i]() -> (bytes, count, max key), called one at a time
    so only one collection's copy is held; the manifest gets the counts and goes last."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.parent.chmod(0o700)
    writer = SealedWriter(path, key, MAGIC)
    try:
        manifest.counts, manifest.max_keys, manifest.sizes = [], [], []
        for number, make in enumerate(serialise, start=1):
            data, count, max_key = make()
            writer.write(number, data)
            manifest.counts.append(count)
            manifest.max_keys.append(max_key)
            manifest.sizes.append(len(data))
            del data
        writer.write(_MANIFEST, json.dumps(asdict(manifest)).encode(), final=True)
        writer.commit()
    except BaseException:
        writer.abort()
        raise


def read_snapshot(path: Path, key: bytes, expected: Manifest) -> tuple[Manifest, list[bytearray]]:
    """The manifest and each part's bytes. StoreCorrupt when any chunk fails to authenticate, the file is
    cut short, or the manifest does not describe what `expected` says (model, storage type, parts)."""
    parts: list[bytearray] = [bytearray() for _ in expected.parts]
    manifest_raw = b""
    for number, data in read_sealed(path, key, MAGIC):
        if number == _MANIFEST:
            manifest_raw = data
        elif 1 <= number <= len(parts):
            parts[number - 1] += data
        else:
            raise StoreCorrupt(f"{path} holds an unknown part {number}")
    try:
        found = Manifest(**json.loads(manifest_raw))
    except (ValueError, TypeError) as exc:
        raise StoreCorrupt(f"{path} has an unreadable manifest ({exc})") from None
    for name in ("format", "model", "dtype", "parts"):
        if getattr(found, name) != getattr(expected, name):
            raise StoreCorrupt(f"{path} was written for another {name} ({getattr(found, name)!r})")
    if found.sizes != [len(p) for p in parts] or len(found.counts) != len(parts):
        raise StoreCorrupt(f"{path} does not hold the parts its manifest lists")
    return found, parts
