"""Render resources/icons/app.svg into the icon files the installers need.

    python packaging/render_icons.py OUT_DIR

writes OUT_DIR/memory-assistant.svg (the XDG scalable icon), memory-assistant-<N>.png for N in 16..512
(the hicolor sizes and the AppImage icon), memory-assistant.ico (Windows) and memory-assistant.icns
(macOS). Qt's SVG renderer draws the PNGs (PySide6 is a dependency of the app, so every build machine
has it); Pillow packs the .ico and .icns.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SVG = ROOT / "resources" / "icons" / "app.svg"
NAME = "memory-assistant"
PNG_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(out: Path) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PIL import Image
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"render_icons: cannot read {SVG}")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for size in (*PNG_SIZES, 1024):
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter, QRectF(0, 0, size, size))
        painter.end()
        path = out / f"{NAME}-{size}.png"
        if not image.save(str(path)):
            raise SystemExit(f"render_icons: cannot write {path}")
        written.append(path)
    written.append(Path(shutil.copyfile(SVG, out / f"{NAME}.svg")))
    with Image.open(out / f"{NAME}-1024.png") as big:
        big.save(out / f"{NAME}.ico", sizes=[(s, s) for s in ICO_SIZES])
        big.save(out / f"{NAME}.icns")
    written += [out / f"{NAME}.ico", out / f"{NAME}.icns"]
    return written


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: python packaging/render_icons.py OUT_DIR")
    for p in render(Path(sys.argv[1])):
        print(p)
