"""Entry point of the desktop app (`assistant-ui`)."""

from __future__ import annotations

import sys


def main() -> int:
    from PySide6.QtWidgets import QApplication, QLabel

    app = QApplication.instance() or QApplication(sys.argv)
    label = QLabel("Memory assistant")
    label.setWindowTitle("Memory assistant")
    label.show()
    return int(app.exec())


if __name__ == "__main__":
    sys.exit(main())
