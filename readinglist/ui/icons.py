"""Icons drawn with QPainter: no image files to ship, no glyphs that a font may lack."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap

SIZE = 16
CODE_COLOUR = "#2f7d32"


def _canvas() -> tuple[QPixmap, QPainter]:
    pixmap = QPixmap(SIZE * 2, SIZE * 2)  # drawn at twice the size: sharp on HiDPI too
    pixmap.setDevicePixelRatio(2.0)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    return pixmap, painter


@cache
def code_icon() -> QIcon:
    """``</>`` in green: the paper has a code repository."""
    pixmap, painter = _canvas()
    pen = QPen(QColor(CODE_COLOUR), 1.8)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.drawPolyline([QPointF(5.5, 4.5), QPointF(2, 8), QPointF(5.5, 11.5)])
    painter.drawPolyline([QPointF(10.5, 4.5), QPointF(14, 8), QPointF(10.5, 11.5)])
    painter.drawLine(QPointF(9.2, 3.5), QPointF(6.8, 12.5))
    painter.end()
    return QIcon(pixmap)


@cache
def colour_dot(colour: str) -> QIcon:
    """A filled circle of a tag's colour."""
    pixmap, painter = _canvas()
    painter.setPen(QPen(QColor(colour).darker(130), 1))
    painter.setBrush(QColor(colour))
    painter.drawEllipse(QPointF(8, 8), 5, 5)
    painter.end()
    return QIcon(pixmap)


@cache
def paper_icon(colour: str) -> QIcon:
    """A page with a folded corner and lines of text, in ``colour`` (the palette's text
    colour: the action icons from the resources have no paper among them)."""
    pixmap, painter = _canvas()
    pen = QPen(QColor(colour), 1.3)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    painter.setPen(pen)
    painter.drawPolygon(
        [
            QPointF(3.5, 1.5),
            QPointF(9.5, 1.5),
            QPointF(12.5, 4.5),
            QPointF(12.5, 14.5),
            QPointF(3.5, 14.5),
        ]
    )
    painter.drawPolyline([QPointF(9.5, 1.5), QPointF(9.5, 4.5), QPointF(12.5, 4.5)])
    for y in (7.5, 9.5, 11.5):
        painter.drawLine(QPointF(5.5, y), QPointF(10.5, y))
    painter.end()
    return QIcon(pixmap)
