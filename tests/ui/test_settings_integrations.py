"""Settings > Integrations shows the MCP client entry the core builds, ready to copy."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from ui.app import Desktop


def test_the_integrations_box_shows_the_entry_that_starts_assistant_mcp(
    qtbot: QtBot, desktop: Desktop, data_dir: Path
) -> None:
    view = desktop.window.show_view("settings")
    box = view.integrations
    assert box.isVisible()
    qtbot.waitUntil(lambda: box.snippet.toPlainText() != "", timeout=15000)
    config = json.loads(box.snippet.toPlainText())
    assert config == desktop.session.assistant.integrations.mcp_client_config()
    entry = config["mcpServers"]["memory-assistant"]
    assert entry["args"][-3:] == ["--data-dir", str(data_dir.resolve()), "mcp"]
    assert entry["env"] == {"ASSISTANT_PASSPHRASE": "<your passphrase>"}
    assert "Replace <your passphrase>" in box.note.text()
    box.copy_button.click()
    clipboard = QGuiApplication.clipboard()
    assert clipboard is not None and json.loads(clipboard.text()) == config
