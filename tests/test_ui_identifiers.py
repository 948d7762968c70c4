"""Identifiers pasted into the window (``2403.13043``, arXiv and Hugging Face paper URLs)
are looked up and imported as papers, against the replay server; never the network."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QGuiApplication

from readinglist.core.identifier_import import identifiers_only
from readinglist.ui.main_window import MainWindow
from tests import test_ui_window
from tests.helpers import database_dump
from tests.replay_server import ATTENTION, ReplayServer

settings_dir = test_ui_window.settings_dir
make_window = test_ui_window.make_window
window = test_ui_window.window


def paste(main: MainWindow, text: str) -> None:
    QGuiApplication.clipboard().setText(text)
    main.paste_action.trigger()


def settle(main: MainWindow, qtbot) -> None:
    qtbot.waitUntil(
        lambda: not main.importing and not main.busy and not main.resolver.running,
        timeout=20000,
    )


def test_only_a_paste_of_identifiers_is_taken_for_identifiers() -> None:
    assert identifiers_only("2403.13043, https://arxiv.org/abs/2406.12345v2\n") == [
        "2403.13043",
        "2406.12345",
    ]
    assert identifiers_only("https://huggingface.co/papers/2409.00001") == ["2409.00001"]
    assert identifiers_only("Attention Is All You Need 1706.03762") is None  # a digest
    assert identifiers_only("   ") is None


def test_pasted_identifiers_become_one_paper_with_its_facts(
    window: MainWindow, qtbot, replay: ReplayServer
) -> None:
    paste(window, "1706.03762\nhttps://huggingface.co/papers/1706.03762\n")
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=20000)
    settle(window, qtbot)
    [paper] = window.library.papers()
    assert paper.title == ATTENTION
    assert paper.arxiv_id == "1706.03762"
    assert paper.published == "2017-06-12"  # by the lookup that follows the import
    assert (
        "arXiv 1706.03762" in window.statusBar().currentMessage()
        or window.import_banner.isVisible()
    )
    window.undo_action.trigger()  # an import like any other
    qtbot.waitUntil(lambda: window.model.rowCount() == 0, timeout=20000)
    assert window.library.papers() == []


def refused(main: MainWindow, qtbot, library_dir: Path, text: str, fragment: str) -> None:
    """Pasting ``text`` says ``fragment`` in one message and changes nothing."""
    settle(main, qtbot)
    before = database_dump(library_dir)
    paste(main, text)
    qtbot.waitUntil(
        lambda: (
            fragment in main.import_banner.message.text()
            or fragment in main.statusBar().currentMessage()
        ),
        timeout=20000,
    )
    settle(main, qtbot)
    assert database_dump(library_dir) == before


def test_an_unknown_identifier_is_one_message_and_changes_nothing(
    window: MainWindow, qtbot, replay: ReplayServer, library_dir: Path
) -> None:
    refused(window, qtbot, library_dir, "2410.99999", "neither arXiv nor Hugging Face knows")


def test_offline_identifiers_are_one_message_and_change_nothing(
    window: MainWindow, qtbot, library_dir: Path
) -> None:
    """No replay server: the endpoints point at a closed port (tests/conftest.py)."""
    refused(window, qtbot, library_dir, "1706.03762", "could not look the papers up")
