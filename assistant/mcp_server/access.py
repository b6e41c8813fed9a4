"""Every facade call the MCP server makes, in one place, so a change of the facade is adapted here only.

The store is opened read-only (`access="read"`): the server works beside the desktop app that holds it
for writing and can change nothing. Calls are serialised: the SDK runs each tool on a worker thread,
and one answer at a time is what a local model can give anyway.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.errors import AssistantError, NotInitialized, WrongPassphrase
from assistant.mcp_server.config import PASSPHRASE_ENV
from assistant.values import Answer, CoreBlock, Memory, RawEvent, SearchHit, Timeline

if TYPE_CHECKING:
    from assistant.api import Assistant

log = logging.getLogger(__name__)

HOW_TO_UNLOCK = (
    f'add "env": {{"{PASSPHRASE_ENV}": "<your passphrase>"}} to this server\'s entry in your MCP client\'s '
    "configuration (the memory assistant's Settings > Integrations shows the whole entry), or turn on "
    '"Unlock with the OS keyring" in its Settings > Privacy; then restart the MCP server'
)


class StoreLockedForMcp(AssistantError):
    """The server has no way to unlock the store: it cannot prompt, stdin carries the protocol."""


def session_bus_address(env: Mapping[str, str]) -> str | None:
    """The D-Bus session bus where the Linux keyring (Secret Service) answers, when the environment lacks it.

    MCP clients start servers with a few variables only (the SDKs pass PATH, HOME, USER...), so the
    address the keyring library looks for is missing, though the bus is at its standard place.
    """
    if not sys.platform.startswith("linux") or env.get("DBUS_SESSION_BUS_ADDRESS"):
        return None
    bus = Path(env.get("XDG_RUNTIME_DIR") or f"/run/user/{os.getuid()}") / "bus"
    return f"unix:path={bus}" if bus.exists() else None


class MemoryAccess:
    def __init__(self, app: Assistant, env: Mapping[str, str] = os.environ) -> None:
        self._app = app
        self._passphrase = env.get(PASSPHRASE_ENV)
        self._lock = threading.RLock()

    def unlock(self) -> None:
        """Open the store read-only with ASSISTANT_PASSPHRASE, else the OS keyring if the user opted in;
        an error that tells the client's user what to configure otherwise."""
        with self._lock:
            if self._app.unlocked:
                return
            if not self._app.initialized:
                raise NotInitialized(
                    f"{self._app.paths.root} (or point --data-dir in this MCP server's configuration at your store)"
                )
            if self._passphrase is None and (bus := session_bus_address(os.environ)):
                os.environ["DBUS_SESSION_BUS_ADDRESS"] = bus  # for the keyring (see session_bus_address)
            try:
                self._app.unlock(self._passphrase, access="read")
            except WrongPassphrase:
                if self._passphrase is not None:
                    raise StoreLockedForMcp(
                        f"{PASSPHRASE_ENV} in this MCP server's configuration is not the "
                        "memory store's passphrase; nothing was unlocked. Correct it in "
                        "your MCP client's configuration and restart the server"
                    ) from None
                raise StoreLockedForMcp(
                    f"the memory store is locked and this MCP server cannot ask for the "
                    f"passphrase (stdin carries the protocol): {HOW_TO_UNLOCK}"
                ) from None
            # Search what the vector index holds so far instead of waiting for all of it to load.
            self._app.search.load_index_in_background()
            log.info("MCP server: store open read-only")

    def search(
        self, query: str, *, types: Sequence[str] | None, since: datetime | None, until: datetime | None, limit: int
    ) -> list[SearchHit]:
        with self._lock:
            self.unlock()
            return self._app.search.find(query, types=types, since=since, until=until, limit=limit)

    def search_note(self) -> str | None:
        """How complete search is right now ("the vector index is loading: 1,200 of 5,000 items, ..."), if not."""
        with self._lock:
            return self._app.notes().search

    def ask(self, question: str) -> Answer:
        with self._lock:
            self.unlock()
            return self._app.answers.ask(question, record=False)  # a client's questions are not the user's chat

    def timeline(self, start: datetime, end: datetime) -> Timeline:
        with self._lock:
            self.unlock()
            return self._app.timeline.between(start, end)

    def item(self, item_id: str) -> Memory | RawEvent:
        """A memory, or a raw event when the id is an event's ("ev_...")."""
        with self._lock:
            self.unlock()
            return self._app.memories.event(item_id) if item_id.startswith("ev_") else self._app.memories.get(item_id)

    def core_blocks(self) -> list[CoreBlock]:
        with self._lock:
            self.unlock()
            return [m for m in self._app.memories.latest("core", limit=50) if isinstance(m, CoreBlock)]

    def close(self) -> None:
        with self._lock:
            self._app.close()
