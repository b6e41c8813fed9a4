"""Settings > Integrations: the entry that gives another local AI app (an MCP client) this memory."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from ui.session import Session


class IntegrationsBox(QGroupBox):
    """The JSON to paste into an MCP client's configuration (Claude Desktop, LM Studio, an IDE agent...),
    as the core builds it, with a button that copies it."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__("Integrations", parent)
        self.session = session
        intro = QLabel(
            "Other AI apps on this computer can search and ask your memory, read-only, over the Model "
            "Context Protocol (no network port). Paste this into the app's MCP servers configuration:"
        )
        intro.setWordWrap(True)
        self.snippet = QPlainTextEdit()
        self.snippet.setReadOnly(True)
        self.snippet.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.snippet.setMinimumHeight(210)
        self.copy_button = QPushButton("Copy")
        self.copy_button.clicked.connect(self.copy)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: gray;")
        row = QHBoxLayout()
        row.addWidget(self.note, 1)
        row.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.snippet)
        layout.addLayout(row)

    def refresh(self) -> None:
        self.session.run(
            self.session.assistant.integrations.mcp_client_config,
            name="MCP client entry",
            owner=self,
            on_result=self.show_config,
            on_error=lambda exc: self.note.setText(str(exc)),
        )

    def show_config(self, config: dict[str, Any]) -> None:
        self.snippet.setPlainText(json.dumps(config, indent=2, ensure_ascii=False))
        needs_passphrase = any(entry.get("env") for entry in config.get("mcpServers", {}).values())
        self.note.setText(
            "Replace <your passphrase> with yours: the client's configuration file keeps it in plain text. "
            "Turning on keyring unlock (Privacy, above) avoids that."
            if needs_passphrase
            else "The store unlocks from your OS keyring, so no passphrase is needed here."
        )

    def copy(self) -> None:
        clipboard = QGuiApplication.clipboard()
        if clipboard is not None:
            clipboard.setText(self.snippet.toPlainText())
            self.note.setText("Copied. " + self.note.text().removeprefix("Copied. "))
