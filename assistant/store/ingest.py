"""Raw events enter the store here: text is redacted first, and every secret found is sealed into the
knowledge vault with the event as its source, in the same transaction as the event itself."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from urllib.parse import urlsplit

from assistant.redaction import Secret, redact
from assistant.store import memories as memory_repo
from assistant.store.events import add_events
from assistant.store.opened import OpenedStore
from assistant.store.sql import Connection
from assistant.values import Progress, RawEvent, VaultEntry

# Secrets shorter than this are not de-duplicated: a keyed hash of a PIN could be brute-forced by
# someone holding the data key, and the vault's point is to need the passphrase.
DEDUP_MIN_LENGTH = 12

PROGRESS_EVERY = 200


def seen_where(event: RawEvent) -> str:
    """Where a secret was seen, as the user would recognise it: the site or the window's title, not only
    the app ("password seen in firefox" named none of the twenty sites open in it)."""
    app = f" ({event.app})" if event.app else ""
    if event.url:
        return f"on {urlsplit(event.url).hostname or event.url[:80]}{app}"
    if event.title:
        title = event.title if len(event.title) <= 80 else event.title[:79] + "…"
        return f"in “{title}”{app}"
    if event.kind == "chat":
        return f"in the chat “{event.session}”" if event.session else "in a chat"
    return f"in {event.app}" if event.app else "on the screen"


class Ingest:
    def __init__(self, store: OpenedStore) -> None:
        self._store = store
        self._dedup_key = hmac.new(store.data_key, b"vault-dedup", hashlib.sha256).digest()

    def file_secret(self, conn: Connection, secret: Secret, event: RawEvent) -> None:
        key = None
        if len(secret.value) >= DEDUP_MIN_LENGTH:
            key = "vault:" + hmac.new(self._dedup_key, secret.value.encode(), hashlib.sha256).hexdigest()
            existing = memory_repo.find_by_merge_key(conn, "vault", key)
            if existing is not None:
                memory_repo.add_sources(conn, existing.id, [event.source()])
                return
        entry = VaultEntry(
            entry_type=secret.kind,
            source=event.kind,
            sensitivity="high",
            caption=f"{secret.kind} seen {seen_where(event)}",
            occurred_at=event.occurred_at,
            sources=[event.source()],
        )
        memory_repo.insert(conn, entry, merge_key=key, sealed=self._store.seal_secret(secret.value, entry.id))

    def add_text_events(
        self, pairs: Iterable[tuple[RawEvent, str | None]], progress: Progress | None = None, total: int = 0
    ) -> int:
        """Store events (with optional dedup keys) after redacting their text; returns how many were new.
        `progress(done, total)` is told every PROGRESS_EVERY events (a large import takes minutes)."""
        added = 0
        with self._store.db.write() as conn:
            for done, (event, key) in enumerate(pairs, start=1):
                if progress is not None and done % PROGRESS_EVERY == 0:
                    progress(done, total)
                found = redact(event.text)
                if found.count:
                    event.text = found.text
                    event.meta["redactions"] = found.count
                if add_events(conn, [(event, key)]):
                    added += 1
                    for secret in found.secrets:
                        self.file_secret(conn, secret, event)
        return added
