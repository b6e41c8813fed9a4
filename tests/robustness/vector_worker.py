"""The worker of test_kill9_vectors: adds memories and embeds them one at a time into the encrypted
vector index (a background snapshot every few vectors) until it is killed.

    python -m tests.robustness.vector_worker DATA_DIR ACKFILE [COUNT]

Appends `ready`, then the id of each memory once its vector is committed to the store and added to the
index (a plain write(2): it survives kill -9). With COUNT it stops after COUNT memories: it waits for a
snapshot being written, adds one more memory that no snapshot will hold, appends `done` and waits to
be killed, so the store surely holds a vector the last snapshot lacks.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from assistant.paths import DataPaths
from assistant.retrieval.embedded_index import EmbeddedIndex
from assistant.retrieval.indexer import Indexer
from assistant.store import memories, opened
from assistant.values import SemanticMemory
from tests.conftest import PASSPHRASE
from tests.fake_embedder import FakeEmbedder

SNAPSHOT_EVERY = 5
DIM = 256  # few hash collisions between the notes' words


def text(n: int) -> str:
    return f"note{n} lantern{n * 3} orchid{n * 7}"


def main(data_dir: str, ack_file: str, count: int | None = None) -> None:
    paths = DataPaths(Path(data_dir))
    store = opened.open_existing(paths, PASSPHRASE)
    embedder = FakeEmbedder(dim=DIM)
    index = EmbeddedIndex(
        embedder.model_id, snapshot=paths.vector_snapshot, data_key=store.data_key, snapshot_every=SNAPSHOT_EVERY
    )
    index.sync_with_store(store.db.reader())
    indexer = Indexer(store.db, embedder, index)
    ack = os.open(ack_file, os.O_WRONLY | os.O_APPEND)
    os.write(ack, b"ready\n")
    n = 0
    while count is None or n < count:
        add(store, indexer, ack, n)
        n += 1
    writing = index._snapshotter
    if writing is not None:
        writing.join()
    index.snapshot_every = 1 << 30  # no snapshot from here on
    add(store, indexer, ack, n)
    os.write(ack, b"done\n")
    while True:
        time.sleep(1)


def add(store: opened.OpenedStore, indexer: Indexer, ack: int, n: int) -> None:
    memory = SemanticMemory(name=f"n{n}", summary=text(n))
    with store.db.write() as conn:
        memories.insert(conn, memory)
    indexer.run()
    os.write(ack, f"{memory.id}\n".encode())


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else None)
