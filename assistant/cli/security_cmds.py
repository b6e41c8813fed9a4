"""`assistant lock`: tell the running desktop app to lock (drop its keys and show the unlock dialog);
`assistant rekey`: rotate the data key."""

from __future__ import annotations

import argparse
import socket
import sys
from typing import Any

from assistant.cli.common import open_assistant, passphrase
from assistant.errors import AssistantError
from assistant.paths import DataPaths, instance_socket, resolve_data_dir

TIMEOUT_SECONDS = 3.0


def send_to_app(data_dir: str | None, message: str) -> bool:
    """Send one line to the app running on `data_dir`; False when none is running."""
    path = instance_socket(DataPaths(resolve_data_dir(data_dir)).root)
    if sys.platform == "win32":  # QLocalServer listens on a named pipe of the socket's name
        try:
            with open(rf"\\.\pipe\{path.name}", "wb") as pipe:
                pipe.write(message.encode() + b"\n")
        except OSError:
            return False
        return True
    if not path.exists():
        return False
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.settimeout(TIMEOUT_SECONDS)
        try:
            conn.connect(str(path))
            conn.sendall(message.encode() + b"\n")
        except OSError:
            return False
    return True


def cmd_lock(args: argparse.Namespace) -> int:
    if not send_to_app(args.data_dir, "lock"):
        raise AssistantError(
            f"the desktop app is not running for {resolve_data_dir(args.data_dir)}: nothing to lock "
            "(the command line unlocks per command and keeps no key afterwards)"
        )
    print("asked the desktop app to lock: its keys are dropped and it asks for the passphrase again")
    return 0


def cmd_rekey(args: argparse.Namespace) -> int:
    app = open_assistant(args)
    try:
        renamed = app.backups.rekey(passphrase("Passphrase (to rotate the data key): "))
    finally:
        app.close()
    print("the data key was rotated: the database, the thumbnails and the key file use a new key, and a new backup")
    if renamed:
        print(f"{len(renamed)} older backups were renamed old-key-…; each opens only with the key file inside it")
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser("lock", help="lock the running desktop app (drops its keys; asks for the passphrase again)")
    p.set_defaults(func=cmd_lock)
    p = sub.add_parser("rekey", help="rotate the data key (re-encrypts the store; old backups keep the old key)")
    p.set_defaults(func=cmd_rekey)
