"""Light and dark: follow the system, or a choice from the View menu (kept in settings)."""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication


class Theme(StrEnum):
    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"


def parse_theme(value: object) -> Theme:
    """A stored setting; anything unknown is the system's."""
    try:
        return Theme(str(value))
    except ValueError:
        return Theme.SYSTEM


def dark_palette() -> QPalette:
    palette = QPalette()
    roles = QPalette.ColorRole
    colours = {
        roles.Window: "#2b2d30",
        roles.WindowText: "#e6e6e6",
        roles.Base: "#1e1f22",
        roles.AlternateBase: "#26282b",
        roles.ToolTipBase: "#3c3f41",
        roles.ToolTipText: "#e6e6e6",
        roles.PlaceholderText: "#8c8c8c",
        roles.Text: "#e6e6e6",
        roles.Button: "#3c3f41",
        roles.ButtonText: "#e6e6e6",
        roles.BrightText: "#ff6b6b",
        roles.Link: "#6aa8ff",
        roles.LinkVisited: "#b08cff",
        roles.Highlight: "#2f65ca",
        roles.HighlightedText: "#ffffff",
        roles.Mid: "#45484b",
        roles.Dark: "#18191b",
        roles.Light: "#505356",
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    disabled = QPalette.ColorGroup.Disabled
    for role in (roles.Text, roles.WindowText, roles.ButtonText):
        palette.setColor(disabled, role, QColor("#7a7a7a"))
    return palette


def apply_theme(theme: Theme) -> None:
    """Set the application's colours; SYSTEM gives the platform's back."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    hints = app.styleHints()
    if theme is Theme.SYSTEM:
        hints.unsetColorScheme()
        app.setPalette(QPalette())
    elif theme is Theme.DARK:
        hints.setColorScheme(Qt.ColorScheme.Dark)
        app.setPalette(dark_palette())
    else:
        hints.setColorScheme(Qt.ColorScheme.Light)
        app.setPalette(app.style().standardPalette())


def is_dark() -> bool:
    """Whether the window shows light text on a dark background now."""
    window = QApplication.palette().color(QPalette.ColorRole.Window)
    return window.lightness() < 128
