"""QIcons from the resources: the app icon and the action icons, tinted for the theme.

Action icons are monochrome SVGs drawn in ``currentColor``; Qt's SVG renderer knows no
CSS colour, so the colour is written into the SVG text before rendering, and each icon
is rendered once per size (twice as large for HiDPI screens). Status icons carry their
own colours and are the same on light and dark themes.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QByteArray, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QImage, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

from readinglist.core.models import ReadStatus
from readinglist.resources import (
    APP_ID,
    HICOLOR_SIZES,
    action_icon_names,
    action_icon_svg,
    app_icon_png,
    app_icon_svg,
)

ICON_SIZES = (16, 20, 24, 32, 48)
DEVICE_PIXEL_RATIOS = (1.0, 2.0)


def desktop_file_name() -> str:
    """The name (without ``.desktop``) the window gives Qt, so that taskbars and docks
    match the running window to the installed desktop file and its icon."""
    return APP_ID


@cache
def app_icon() -> QIcon:
    """The app icon: every rendered hicolor size, plus the SVG master for others."""
    icon = QIcon()
    for size in HICOLOR_SIZES:
        icon.addFile(str(app_icon_png(size)), QSize(size, size))
    icon.addFile(str(app_icon_svg()))
    return icon


def _default_colour() -> QColor:
    app = QGuiApplication.instance()
    if isinstance(app, QGuiApplication):
        return QGuiApplication.palette().color(QPalette.ColorRole.WindowText)
    return QColor("#333333")


def _render(svg: bytes, size: int, ratio: float) -> QPixmap:
    renderer = QSvgRenderer(QByteArray(svg))
    if not renderer.isValid():
        raise ValueError("not a valid SVG")
    pixels = round(size * ratio)
    image = QImage(pixels, pixels, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, pixels, pixels))
    painter.end()
    pixmap = QPixmap.fromImage(image)
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


@cache
def _tinted_icon(name: str, colour: str) -> QIcon:
    text = action_icon_svg(name).read_text(encoding="utf-8").replace("currentColor", colour)
    data = text.encode("utf-8")
    icon = QIcon()
    for size in ICON_SIZES:
        for ratio in DEVICE_PIXEL_RATIOS:
            icon.addPixmap(_render(data, size, ratio))
    return icon


def action_icon(name: str, colour: QColor | str | None = None) -> QIcon:
    """An action icon by name (see :func:`icon_names`), in ``colour`` (default: the
    palette's text colour, so call it again after the theme changes)."""
    chosen = QColor(colour) if colour is not None else _default_colour()
    if not chosen.isValid():
        raise ValueError(f"not a colour: {colour!r}")
    return _tinted_icon(name, chosen.name(QColor.NameFormat.HexRgb))


def status_icon(status: ReadStatus) -> QIcon:
    """The icon of a read status (its own colours, whatever the theme)."""
    return action_icon(f"status-{status.value}", "#000000")


def icon_names() -> list[str]:
    """Every action icon name, for menus and tests."""
    return action_icon_names()
