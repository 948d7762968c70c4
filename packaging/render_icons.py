"""Render the app icon's PNGs (the hicolor sizes) from its one SVG master, with Qt.

.venv/bin/python packaging/render_icons.py          # writes resources/icons/hicolor/
.venv/bin/python packaging/render_icons.py --check  # exit 1 when the PNGs are stale

The PNGs are committed, so that packaging (Flatpak, PyInstaller, distributions) needs
no SVG renderer; ``SOURCE.sha256`` records the master they were rendered from, and a
test fails when the master changed without a new render.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parents[1]
APP_ID = "io.github.readinglist.ReadingList"
MASTER = ROOT / "resources" / "icons" / "app" / f"{APP_ID}.svg"
HICOLOR = ROOT / "resources" / "icons" / "hicolor"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
STAMP = HICOLOR / "SOURCE.sha256"


def master_digest(master: Path = MASTER) -> str:
    return hashlib.sha256(master.read_bytes()).hexdigest()


def render(svg: Path, size: int) -> QImage:
    """One square, transparent, antialiased render of ``svg``."""
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg}: not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image


def png_path(size: int) -> Path:
    return HICOLOR / f"{size}x{size}" / "apps" / f"{APP_ID}.png"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that PNGs are current")
    args = parser.parse_args(argv)
    digest = master_digest()
    if args.check:
        stale = STAMP.read_text().strip() != digest if STAMP.exists() else True
        missing = [str(png_path(s)) for s in SIZES if not png_path(s).is_file()]
        if stale or missing:
            print("icons are stale: run packaging/render_icons.py", *missing, file=sys.stderr)
            return 1
        return 0
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv)
    for size in SIZES:
        target = png_path(size)
        target.parent.mkdir(parents=True, exist_ok=True)
        if not render(MASTER, size).save(str(target)):
            raise SystemExit(f"cannot write {target}")
        print(target.relative_to(ROOT))
    STAMP.write_text(f"{digest}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
