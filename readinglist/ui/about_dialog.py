"""Help > About: the version and where the data lives, to copy into a bug report."""

from __future__ import annotations

import platform
from pathlib import Path

import PySide6
from PySide6.QtCore import QSize, Qt, qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from readinglist import __version__
from readinglist.locations import DataLocations, data_locations
from readinglist.storage.shared_url import read_locator
from readinglist.ui.app_icons import action_icon, app_icon
from readinglist.ui.widgets import named

ICON_SIZE = 64
SHARED_LABEL = "Shared library"
SUMMARY = "A reading list for machine-learning papers, fed by trending-papers digests."


def versions_line() -> str:
    return f"Python {platform.python_version()}, Qt {qVersion()}, PySide6 {PySide6.__version__}"


class AboutDialog(QDialog):
    """The version, the app icon and the data locations (library, database, backups,
    search index, log file), each selectable, with a button that copies them all."""

    def __init__(self, library_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle("About readinglist")
        self.locations: DataLocations = data_locations(library_dir)
        # A shared library: its URL, as stored (never with a password: shared_url).
        self.shared_url: str | None = read_locator(library_dir)

        icon = named(QLabel(), "aboutIcon")
        icon.setPixmap(app_icon().pixmap(QSize(ICON_SIZE, ICON_SIZE), self.devicePixelRatioF()))
        title = named(QLabel(f"readinglist {__version__}"), "aboutVersion")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        title.setFont(font)
        summary = QLabel(SUMMARY)
        summary.setWordWrap(True)
        versions = named(QLabel(versions_line()), "aboutVersions")
        heading = QVBoxLayout()
        for label in (title, summary, versions):
            label.setTextFormat(Qt.TextFormat.PlainText)
            heading.addWidget(label)
        top = QHBoxLayout()
        top.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        top.addLayout(heading, 1)

        form = QFormLayout()
        self.path_labels: dict[str, QLabel] = {}
        if self.shared_url is not None:
            shared = named(QLabel(self.shared_url), "aboutSharedUrl")
            shared.setTextFormat(Qt.TextFormat.PlainText)
            shared.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            shared.setWordWrap(True)
            form.addRow(f"{SHARED_LABEL}:", shared)
        for name, path in self.locations.rows():
            value = named(QLabel(str(path)), f"aboutPath{name.title().replace(' ', '')}")
            value.setTextFormat(Qt.TextFormat.PlainText)  # a path is never markup
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setWordWrap(True)
            form.addRow(f"{name}:", value)
            self.path_labels[name] = value

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = named(QPushButton("Copy to clipboard"), "aboutCopy")
        self.copy_button.setIcon(action_icon("copy"))
        self.copy_button.setAutoDefault(False)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_to_clipboard)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addSpacing(8)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(620, 0)

    def report(self) -> str:
        """The text the copy button puts on the clipboard."""
        lines = [f"readinglist {__version__}", versions_line()]
        if self.shared_url is not None:
            lines.append(f"{SHARED_LABEL}: {self.shared_url}")
        lines += [f"{name}: {path}" for name, path in self.locations.rows()]
        return "\n".join(lines)

    def copy_to_clipboard(self) -> None:
        QGuiApplication.clipboard().setText(self.report())
        self.copy_button.setText("Copied")
