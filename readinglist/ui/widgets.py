"""Small widget helpers."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QObject

W = TypeVar("W", bound=QObject)


def named(widget: W, name: str) -> W:
    """Set a Qt object name (what tests and style sheets find widgets by), return the widget."""
    widget.setObjectName(name)
    return widget
