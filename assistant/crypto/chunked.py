"""Large files sealed as a sequence of AES-GCM chunks, written atomically.

A file is a header (magic, random file id) and records of (part number, length, nonce, ciphertext). Each
record's associated data binds the file id, its position and whether it is the last one, so a chunk
swapped in from another file, moved, dropped, or a file cut short fails to open instead of yielding
data. Chunks keep memory bounded: a gigabyte is never encrypted or held twice in one piece.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from assistant.errors import StoreCorrupt

CHUNK = 8 * 1024 * 1024
_RECORD = struct.Struct(">BI12s")  # part number, ciphertext length, nonce
_MAX_RECORD = CHUNK + 16


def subkey(data_key: bytes, purpose: str) -> bytes:
    """A key of its own for one use of the data key (HMAC-SHA256 as the derivation)."""
    return hmac.new(data_key, f"memory-assistant:{purpose}".encode(), hashlib.sha256).digest()


def _aad(magic: bytes, file_id: bytes, seq: int, part: int, final: bool) -> bytes:
    return magic + file_id + struct.pack(">QB?", seq, part, final)


class SealedWriter:
    """Writes sealed chunks to `path`'s temp file; `commit()` makes the file appear whole (fsync + rename)."""

    def __init__(self, path: Path, key: bytes, magic: bytes) -> None:
        self.path = path
        self._tmp = path.with_name(f".{path.name}.tmp")
        self._aead = AESGCM(key)
        self._magic = magic
        self._file_id = os.urandom(16)
        self._seq = 0
        fd = os.open(self._tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        self._fh: BinaryIO = os.fdopen(fd, "wb")
        self._fh.write(magic + self._file_id)

    def write(self, part: int, data: bytes | bytearray | memoryview, *, final: bool = False) -> None:
        """Seal `data` as part `part`, in chunks; `final` marks the last write of the file."""
        view = memoryview(data).cast("B")
        starts = list(range(0, len(view), CHUNK)) or [0]
        for n, start in enumerate(starts):
            last = final and n == len(starts) - 1
            nonce = os.urandom(12)
            sealed = self._aead.encrypt(
                nonce, bytes(view[start : start + CHUNK]), _aad(self._magic, self._file_id, self._seq, part, last)
            )
            self._fh.write(_RECORD.pack(part, len(sealed), nonce))
            self._fh.write(sealed)
            self._seq += 1

    def commit(self) -> None:
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._fh.close()
        os.replace(self._tmp, self.path)
        dir_fd = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)  # the rename itself survives a power cut
        finally:
            os.close(dir_fd)

    def abort(self) -> None:
        self._fh.close()
        self._tmp.unlink(missing_ok=True)


def read_sealed(path: Path, key: bytes, magic: bytes) -> Iterator[tuple[int, bytes]]:
    """(part, plaintext) of each chunk of a sealed file, in order. Raises StoreCorrupt for a damaged,
    truncated or foreign file (checked chunk by chunk: stop consuming on the error)."""
    aead = AESGCM(key)
    with path.open("rb") as fh:
        head = fh.read(len(magic) + 16)
        if len(head) != len(magic) + 16 or head[: len(magic)] != magic:
            raise StoreCorrupt(f"{path} is not a sealed file of this kind")
        file_id = head[len(magic) :]
        seq = 0
        while True:
            record = fh.read(_RECORD.size)
            if not record:
                raise StoreCorrupt(f"{path} is cut short")
            if len(record) != _RECORD.size:
                raise StoreCorrupt(f"{path} is cut short")
            part, length, nonce = _RECORD.unpack(record)
            if length > _MAX_RECORD:
                raise StoreCorrupt(f"{path} has a damaged chunk header")
            sealed = fh.read(length)
            final = _try_open(aead, nonce, sealed, magic, file_id, seq, part)
            if final is None:
                raise StoreCorrupt(f"{path} is damaged or was tampered with (chunk {seq})")
            yield part, final[1]
            if final[0]:
                if fh.read(1):
                    raise StoreCorrupt(f"{path} has data after its last chunk")
                return
            seq += 1


def _try_open(
    aead: AESGCM, nonce: bytes, sealed: bytes, magic: bytes, file_id: bytes, seq: int, part: int
) -> tuple[bool, bytes] | None:
    """(is the last chunk, plaintext), or None when neither reading authenticates."""
    for final in (False, True):
        try:
            return final, aead.decrypt(nonce, sealed, _aad(magic, file_id, seq, part, final))
        except InvalidTag:
            continue
    return None
