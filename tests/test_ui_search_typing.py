"""The window searches as the user types: the last word is a prefix, never a typo."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from readinglist.app_context import open_library
from readinglist.core.digest_parser import render_digest
from readinglist.core.models import ParsedPaper
from readinglist.ui.app import build_main_window
from readinglist.ui.main_window import MainWindow
from tests.helpers import copy_library, settings_in

PAPERS = [
    ParsedPaper(
        "3D Gaussian Splatting for Real-Time Radiance Field Rendering",
        "We introduce Gaussian splatting, which renders novel views in real time.",
        0,
    ),
    ParsedPaper(
        "Denoising Diffusion Probabilistic Models",
        "High quality image synthesis using diffusion probabilistic models.",
        0,
    ),
    ParsedPaper("YOLOv9: Programmable Gradient Information", "YOLOv9 detects objects.", 0),
]


@pytest.fixture
def window(
    qtbot, tmp_path: Path, library_dir: Path, empty_library_template: Path
) -> Iterator[MainWindow]:
    settings_in(tmp_path / "s")
    copy_library(empty_library_template, library_dir)
    with open_library(library_dir) as opened:
        opened.library.import_bytes(render_digest(PAPERS).encode(), "typing.txt")
    shown = build_main_window(library_dir, first_run=False)
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitUntil(lambda: not shown.busy and shown.model.rowCount() == len(PAPERS))
    yield shown
    shown.close()


def titles(window: MainWindow) -> list[str]:
    model = window.model
    papers = [model.paper(row) for row in range(model.rowCount())]
    return [paper.title for paper in papers if paper is not None]


def settle(window: MainWindow, qtbot, text: str) -> None:
    """Type ``text`` and wait for the table to answer the query it made."""
    qtbot.keyClicks(window.search_box, text)
    qtbot.waitUntil(lambda: window.model.query.text.rstrip("*") == window.search_box.text())
    qtbot.waitUntil(lambda: not window.busy)


@pytest.mark.parametrize(
    ("typed", "query", "found"),
    [
        ("gaussian spl", "gaussian spl*", [PAPERS[0].title]),
        ("diffu", "diffu*", [PAPERS[1].title]),
        ("yolo", "yolo*", [PAPERS[2].title]),
        ("gaussian spl ", "gaussian spl ", []),  # a finished word is a whole word
    ],
)
def test_the_last_word_typed_is_a_prefix(
    window: MainWindow, qtbot, typed: str, query: str, found: list[str]
) -> None:
    settle(window, qtbot, typed)
    assert window.model.query.text == query
    assert titles(window) == found
    assert window.search_box.text() == typed  # the star is the window's, not the box's
    if query.endswith("*"):
        assert window.did_you_mean.isHidden()  # a partial word is no typo


def test_a_word_nothing_starts_with_gets_a_suggestion_without_the_star(
    window: MainWindow, qtbot
) -> None:
    settle(window, qtbot, "gausian")
    qtbot.waitUntil(lambda: not window.did_you_mean.isHidden())
    assert window.search.suggestion == "gaussian"
    window.did_you_mean.linkActivated.emit("#suggestion")
    assert window.search_box.text() == "gaussian"
    qtbot.waitUntil(lambda: titles(window) == [PAPERS[0].title])
