"""Small widget helpers."""

from __future__ import annotations

import html
from typing import TypeVar

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QGuiApplication

W = TypeVar("W", bound=QObject)


def named(widget: W, name: str) -> W:
    """Set a Qt object name (what tests and style sheets find widgets by), return the widget."""
    widget.setObjectName(name)
    return widget


def plain_tooltip(text: str) -> str:
    """A tooltip that shows ``text`` as it is: Qt takes any tooltip that looks like
    markup for rich text, so the text is escaped inside a tag (rich text, always)."""
    return f"<span>{html.escape(text)}</span>" if text else ""


def menu_text(text: str) -> str:
    """An action's text that shows ``text`` as it is (``&`` marks a shortcut letter)."""
    return text.replace("&", "&&")


def shift_held() -> bool:
    """Whether Shift is down now: a Shift+click on a button or a menu item."""
    return bool(QGuiApplication.keyboardModifiers() & Qt.KeyboardModifier.ShiftModifier)
